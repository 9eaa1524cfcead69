package io.jenkins.plugins.squaddeploy.engine.kube;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOps.DeploymentView;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRollback;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrator;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorFactory;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.KubeServiceRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.KubeServiceRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchFailedException;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * squadDeploy's {@code kubernetesTarget}: {@code rolling} (default) sets the image on the Deployments and awaits their
 * rollouts ({@link KubeDeployer}); {@code blueGreen} rolls the idle colour's Deployment ({@code <base>-blue} /
 * {@code <base>-green}) out with the new image, points the preview Service at it, then switches the Service's selector
 * to it, verified through the Endpoints (switched back when that fails). autoRollback undoes each Deployment to the
 * revision it had before (rolling) or puts the selector back on the previous colour (blueGreen). Every API call is made
 * from the context's host (the agent in Jenkins).
 */
public final class KubeOrchestrator implements Orchestrator {
    public static final OrchestratorFactory FACTORY = new OrchestratorFactory() {
        @Override
        public String kind() {
            return KubeTargetSpec.KIND;
        }

        @Override
        public OrchestratedSpec spec(Map<String, ?> map, String parameter) {
            return KubeTargetSpec.of(map, parameter);
        }

        @Override
        public Orchestrator create(OrchestratedSpec spec, OrchestratorContext context) {
            return new KubeOrchestrator((KubeTargetSpec) spec, context, null);
        }
    };

    static final String ROLLING = "rolling";
    static final String BLUE_GREEN = "blueGreen";
    private final KubeTargetSpec spec;
    private final OrchestratorContext ctx;
    private final RolloutWatch.Timing timing;

    public KubeOrchestrator(KubeTargetSpec spec, OrchestratorContext ctx, RolloutWatch.Timing timing) {
        this.spec = spec;
        this.ctx = ctx;
        this.timing = timing == null ? RolloutWatch.Timing.defaults() : timing;
    }

    @Override
    public String kind() {
        return KubeTargetSpec.KIND;
    }

    /** The API with the kubeconfig looked up now (registered with the masker), from the context's host. */
    private KubeApi api() throws IOException, InterruptedException {
        KubeConnection c = spec.connection();
        if (c.credentialsId() != null) {
            if (ctx.secrets() == null) {
                throw new ParameterException("target.credentialsId", "credentials cannot be looked up here", "a run with credentials (Jenkins, or the CLI's --credentials-dir)");
            }
            c = c.withKubeconfig(ctx.secrets().lookupFile(c.credentialsId(), "target.credentialsId"), ctx.masker(), n -> "target." + n);
        }
        return ctx.host().kubernetes(c);
    }

    @Override
    public OrchestratedRelease deploy(OrchestratedRequest r) throws IOException, InterruptedException {
        String strategy = r.strategy() == null ? ROLLING : r.strategy();
        if (!strategy.equals(ROLLING) && !strategy.equals(BLUE_GREEN)) {
            throw new ParameterException("strategy", "kubernetesTarget does not do " + ParameterException.show(strategy),
                    "'rolling' (default: the Deployment controller replaces the pods) or 'blueGreen' (a Deployment per colour and a Service selector)");
        }
        if (!r.images().isEmpty()) {
            throw new ParameterException("images", "kubernetesTarget sets one image on every Deployment", "no images; one squadDeploy per image");
        }
        KubeApi api = api();
        String changeCause = "squad-deploy " + r.service() + " " + r.version() + (r.buildUrl() == null ? "" : " " + r.buildUrl());
        if (strategy.equals(BLUE_GREEN)) {
            return blueGreen(api, r, changeCause);
        }
        KubeDeployer d = new KubeDeployer(api, ctx.log(), ctx.masker(), timing);
        KubeRelease k = d.rolling(KubeDeployer.Request.of(r.service(), r.environment(), spec.deployments(), spec.container(), r.image(), r.version(),
                (int) r.timeout().toSeconds(), spec.undoOnFailure(), changeCause));
        List<OrchestratedRelease.Unit> units = new ArrayList<>();
        for (KubeRelease.Item i : k.deployments()) {
            units.add(new OrchestratedRelease.Unit(i.deployment(), "deployment", i.image(), i.previousImage(), i.revision(), i.previousRevision(),
                    !r.image().equals(i.previousImage())));
        }
        return release(r, ROLLING, units, List.of());
    }

