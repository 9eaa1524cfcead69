package io.jenkins.plugins.squaddeploy.engine.kube;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Kubernetes rolling release changed, recorded on the build so that autoRollback can undo it: per Deployment,
 * the revision and image it had before (the ReplicaSet that {@code kubectl rollout undo --to-revision} goes back to)
 * and the ones it rolled out. The connection is kept without its kubeconfig (looked up again by credentials ID).
 */
public record KubeRelease(String service, String environment, KubeConnection connection, String image, String version, List<Item> deployments,
                          Instant at) implements Serializable {
    public KubeRelease {
        deployments = List.copyOf(deployments);
        connection = connection.withoutSecret();
    }

    /** One Deployment: before and after. */
    public record Item(String deployment, String container, String previousRevision, String previousImage, String revision, String image)
            implements Serializable {
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", "kubernetes");
        m.put("service", service);
        m.put("environment", environment);
        m.put("namespace", connection.namespace());
        m.put("context", connection.context());
        m.put("credentialsId", connection.credentialsId());
        m.put("image", image);
        m.put("version", version);
        List<Object> ds = new ArrayList<>();
        for (Item i : deployments) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("deployment", i.deployment());
            d.put("container", i.container());
            d.put("previousRevision", i.previousRevision());
            d.put("previousImage", i.previousImage());
            d.put("revision", i.revision());
            d.put("image", i.image());
            ds.add(d);
        }
        m.put("deployments", ds);
        m.put("at", at.toString());
        return m;
    }

    /** Reads back what {@link #toMap()} wrote. */
    public static KubeRelease fromMap(Map<?, ?> m) {
        List<Item> items = new ArrayList<>();
        if (m.get("deployments") instanceof List<?> l) {
            for (Object o : l) {
                Map<?, ?> d = (Map<?, ?>) o;
                items.add(new Item(str(d.get("deployment")), str(d.get("container")), str(d.get("previousRevision")), str(d.get("previousImage")),
                        str(d.get("revision")), str(d.get("image"))));
            }
        }
        KubeConnection c = new KubeConnection(str(m.get("credentialsId")), null, str(m.get("context")), str(m.get("namespace")));
        return new KubeRelease(str(m.get("service")), str(m.get("environment")), c, str(m.get("image")), str(m.get("version")), items,
                m.get("at") == null ? Instant.EPOCH : Instant.parse(str(m.get("at"))));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
