package io.jenkins.plugins.squaddeploy.engine.kube;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.KubeServiceRouterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kubernetesTarget(…)}, validated: where (credentials ID of the kubeconfig, context, namespace), which Deployments and
 * container, and for blue-green the Services. Holds no secret: the kubeconfig is looked up by ID when the orchestrator runs.
 *
 * @param deployments rolling: the Deployments to set the image on (empty: the one named like the service); blueGreen: one base
 *                    name whose colours are {@code <base>-blue} and {@code <base>-green} (empty: the service)
 * @param service     blueGreen: the Service whose selector picks the live colour (null: the squadDeploy service)
 * @param previewService blueGreen: a Service pointed at the new colour before the switch (null: none)
 */
public record KubeTargetSpec(String credentialsId, String context, String namespace, List<String> deployments, String container,
                             boolean undoOnFailure, String service, String previewService, String colourLabel) implements OrchestratedSpec {
    public static final String KIND = "kubernetes";
    private static final long serialVersionUID = 1L;

    public KubeTargetSpec {
        deployments = List.copyOf(deployments);
    }

    /** Validates a map as {@code kubernetesTarget} or the build record writes it; errors named {@code <p>.<key>}. */
    public static KubeTargetSpec of(Map<String, ?> m, String p) {
        KubeConnection c = KubeConnection.of(n -> p + "." + n, str(m.get("credentialsId")), str(m.get("context")), str(m.get("namespace")));
        List<String> ds = new ArrayList<>();
        if (m.get("deployments") instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                String d = KubeConnection.objectName(p + ".deployments[" + i + "]", str(l.get(i)), "auth-service");
                if (ds.contains(d)) {
                    throw new ParameterException(p + ".deployments[" + i + "]", "deployment " + d + " is listed twice", "each Deployment once");
                }
                ds.add(d);
            }
        } else if (m.get("deployments") != null) {
            throw new ParameterException(p + ".deployments", "got " + ParameterException.show(m.get("deployments")), "a list of Deployment names, e.g. ['auth-service', 'user-service']");
        }
        String container = str(m.get("container"));
        if (container != null) {
            KubeConnection.labelValue(p + ".container", container, "api");
        }
        String service = str(m.get("service"));
        if (service != null) {
            KubeConnection.objectName(p + ".service", service, "api");
        }
        String preview = str(m.get("previewService"));
        if (preview != null) {
            KubeConnection.objectName(p + ".previewService", preview, "api-preview");
        }
        String label = str(m.get("colourLabel"));
        if (label == null) {
            label = KubeServiceRouterSpec.DEFAULT_COLOUR_LABEL;
        } else {
            KubeServiceRouterSpec.of(n -> p + n.substring("router".length()), "x", null, label, null, null, null);
        }
        Object undo = m.get("undoOnFailure");
        boolean u = undo == null || Boolean.TRUE.equals(undo) || "true".equals(String.valueOf(undo));
        return new KubeTargetSpec(c.credentialsId(), c.context(), c.namespace(), ds, container, u, service, preview, label);
    }

    public KubeConnection connection() {
        return new KubeConnection(credentialsId, null, context, namespace);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("credentialsId", credentialsId);
        m.put("context", context);
        m.put("namespace", namespace);
        m.put("deployments", new ArrayList<>(deployments));
        m.put("container", container);
        m.put("undoOnFailure", undoOnFailure);
        m.put("service", service);
        m.put("previewService", previewService);
        m.put("colourLabel", colourLabel);
        return m;
    }

    @Override
    public String describe() {
        return "kubernetes " + (deployments.isEmpty() ? "deployment" : "deployments " + String.join(", ", deployments)) + " in " + connection().describe();
    }

    private static String str(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString().strip();
    }
}