    private OrchestratedRelease release(OrchestratedRequest r, String strategy, List<OrchestratedRelease.Unit> units, List<String> notes) {
        return new OrchestratedRelease(KubeTargetSpec.KIND, OrchestratedRelease.newReleaseId(Instant.now()), r.service(), r.environment(), r.version(),
                r.image(), strategy, OrchestratedRelease.now(), r.buildUrl(), spec.toMap(), units, notes);
    }

    private String base(String service) {
        return spec.deployments().isEmpty() ? service : spec.deployments().get(0);
    }

    private KubeServiceRouter router(KubeApi api, String service) {
        return new KubeServiceRouter(new KubeServiceRouterSpec(api.connection(), service, spec.colourLabel(), timing.poll()), api, ctx.log(), timing.poll());
    }

    private OrchestratedRelease blueGreen(KubeApi api, OrchestratedRequest r, String changeCause) throws IOException, InterruptedException {
        if (spec.deployments().size() > 1) {
            throw new ParameterException("target.deployments", "blueGreen takes one base name, got " + spec.deployments(),
                    "one name whose colours are <name>-blue and <name>-green, e.g. ['api']");
        }
        String serviceName = spec.service() == null ? r.service() : spec.service();
        KubeServiceRouter router = router(api, serviceName);
        String live = router.activeColour();
        if (live == null || (!live.equals("blue") && !live.equals("green"))) {
            throw new DeployException("service " + serviceName + " selects " + (live == null ? "no colour" : "colour " + live) + " (label " + spec.colourLabel()
                    + "); blueGreen needs it to select blue or green; nothing was changed");
        }
        String idle = live.equals("blue") ? "green" : "blue";
        String liveDep = base(r.service()) + "-" + live;
        String idleDep = base(r.service()) + "-" + idle;
        DeploymentView liveView = api.call(new KubeOps.ReadDeployment(liveDep));
        DeploymentView idleView = api.call(new KubeOps.ReadDeployment(idleDep));
        if (idleView == null || liveView == null) {
            throw new DeployException("deployment " + (idleView == null ? idleDep : liveDep) + " does not exist in namespace " + api.connection().namespace()
                    + " (blueGreen needs " + liveDep + " and " + idleDep + "); nothing was changed");
        }
        ctx.log().info("squadDeploy: " + serviceName + " is served by " + live + " (" + liveDep + ", " + liveView.images() + "); releasing " + r.image()
                + " to " + idle + " (" + idleDep + ")");
        if (idleView.specReplicas() < liveView.specReplicas()) {
            ctx.log().info("squadDeploy: kubectl scale deployment/" + idleDep + " --replicas=" + liveView.specReplicas() + " -n " + api.connection().namespace());
            api.call(new KubeOps.Scale(idleDep, liveView.specReplicas()));
        }
        KubeDeployer d = new KubeDeployer(api, ctx.log(), ctx.masker(), timing);
        KubeRelease k = d.rolling(KubeDeployer.Request.of(r.service(), r.environment(), List.of(idleDep), spec.container(), r.image(), r.version(),
                (int) r.timeout().toSeconds(), false, changeCause));
        if (spec.previewService() != null) {
            KubeServiceRouter preview = router(api, spec.previewService());
            if (!idle.equals(preview.activeColour())) {
                preview.route(idle, List.of());
            }
            String bad = preview.verifyBackends(idle, r.timeout(), ctx.log());
            if (bad != null) {
                throw new DeployException("preview service " + spec.previewService() + ": " + bad + "; " + serviceName + " still goes to " + live);
            }
        }
        try {
            new BlueGreenSwitcher(router, ctx.host(), ctx.log(), ctx.masker()).switchTo(new SwitchRequest(r.service(), idle, List.of(), null, r.version(),
                    "$.version", r.timeout(), 1));
        } catch (SwitchFailedException e) {
            throw new DeployException(e.getMessage(), e);
        }
        KubeRelease.Item i = k.deployments().get(0);
        List<OrchestratedRelease.Unit> units = List.of(
                new OrchestratedRelease.Unit(idleDep, "deployment", r.image(), i.previousImage(), i.revision(), i.previousRevision(), true),
                new OrchestratedRelease.Unit(serviceName, "service", null, null, idle, live, true));
        return release(r, BLUE_GREEN, units, List.of(live + " (" + liveDep + ", " + liveView.images().values() + ") keeps running for a quick rollback"));
    }

