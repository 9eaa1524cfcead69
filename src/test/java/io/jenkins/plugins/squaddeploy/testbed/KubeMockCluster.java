package io.jenkins.plugins.squaddeploy.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A FAKE Kubernetes cluster for tests: fabric8's mock API server in CRUD mode (it stores what is sent and bumps
 * {@code metadata.generation} on spec changes; it runs no controllers) on a free 127.0.0.1 port, plus a small
 * test-side controller thread that plays the parts of the Deployment controller, the kubelet and the Endpoints
 * controller a rollout needs:
 * <ul>
 *   <li>per Deployment pod-template a ReplicaSet {@code <deployment>-<hash>} labelled {@code pod-template-hash}, owned by the
 *       Deployment, with the next {@code deployment.kubernetes.io/revision} (an old template that comes back by an undo gets a new
 *       revision, as the real controller does); the Deployment carries its current revision;</li>
 *   <li>a rolling update with maxSurge 1, maxUnavailable 0: one new pod at a time, an old pod deleted once every new pod is
 *       ready; {@code status} with observedGeneration, replicas, updated/ready/available replicas and the Available and
 *       Progressing conditions (NewReplicaSetAvailable, ReplicaSetUpdated, ProgressDeadlineExceeded after
 *       {@code spec.progressDeadlineSeconds} without progress);</li>
 *   <li>pods of a failing image ({@link #failImage}): {@link Failure#IMAGE_PULL_BACK_OFF} (container waiting ErrImagePull, then
 *       ImagePullBackOff) or {@link Failure#NEVER_READY} (running, never ready);</li>
 *   <li>the Endpoints of every Service: ready pods matching its selector as addresses, the others as notReadyAddresses, each
 *       with its Pod as targetRef. Pod IPs are 127.0.1.x, never contacted.</li>
 * </ul>
 * What it does not emulate: scheduling, nodes, probes, real containers, networking, watches' timing, admission,
 * RBAC, the API server's validation and defaulting beyond what the CRUD mock does.
 */
public final class KubeMockCluster implements AutoCloseable {
    public enum Failure { IMAGE_PULL_BACK_OFF, NEVER_READY }

    static {
        Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final String token;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, Long> progressAt = new ConcurrentHashMap<>();
    private final AtomicInteger ips = new AtomicInteger(1);
    private final AtomicReference<Throwable> controllerError = new AtomicReference<>();
    private final Thread controller;
    private volatile boolean running = true;

    private KubeMockCluster() throws Exception {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(Collections.emptyList()), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        client = server.createClient();
        token = TestSecrets.generate("kubetoken");
        controller = new Thread(this::loop, "kube-mock-controller");
        controller.setDaemon(true);
        controller.start();
    }

    public static KubeMockCluster start() throws Exception {
        return new KubeMockCluster();
    }

    /** A kubeconfig with context {@code mock} for this server and current-context {@code other} (a closed port), user token registered as a test secret. */
    public String kubeconfig() {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: http://127.0.0.1:" + server.getPort() + "\n"
                + "- name: nowhere\n  cluster:\n    server: http://127.0.0.1:9\n"
                + "contexts:\n- name: mock\n  context:\n    cluster: mock\n    user: deployer\n- name: other\n  context:\n    cluster: nowhere\n    user: deployer\n"
                + "current-context: other\nusers:\n- name: deployer\n  user:\n    token: \"" + token + "\"\n";
    }

    public String token() {
        return token;
    }

    /** The test's own client (to set up objects and look at them). */
    public KubernetesClient client() {
        return client;
    }

    /** Pods of {@code image} fail this way from now on. */
    public void failImage(String image, Failure failure) {
        failures.put(image, failure);
    }

    /** A Deployment with {@code replicas} pods of {@code image} (container {@code container}), rolled out before this returns. */
    public Deployment deployment(String ns, String name, String container, String image, int replicas, Map<String, String> labels, Integer progressDeadlineSeconds) {
        Map<String, String> l = new LinkedHashMap<>(labels);
        l.putIfAbsent("app", name);
        Deployment d = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(progressDeadlineSeconds)
                .withNewSelector().withMatchLabels(l).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(l).endMetadata()
                .withNewSpec().addNewContainer().withName(container).withImage(image).endContainer().endSpec().endTemplate().endSpec().build();
        client.apps().deployments().inNamespace(ns).resource(d).create();
        awaitRolledOut(ns, name, Duration.ofSeconds(20));
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    public void service(String ns, String name, Map<String, String> selector) {
        Service s = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec().withSelector(selector)
                .addNewPort().withPort(80).endPort().endSpec().build();
        client.services().inNamespace(ns).resource(s).create();
    }

    public void awaitRolledOut(String ns, String name, Duration timeout) {
        Poll.until("deployment " + name + " rolled out by the emulated controller", timeout, () -> {
            Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
            DeploymentStatus s = d.getStatus();
            return s != null && Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration())
                    && Objects.equals(s.getUpdatedReplicas(), d.getSpec().getReplicas()) && Objects.equals(s.getReplicas(), d.getSpec().getReplicas())
                    && Objects.equals(s.getAvailableReplicas(), d.getSpec().getReplicas());
        }, () -> String.valueOf(client.apps().deployments().inNamespace(ns).withName(name).get().getStatus()));
    }

    /** The images the pods of {@code deployment} run now. */
    public List<String> podImages(String ns, String deployment) {
        List<String> out = new ArrayList<>();
        Deployment d = client.apps().deployments().inNamespace(ns).withName(deployment).get();
        for (Pod p : client.pods().inNamespace(ns).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems()) {
            out.add(p.getSpec().getContainers().get(0).getImage());
        }
        Collections.sort(out);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ the controller

    private void loop() {
        while (running) {
            try {
                tick();
            } catch (RuntimeException e) {
                if (running) {
                    controllerError.set(e); // conflicts with the engine's own writes: tried again on the next tick
                }
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick() {
        for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
            reconcile(d);
        }
        for (Service s : client.services().inAnyNamespace().list().getItems()) {
            endpoints(s);
        }
    }

    private static String hash(PodTemplateSpec t) {
        try {
            PodTemplateSpec copy = Serialization.clone(t);
            if (copy.getMetadata().getLabels() != null) {
                copy.getMetadata().getLabels().remove("pod-template-hash");
            }
            byte[] h = MessageDigest.getInstance("SHA-256").digest(Serialization.asJson(copy).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h).substring(0, 10);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int revision(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        return a == null || a.get("deployment.kubernetes.io/revision") == null ? 0 : Integer.parseInt(a.get("deployment.kubernetes.io/revision"));
    }

    private void reconcile(Deployment d) {
        String ns = d.getMetadata().getNamespace();
        String name = d.getMetadata().getName();
        String key = ns + "/" + name;
        String hash = hash(d.getSpec().getTemplate());
        List<ReplicaSet> owned = new ArrayList<>();
        for (ReplicaSet rs : client.apps().replicaSets().inNamespace(ns).list().getItems()) {
            List<OwnerReference> refs = rs.getMetadata().getOwnerReferences();
            if (refs != null && refs.stream().anyMatch(r -> r.getName().equals(name) && "Deployment".equals(r.getKind()))) {
                owned.add(rs);
            }
        }
        int maxRev = owned.stream().mapToInt(KubeMockCluster::revision).max().orElse(0);
        ReplicaSet current = owned.stream().filter(rs -> hash.equals(rs.getMetadata().getLabels().get("pod-template-hash"))).findFirst().orElse(null);
        if (current == null) {
            PodTemplateSpec t = Serialization.clone(d.getSpec().getTemplate());
            t.getMetadata().getLabels().put("pod-template-hash", hash);
            Map<String, String> sel = new LinkedHashMap<>(d.getSpec().getSelector().getMatchLabels());
            sel.put("pod-template-hash", hash);
            current = new ReplicaSetBuilder().withNewMetadata().withName(name + "-" + hash).withNamespace(ns).withLabels(t.getMetadata().getLabels())
                    .addToAnnotations("deployment.kubernetes.io/revision", String.valueOf(maxRev + 1))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment").withName(name)
                            .withUid(d.getMetadata().getUid()).withController(true).build()).endMetadata()
                    .withNewSpec().withReplicas(d.getSpec().getReplicas()).withNewSelector().withMatchLabels(sel).endSelector().withTemplate(t).endSpec().build();
            current = client.apps().replicaSets().inNamespace(ns).resource(current).create();
            owned.add(current);
            progressAt.put(key, System.currentTimeMillis());
        } else if (revision(current) < maxRev) {
            String rev = String.valueOf(maxRev + 1); // an undo: the old template becomes the newest revision
            current = client.apps().replicaSets().inNamespace(ns).withName(current.getMetadata().getName()).edit(rs -> {
                rs.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", rev);
                return rs;
            });
            progressAt.put(key, System.currentTimeMillis());
        }
        String currentRev = String.valueOf(revision(current));
        if (d.getMetadata().getAnnotations() == null || !currentRev.equals(d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))) {
            d = client.apps().deployments().inNamespace(ns).withName(name).edit(x -> {
                if (x.getMetadata().getAnnotations() == null) {
                    x.getMetadata().setAnnotations(new HashMap<>());
                }
                x.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", currentRev);
                return x;
            });
        }
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        List<Pod> newPods = new ArrayList<>();
        List<Pod> oldPods = new ArrayList<>();
        for (Pod p : client.pods().inNamespace(ns).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems()) {
            (hash.equals(p.getMetadata().getLabels().get("pod-template-hash")) ? newPods : oldPods).add(p);
        }
        for (Pod p : newPods) {
            advance(p);
        }
        boolean allNewReady = newPods.stream().allMatch(KubeMockCluster::ready);
        boolean progressed = false;
        if (newPods.size() < desired && allNewReady) {
            newPods.add(createPod(ns, current, d.getSpec().getTemplate(), hash));
            progressed = true;
        } else if (newPods.size() > desired) {
            client.pods().inNamespace(ns).resource(newPods.remove(newPods.size() - 1)).delete();
            progressed = true;
        } else if (!oldPods.isEmpty() && allNewReady) {
            client.pods().inNamespace(ns).resource(oldPods.remove(0)).delete();
            progressed = true;
        }
        if (progressed) {
            progressAt.put(key, System.currentTimeMillis());
        }
        int ready = (int) newPods.stream().filter(KubeMockCluster::ready).count() + (int) oldPods.stream().filter(KubeMockCluster::ready).count();
        int updated = newPods.size();
        boolean complete = updated == desired && oldPods.isEmpty() && newPods.stream().allMatch(KubeMockCluster::ready);
        List<DeploymentCondition> conditions = new ArrayList<>();
        conditions.add(new DeploymentConditionBuilder().withType("Available").withStatus(ready >= desired ? "True" : "False")
                .withReason(ready >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable").build());
        Integer deadline = d.getSpec().getProgressDeadlineSeconds();
        long since = System.currentTimeMillis() - progressAt.getOrDefault(key, System.currentTimeMillis());
        if (complete) {
            conditions.add(new DeploymentConditionBuilder().withType("Progressing").withStatus("True").withReason("NewReplicaSetAvailable")
                    .withMessage("ReplicaSet \"" + current.getMetadata().getName() + "\" has successfully progressed.").build());
        } else if (deadline != null && since > deadline * 1000L) {
            conditions.add(new DeploymentConditionBuilder().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
                    .withMessage("ReplicaSet \"" + current.getMetadata().getName() + "\" has timed out progressing.").build());
        } else {
            conditions.add(new DeploymentConditionBuilder().withType("Progressing").withStatus("True").withReason("ReplicaSetUpdated")
                    .withMessage("ReplicaSet \"" + current.getMetadata().getName() + "\" is progressing.").build());
        }
        DeploymentStatus status = new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(newPods.size() + oldPods.size()).withUpdatedReplicas(updated).withReadyReplicas(ready).withAvailableReplicas(ready)
                .withUnavailableReplicas(Math.max(0, newPods.size() + oldPods.size() - ready)).withConditions(conditions).build();
        if (!sameStatus(d.getStatus(), status)) {
            d.setStatus(status);
            client.apps().deployments().inNamespace(ns).resource(d).updateStatus();
        }
    }

    private static boolean sameStatus(DeploymentStatus a, DeploymentStatus b) {
        if (a == null) {
            return false;
        }
        return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration()) && Objects.equals(a.getReplicas(), b.getReplicas())
                && Objects.equals(a.getUpdatedReplicas(), b.getUpdatedReplicas()) && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
                && Objects.equals(a.getAvailableReplicas(), b.getAvailableReplicas())
                && Objects.equals(reasons(a.getConditions()), reasons(b.getConditions()));
    }

    private static List<String> reasons(List<DeploymentCondition> cs) {
        List<String> out = new ArrayList<>();
        if (cs != null) {
            cs.forEach(c -> out.add(c.getType() + "=" + c.getStatus() + "/" + c.getReason()));
        }
        return out;
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Pod createPod(String ns, ReplicaSet rs, PodTemplateSpec template, String hash) {
        PodTemplateSpec t = Serialization.clone(template);
        Map<String, String> labels = new LinkedHashMap<>(t.getMetadata().getLabels());
        labels.put("pod-template-hash", hash);
        String suffix = Integer.toString(ips.incrementAndGet(), 36) + "x" + Long.toString(System.nanoTime() % 46656, 36);
        Pod p = new PodBuilder().withNewMetadata().withName(rs.getMetadata().getName() + "-" + suffix).withNamespace(ns).withLabels(labels)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName(rs.getMetadata().getName())
                        .withController(true).build()).endMetadata()
                .withSpec(t.getSpec()).build();
        Failure f = failures.get(t.getSpec().getContainers().get(0).getImage());
        p.setStatus(status(p, f, false));
        Pod created = client.pods().inNamespace(ns).resource(p).create();
        return created;
    }

    /** ErrImagePull becomes ImagePullBackOff on the next tick, as the kubelet's back-off does. */
    private void advance(Pod p) {
        Failure f = failures.get(p.getSpec().getContainers().get(0).getImage());
        if (f == Failure.IMAGE_PULL_BACK_OFF && p.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null
                && "ErrImagePull".equals(p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())) {
            p.setStatus(status(p, f, true));
            client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).updateStatus();
        }
    }

    private PodStatus status(Pod p, Failure f, boolean backOff) {
        List<ContainerStatus> cs = new ArrayList<>();
        for (Container c : p.getSpec().getContainers()) {
            ContainerStatusBuilder b = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0);
            if (f == Failure.IMAGE_PULL_BACK_OFF) {
                b.withReady(false).withNewState().withNewWaiting().withReason(backOff ? "ImagePullBackOff" : "ErrImagePull")
                        .withMessage(backOff ? "Back-off pulling image \"" + c.getImage() + "\"" : "rpc error: code = NotFound desc = failed to pull and unpack image \""
                                + c.getImage() + "\": not found").endWaiting().endState();
            } else {
                b.withReady(f == null).withNewState().withNewRunning().withStartedAt("2026-11-22T00:00:00Z").endRunning().endState();
            }
            cs.add(b.build());
        }
        boolean ready = f == null;
        List<PodCondition> conds = List.of(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build());
        return new PodStatusBuilder().withPhase(f == Failure.IMAGE_PULL_BACK_OFF ? "Pending" : "Running").withPodIP("127.0.1." + (ips.get() % 250 + 1))
                .withConditions(conds).withContainerStatuses(cs).build();
    }

    private void endpoints(Service s) {
        String ns = s.getMetadata().getNamespace();
        Map<String, String> sel = s.getSpec().getSelector();
        List<EndpointAddress> ready = new ArrayList<>();
        List<EndpointAddress> notReady = new ArrayList<>();
        if (sel != null && !sel.isEmpty()) {
            for (Pod p : client.pods().inNamespace(ns).withLabels(sel).list().getItems()) {
                EndpointAddress a = new EndpointAddressBuilder().withIp(p.getStatus() == null ? null : p.getStatus().getPodIP())
                        .withNewTargetRef().withKind("Pod").withName(p.getMetadata().getName()).withNamespace(ns).endTargetRef().build();
                (ready(p) ? ready : notReady).add(a);
            }
        }
        ready.sort((a, b) -> a.getTargetRef().getName().compareTo(b.getTargetRef().getName()));
        notReady.sort((a, b) -> a.getTargetRef().getName().compareTo(b.getTargetRef().getName()));
        Endpoints want = new EndpointsBuilder().withNewMetadata().withName(s.getMetadata().getName()).withNamespace(ns).endMetadata()
                .addNewSubset().withAddresses(ready).withNotReadyAddresses(notReady).endSubset().build();
        Endpoints have = client.endpoints().inNamespace(ns).withName(s.getMetadata().getName()).get();
        if (have == null) {
            client.endpoints().inNamespace(ns).resource(want).create();
        } else if (!Objects.equals(have.getSubsets(), want.getSubsets())) {
            have.setSubsets(want.getSubsets());
            client.endpoints().inNamespace(ns).resource(have).update();
        }
    }

    /** The last error of the controller thread (conflicts are expected and retried), for diagnostics. */
    public Throwable lastControllerError() {
        return controllerError.get();
    }

    @Override
    public void close() {
        running = false;
        controller.interrupt();
        try {
            controller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        server.destroy();
    }
}
