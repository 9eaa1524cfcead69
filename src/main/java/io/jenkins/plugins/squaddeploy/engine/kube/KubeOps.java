package io.jenkins.plugins.squaddeploy.engine.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Kubernetes API operations the engine needs, each a small serialisable value with a serialisable result. */
public final class KubeOps {
    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
    public static final String POD_TEMPLATE_HASH = "pod-template-hash";
    /** Container waiting reasons that mean the image will not start without a change. */
    public static final Set<String> IMAGE_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull");

    private KubeOps() {
    }

    /** An operation that cannot be done as asked (e.g. the revision to undo to is gone); its message is for the console. */
    static final class OpFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OpFailure(String message) {
            super(message);
        }
    }

    /** One condition of a Deployment's status. */
    public record Condition(String type, String status, String reason, String message) implements Serializable {
    }

    /** What the engine reads of a Deployment. */
    public record DeploymentView(String name, long generation, long observedGeneration, int specReplicas, int replicas, int updatedReplicas,
                                 int readyReplicas, int availableReplicas, String revision, LinkedHashMap<String, String> images,
                                 LinkedHashMap<String, String> selector, ArrayList<Condition> conditions, boolean paused) implements Serializable {

        public Condition condition(String type) {
            return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
        }

        static DeploymentView of(Deployment d) {
            var md = d.getMetadata();
            var spec = d.getSpec();
            var st = d.getStatus();
            LinkedHashMap<String, String> images = new LinkedHashMap<>();
            for (Container c : spec.getTemplate().getSpec().getContainers()) {
                images.put(c.getName(), c.getImage());
            }
            LinkedHashMap<String, String> selector = new LinkedHashMap<>();
            if (spec.getSelector() != null && spec.getSelector().getMatchLabels() != null) {
                selector.putAll(spec.getSelector().getMatchLabels());
            }
            ArrayList<Condition> conditions = new ArrayList<>();
            if (st != null && st.getConditions() != null) {
                for (DeploymentCondition c : st.getConditions()) {
                    conditions.add(new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
                }
            }
            String revision = md.getAnnotations() == null ? null : md.getAnnotations().get(REVISION);
            return new DeploymentView(md.getName(), n(md.getGeneration()), st == null ? 0 : n(st.getObservedGeneration()),
                    spec.getReplicas() == null ? 1 : spec.getReplicas(), st == null ? 0 : i(st.getReplicas()), st == null ? 0 : i(st.getUpdatedReplicas()),
                    st == null ? 0 : i(st.getReadyReplicas()), st == null ? 0 : i(st.getAvailableReplicas()), revision, images, selector, conditions,
                    Boolean.TRUE.equals(spec.getPaused()));
        }
    }

    private static long n(Long l) {
        return l == null ? 0 : l;
    }

    private static int i(Integer v) {
        return v == null ? 0 : v;
    }

    /** Reads a Deployment; null when it does not exist. */
    public record ReadDeployment(String name) implements KubeOp<DeploymentView> {
        @Override
        public DeploymentView run(KubernetesClient client, String namespace) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            return d == null ? null : DeploymentView.of(d);
        }

        @Override
        public String describe() {
            return "read deployment " + name;
        }
    }

    /** {@code kubectl set image deployment/NAME CONTAINER=IMAGE} with a change-cause annotation; returns the Deployment after the change. */
    public record SetImage(String name, String container, String image, String changeCause) implements KubeOp<DeploymentView> {
        @Override
        public DeploymentView run(KubernetesClient client, String namespace) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).edit(x -> {
                boolean found = false;
                for (Container c : x.getSpec().getTemplate().getSpec().getContainers()) {
                    if (c.getName().equals(container)) {
                        c.setImage(image);
                        found = true;
                    }
                }
                if (!found) {
                    throw new OpFailure("deployment " + name + " has no container " + container);
                }
                if (changeCause != null) {
                    if (x.getMetadata().getAnnotations() == null) {
                        x.getMetadata().setAnnotations(new HashMap<>());
                    }
                    x.getMetadata().getAnnotations().put(CHANGE_CAUSE, changeCause);
                }
                return x;
            });
            return DeploymentView.of(d);
        }

        @Override
        public String describe() {
            return "set image " + container + "=" + image + " on deployment " + name;
        }
    }

    /** {@code kubectl scale deployment/NAME --replicas=N}; returns the Deployment after the change. */
    public record Scale(String name, int replicas) implements KubeOp<DeploymentView> {
        @Override
        public DeploymentView run(KubernetesClient client, String namespace) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).edit(x -> {
                x.getSpec().setReplicas(replicas);
                return x;
            });
            return DeploymentView.of(d);
        }

        @Override
        public String describe() {
            return "scale deployment " + name + " to " + replicas;
        }
    }

    /**
     * {@code kubectl rollout undo deployment/NAME --to-revision=N}, as kubectl does it: the pod template of the ReplicaSet
     * that carries revision N (without its pod-template-hash label) is copied back into the Deployment. Returns the
     * Deployment after the change.
     */
    public record Undo(String name, String revision) implements KubeOp<DeploymentView> {
        @Override
        public DeploymentView run(KubernetesClient client, String namespace) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (d == null) {
                throw new OpFailure("deployment " + name + " does not exist in namespace " + namespace);
            }
            ReplicaSet found = null;
            List<String> seen = new ArrayList<>();
            for (ReplicaSet rs : client.apps().replicaSets().inNamespace(namespace).list().getItems()) {
                if (!ownedBy(rs, d)) {
                    continue;
                }
                String rev = rs.getMetadata().getAnnotations() == null ? null : rs.getMetadata().getAnnotations().get(REVISION);
                seen.add(rev);
                if (revision.equals(rev)) {
                    found = rs;
                }
            }
            if (found == null) {
                throw new OpFailure("deployment " + name + " has no ReplicaSet with revision " + revision + " any more (revisions kept: " + seen
                        + "; see its revisionHistoryLimit); nothing was changed");
            }
            PodTemplateSpec template = found.getSpec().getTemplate();
            if (template.getMetadata().getLabels() != null) {
                template.getMetadata().getLabels().remove(POD_TEMPLATE_HASH);
            }
            Deployment after = client.apps().deployments().inNamespace(namespace).withName(name).edit(x -> {
                x.getSpec().setTemplate(template);
                if (x.getMetadata().getAnnotations() != null) {
                    x.getMetadata().getAnnotations().put(CHANGE_CAUSE, "squad-deploy: rollout undo to revision " + revision);
                }
                return x;
            });
            return DeploymentView.of(after);
        }

        @Override
        public String describe() {
            return "undo deployment " + name + " to revision " + revision;
        }
    }

    /** A revision of a Deployment as its ReplicaSets keep it: the revision number and the images of its pod template. */
    public record RevisionView(String revision, LinkedHashMap<String, String> images) implements Serializable {
    }

    /** The revision before the Deployment's current one ({@code kubectl rollout undo} without --to-revision), or null. */
    public record PreviousRevision(String name) implements KubeOp<RevisionView> {
        @Override
        public RevisionView run(KubernetesClient client, String namespace) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (d == null || d.getMetadata().getAnnotations() == null || d.getMetadata().getAnnotations().get(REVISION) == null) {
                return null;
            }
            int current = Integer.parseInt(d.getMetadata().getAnnotations().get(REVISION));
            ReplicaSet best = null;
            int bestRev = 0;
            for (ReplicaSet rs : client.apps().replicaSets().inNamespace(namespace).list().getItems()) {
                String rev = rs.getMetadata().getAnnotations() == null ? null : rs.getMetadata().getAnnotations().get(REVISION);
                if (!ownedBy(rs, d) || rev == null) {
                    continue;
                }
                int r = Integer.parseInt(rev);
                if (r < current && r > bestRev) {
                    best = rs;
                    bestRev = r;
                }
            }
            if (best == null) {
                return null;
            }
            LinkedHashMap<String, String> images = new LinkedHashMap<>();
            for (Container c : best.getSpec().getTemplate().getSpec().getContainers()) {
                images.put(c.getName(), c.getImage());
            }
            return new RevisionView(String.valueOf(bestRev), images);
        }

        @Override
        public String describe() {
            return "read the revisions of deployment " + name;
        }
    }

    static boolean ownedBy(ReplicaSet rs, Deployment d) {
        if (rs.getMetadata().getOwnerReferences() != null) {
            for (OwnerReference o : rs.getMetadata().getOwnerReferences()) {
                if ("Deployment".equals(o.getKind()) && d.getMetadata().getName().equals(o.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A pod whose container cannot start: {@code pod/container: reason (message)}. */
    public record PodTrouble(String pod, String container, String image, String reason, String message) implements Serializable {
        public String describe() {
            return "pod " + pod + " container " + container + " (" + image + "): " + reason + (message == null || message.isBlank() ? "" : " (" + message + ")");
        }
    }

    /** The pods selected by {@code selector} whose containers wait for a reason (ImagePullBackOff, CrashLoopBackOff, …). */
    public record PodTroubles(LinkedHashMap<String, String> selector) implements KubeOp<ArrayList<PodTrouble>> {
        @Override
        public ArrayList<PodTrouble> run(KubernetesClient client, String namespace) {
            ArrayList<PodTrouble> out = new ArrayList<>();
            for (Pod p : client.pods().inNamespace(namespace).withLabels(selector).list().getItems()) {
                if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
                    continue;
                }
                for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                    if (cs.getState() != null && cs.getState().getWaiting() != null && cs.getState().getWaiting().getReason() != null
                            && !cs.getState().getWaiting().getReason().equals("ContainerCreating")) {
                        out.add(new PodTrouble(p.getMetadata().getName(), cs.getName(), cs.getImage(), cs.getState().getWaiting().getReason(),
                                cs.getState().getWaiting().getMessage()));
                    }
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return "list pods " + selector;
        }
    }

    /** A Service's selector; null when the Service does not exist. */
    public record ReadSelector(String service) implements KubeOp<LinkedHashMap<String, String>> {
        @Override
        public LinkedHashMap<String, String> run(KubernetesClient client, String namespace) {
            Service s = client.services().inNamespace(namespace).withName(service).get();
            if (s == null) {
                return null;
            }
            return s.getSpec().getSelector() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(s.getSpec().getSelector());
        }

        @Override
        public String describe() {
            return "read service " + service;
        }
    }

    /** Replaces a Service's selector; returns the selector it had before. */
    public record SetSelector(String service, LinkedHashMap<String, String> selector) implements KubeOp<LinkedHashMap<String, String>> {
        @Override
        public LinkedHashMap<String, String> run(KubernetesClient client, String namespace) {
            LinkedHashMap<String, String> before = new LinkedHashMap<>();
            Service s = client.services().inNamespace(namespace).withName(service).get();
            if (s == null) {
                throw new OpFailure("service " + service + " does not exist in namespace " + namespace);
            }
            if (s.getSpec().getSelector() != null) {
                before.putAll(s.getSpec().getSelector());
            }
            client.services().inNamespace(namespace).withName(service).edit(x -> {
                x.getSpec().setSelector(new LinkedHashMap<>(selector));
                return x;
            });
            return before;
        }

        @Override
        public String describe() {
            return "set the selector of service " + service + " to " + selector;
        }
    }

    /** One address of a Service's Endpoints: the pod behind it, that pod's value of the colour label, and whether it is ready. */
    public record Address(String ip, String pod, String colour, boolean ready) implements Serializable {
        public String describe() {
            return (pod == null ? ip : pod) + " (" + (colour == null ? "no colour" : colour) + (ready ? ", ready" : ", not ready") + ")";
        }
    }

    /** The addresses of a Service's Endpoints, each with its pod's {@code colourLabel}; an empty list when it has none. */
    public record ReadEndpoints(String service, String colourLabel) implements KubeOp<ArrayList<Address>> {
        @Override
        public ArrayList<Address> run(KubernetesClient client, String namespace) {
            ArrayList<Address> out = new ArrayList<>();
            Endpoints e = client.endpoints().inNamespace(namespace).withName(service).get();
            if (e == null || e.getSubsets() == null) {
                return out;
            }
            Map<String, String> colourOf = new HashMap<>();
            for (EndpointSubset s : e.getSubsets()) {
                add(client, namespace, out, colourOf, s.getAddresses(), true);
                add(client, namespace, out, colourOf, s.getNotReadyAddresses(), false);
            }
            return out;
        }

        private void add(KubernetesClient client, String namespace, List<Address> out, Map<String, String> colourOf, List<EndpointAddress> addresses,
                         boolean ready) {
            if (addresses == null) {
                return;
            }
            for (EndpointAddress a : addresses) {
                String pod = a.getTargetRef() != null && "Pod".equals(a.getTargetRef().getKind()) ? a.getTargetRef().getName() : null;
                String colour = null;
                if (pod != null) {
                    colour = colourOf.computeIfAbsent(pod, n -> {
                        Pod p = client.pods().inNamespace(namespace).withName(n).get();
                        return p == null || p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(colourLabel);
                    });
                }
                out.add(new Address(a.getIp(), pod, colour, ready));
            }
        }

        @Override
        public String describe() {
            return "read the endpoints of service " + service;
        }
    }
}