    @Override
    public OrchestratedRollback rollBack(OrchestratedRelease release, Duration timeout) throws InterruptedException {
        List<String> restored = new ArrayList<>();
        try {
            KubeApi api = api();
            if (BLUE_GREEN.equals(release.strategy())) {
                OrchestratedRelease.Unit svc = release.units().stream().filter(u -> u.type().equals("service")).findFirst().orElse(null);
                if (svc == null || svc.previousRevision() == null) {
                    return OrchestratedRollback.failed("the release recorded no previous colour; nothing was changed", restored, List.of());
                }
                KubeServiceRouter router = router(api, svc.name());
                String active = router.activeColour();
                if (svc.previousRevision().equals(active)) {
                    return new OrchestratedRollback(OrchestratedRollback.Status.ALREADY_ROLLED_BACK, List.of(),
                            "service " + svc.name() + " already selects " + active, null, List.of());
                }
                try {
                    new BlueGreenSwitcher(router, ctx.host(), ctx.log(), ctx.masker()).switchTo(new SwitchRequest(release.service(), svc.previousRevision(),
                            List.of(), null, release.version(), "$.version", timeout, 1));
                } catch (SwitchFailedException e) {
                    return OrchestratedRollback.failed(ctx.masker().describe(e), restored, List.of());
                }
                restored.add(svc.name() + " → " + svc.previousRevision());
                return new OrchestratedRollback(OrchestratedRollback.Status.ROLLED_BACK, restored,
                        "kubectl patch service " + svc.name() + ": back on " + svc.previousRevision() + ", every endpoint a ready pod of it", Instant.now(), List.of());
            }
            List<KubeRelease.Item> items = new ArrayList<>();
            for (OrchestratedRelease.Unit u : release.changedUnits()) {
                DeploymentView now = api.call(new KubeOps.ReadDeployment(u.name()));
                if (now == null) {
                    return OrchestratedRollback.failed("deployment " + u.name() + " no longer exists; nothing was changed", restored, List.of());
                }
                String container = spec.container() != null ? spec.container() : now.images().keySet().iterator().next();
                if (u.previousImage() != null && u.previousImage().equals(now.images().get(container))) {
                    continue;
                }
                items.add(new KubeRelease.Item(u.name(), container, u.previousRevision(), u.previousImage(), u.revision(), u.image()));
            }
            if (items.isEmpty()) {
                return new OrchestratedRollback(OrchestratedRollback.Status.ALREADY_ROLLED_BACK, List.of(),
                        "every deployment already runs the image it had before " + release.version(), null, List.of());
            }
            KubeRelease k = new KubeRelease(release.service(), release.environment(), api.connection(), release.image(), release.version(), items, Instant.now());
            restored.addAll(new KubeDeployer(api, ctx.log(), ctx.masker(), timing).undo(k, timeout));
            return new OrchestratedRollback(OrchestratedRollback.Status.ROLLED_BACK, restored,
                    "kubectl rollout undo: " + String.join("; ", restored) + ", rolled out", Instant.now(), List.of());
        } catch (IOException | RuntimeException e) {
            return OrchestratedRollback.failed(ctx.masker().describe(e) + (restored.isEmpty() ? "" : "; already back: " + restored)
                    + ". By hand: kubectl rollout undo deployment/<name> --to-revision=<previousRevision> -n " + spec.namespace(), restored, List.of());
        }
    }

    @Override
    public OrchestratedRelease current(String service, String environment) throws IOException, InterruptedException {
        KubeApi api = api();
        List<OrchestratedRelease.Unit> units = new ArrayList<>();
        String image = null;
        for (String name : spec.deployments().isEmpty() ? List.of(service) : spec.deployments()) {
            DeploymentView d = api.call(new KubeOps.ReadDeployment(name));
            if (d == null) {
                continue;
            }
            String container = spec.container() != null ? spec.container() : d.images().keySet().iterator().next();
            image = d.images().get(container);
            KubeOps.RevisionView prev = api.call(new KubeOps.PreviousRevision(name));
            units.add(new OrchestratedRelease.Unit(name, "deployment", image, prev == null ? null : prev.images().get(container), d.revision(),
                    prev == null ? null : prev.revision(), true));
        }
        if (units.isEmpty()) {
            return null;
        }
        Map<String, Object> target = new LinkedHashMap<>(spec.toMap());
        return new OrchestratedRelease(KubeTargetSpec.KIND, OrchestratedRelease.newReleaseId(Instant.now()), service, environment, null, image, ROLLING,
                OrchestratedRelease.now(), null, target, units, List.of("read from the cluster: the previous revision is the newest ReplicaSet revision below the current one, as kubectl rollout undo takes it"));
    }
}
