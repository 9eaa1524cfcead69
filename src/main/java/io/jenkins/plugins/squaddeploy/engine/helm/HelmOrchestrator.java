package io.jenkins.plugins.squaddeploy.engine.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.helm.HelmClient.Revision;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRollback;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrator;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorFactory;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * squadDeploy's {@code helmTarget}: runbook 004's {@code helm upgrade --install RELEASE CHART --namespace NS --wait --timeout …}
 * with {@code --rollback-on-failure} (helm 4) or {@code --atomic} (older helm, detected with {@code helm version --short}), so
 * that a failed upgrade is rolled back by helm itself; values files and {@code --set} from the parameters, the image and tag
 * with {@code --set-string}, secret values in a 0600 values file (never on argv), the kubeconfig in a 0600 file named by
 * KUBECONFIG; both files are deleted afterwards. The revision before and after is read from {@code helm history -o json};
 * autoRollback runs {@code helm rollback RELEASE REVISION --wait --timeout}. A release left in pending-install/-upgrade/-rollback
 * by an interrupted operation (helm#11863) is reported with the command that clears it, never forced.
 */
public final class HelmOrchestrator implements Orchestrator {
    public static final OrchestratorFactory FACTORY = new OrchestratorFactory() {
        @Override
        public String kind() {
            return HelmSpec.KIND;
        }

        @Override
        public OrchestratedSpec spec(Map<String, ?> map, String parameter) {
            return HelmSpec.of(map, parameter);
        }

        @Override
        public Orchestrator create(OrchestratedSpec spec, OrchestratorContext context) {
            return new HelmOrchestrator((HelmSpec) spec, context);
        }
    };

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final HelmSpec spec;
    private final OrchestratorContext ctx;

    public HelmOrchestrator(HelmSpec spec, OrchestratorContext ctx) {
        this.spec = spec;
        this.ctx = ctx;
    }

    @Override
    public String kind() {
        return HelmSpec.KIND;
    }

    /** {@code --namespace NS [--kube-context CTX]}. */
    List<String> where() {
        List<String> w = new ArrayList<>(List.of("--namespace", spec.namespace()));
        if (spec.context() != null) {
            w.addAll(List.of("--kube-context", spec.context()));
        }
        return w;
    }

    /** The files written for one helm run, deleted by {@link #close}. */
    private final class Session implements AutoCloseable {
        final List<String> files = new ArrayList<>();
        final Map<String, String> env = new LinkedHashMap<>();
        String secretValuesFile;

        Session(boolean withSecretValues) throws IOException, InterruptedException {
            try {
                if (spec.credentialsId() != null) {
                    KubeConnection c = spec.connection().withKubeconfig(secrets().lookupFile(spec.credentialsId(), "target.credentialsId"), ctx.masker(),
                            n -> "target." + n);
                    String f = ctx.host().createSecretFile(c.kubeconfig());
                    files.add(f);
                    env.put("KUBECONFIG", f);
                }
                if (withSecretValues && !spec.secretValues().isEmpty()) {
                    ObjectNode root = YAML.createObjectNode();
                    for (int i = 0; i < spec.secretValues().size(); i++) {
                        String item = spec.secretValues().get(i);
                        int eq = item.indexOf('=');
                        String value = secrets().lookup(item.substring(eq + 1), "target.secretValues[" + i + "]", false).secret();
                        ObjectNode node = root;
                        String[] path = item.substring(0, eq).split("\\.");
                        for (int j = 0; j < path.length - 1; j++) {
                            node = node.has(path[j]) && node.get(path[j]).isObject() ? (ObjectNode) node.get(path[j]) : node.putObject(path[j]);
                        }
                        node.put(path[path.length - 1], value);
                    }
                    secretValuesFile = ctx.host().createSecretFile(YAML.writeValueAsString(root));
                    files.add(secretValuesFile);
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                close();
                throw e;
            }
        }

        HelmClient client() {
            return new HelmClient(ctx.commands(), spec.helm(), env, ctx.masker());
        }

        @Override
        public void close() throws IOException, InterruptedException {
            for (String f : files) {
                ctx.host().deleteSecretFile(f);
            }
            files.clear();
        }
    }

    private io.jenkins.plugins.squaddeploy.engine.secret.SecretSource secrets() {
        if (ctx.secrets() == null) {
            throw new ParameterException("target.credentialsId", "credentials cannot be looked up here", "a run with credentials (Jenkins, or the CLI's --credentials-dir)");
        }
        return ctx.secrets();
    }

    /** Refuses a release that an interrupted helm operation left pending, naming the command that clears it. */
    private void refusePending(HelmClient helm, String what) throws IOException, InterruptedException {
        HelmClient.Status st = helm.status(spec.release(), where());
        if (st == null || !HelmClient.PENDING.contains(st.status())) {
            return;
        }
        List<Revision> history = helm.history(spec.release(), where());
        Revision ok = HelmClient.lastDeployed(history);
        String ns = " --namespace " + spec.namespace() + (spec.context() == null ? "" : " --kube-context " + spec.context());
        String clear = ok != null
                ? "helm rollback " + spec.release() + " " + ok.revision() + ns + " (back to the last deployed revision " + ok.revision()
                + (ok.appVersion() == null ? "" : ", app " + ok.appVersion()) + ")"
                : "helm uninstall " + spec.release() + ns + " (it was never deployed)";
        throw new DeployException("helm release " + spec.release() + " is stuck in " + st.status() + " (revision " + st.version()
                + (st.description() == null ? "" : ": " + st.description()) + "): an earlier helm operation was interrupted (helm#11863) and helm refuses "
                + "every new one. " + what + " was not started and nothing was forced. Make sure no other deploy of it is running, then clear it with: " + clear);
    }

    @Override
    public OrchestratedRelease deploy(OrchestratedRequest r) throws IOException, InterruptedException {
        if (r.strategy() != null && !r.strategy().equals("rolling")) {
            throw new ParameterException("strategy", "helmTarget does not do " + ParameterException.show(r.strategy()),
                    "no strategy (or 'rolling'): the chart's Deployments roll out by their own strategy");
        }
        if (!r.images().isEmpty()) {
            throw new ParameterException("images", "helmTarget sets one image", "no images; give the chart other values with target.set");
        }
        try (Session s = new Session(true)) {
            HelmClient helm = s.client();
            int major = helm.majorVersion();
            refusePending(helm, "helm upgrade");
            List<Revision> before = helm.history(spec.release(), where());
            Revision prev = HelmClient.lastDeployed(before);
            List<String> args = new ArrayList<>(List.of("upgrade", "--install", spec.release(), spec.chart()));
            args.addAll(where());
            if (spec.createNamespace()) {
                args.add("--create-namespace");
            }
            args.addAll(List.of("--wait", "--timeout", r.timeout().toSeconds() + "s", major >= 4 ? "--rollback-on-failure" : "--atomic"));
            if (spec.chartVersion() != null) {
                args.addAll(List.of("--version", spec.chartVersion()));
            }
            for (String f : spec.valuesFiles()) {
                args.addAll(List.of("-f", f));
            }
            if (s.secretValuesFile != null) {
                args.addAll(List.of("-f", s.secretValuesFile));
            }
            for (String v : spec.set()) {
                args.addAll(List.of("--set", v));
            }
            // --set-string: a tag such as 1.10 stays "1.10" (--set would make it the number 1.1)
            if (spec.imageKey() != null) {
                args.addAll(List.of("--set-string", spec.imageKey() + "=" + r.image()));
            }
            if (spec.imageTagKey() != null) {
                args.addAll(List.of("--set-string", spec.imageTagKey() + "=" + r.version()));
            }
            ctx.log().info(ctx.masker().mask("squadDeploy: " + spec.helm() + " " + String.join(" ", args) + (s.env.isEmpty() ? "" : " (KUBECONFIG: a 0600 file of credential '"
                    + spec.credentialsId() + "')") + "; " + (prev == null ? "first install" : "deployed now: revision " + prev.revision()
                    + (prev.appVersion() == null ? "" : ", app " + prev.appVersion()))));
            CommandResult res = helm.run(args, r.timeout().plusSeconds(60));
            for (String line : (res.stdout() == null ? "" : res.stdout()).lines().toList()) {
                if (line.startsWith("STATUS:") || line.startsWith("REVISION:") || line.startsWith("Release ")) {
                    ctx.log().detail(ctx.masker().mask(line));
                }
            }
            List<Revision> after = helm.history(spec.release(), where());
            if (!res.succeeded()) {
                Revision now = HelmClient.lastDeployed(after);
                String state;
                if (prev != null && now != null && now.revision() > prev.revision() && "deployed".equals(now.status())
                        && String.valueOf(now.description()).startsWith("Rollback")) {
                    state = "helm rolled " + spec.release() + " back by itself (" + (major >= 4 ? "--rollback-on-failure" : "--atomic") + "): revision " + now.revision()
                            + " (" + now.description() + ") serves" + (now.appVersion() == null ? "" : " app " + now.appVersion());
                } else if (prev == null && after.isEmpty()) {
                    state = "the failed first install was removed by helm (" + (major >= 4 ? "--rollback-on-failure" : "--atomic") + ")";
                } else {
                    Revision last = after.isEmpty() ? null : after.get(after.size() - 1);
                    state = "helm history shows " + (last == null ? "no revision" : "revision " + last.revision() + " " + last.status()
                            + (last.description() == null ? "" : " (" + last.description() + ")"));
                }
                throw new DeployException(ctx.masker().mask("helm upgrade --install " + spec.release() + " failed (" + HelmClient.failure(res) + "); " + state));
            }
            Revision now = after.isEmpty() ? null : after.get(after.size() - 1);
            if (now == null) {
                throw new DeployException("helm upgrade --install " + spec.release() + " succeeded but helm history shows no revision");
            }
            ctx.log().info("squadDeploy: helm release " + spec.release() + " revision " + now.revision() + " " + now.status()
                    + (now.chart() == null ? "" : " (chart " + now.chart() + (now.appVersion() == null ? "" : ", app " + now.appVersion()) + ")")
                    + (prev == null ? "" : "; autoRollback goes back to revision " + prev.revision()));
            String previousImage = null;
            if (prev != null && spec.imageTagKey() != null) {
                // the tag the previous revision was released with (its user-supplied values), for the rollback summary
                String tag = helm.valueOf(spec.release(), prev.revision(), where(), spec.imageTagKey());
                String image = r.image().contains("@") ? r.image().substring(0, r.image().indexOf('@')) : r.image();
                int colon = image.lastIndexOf(':');
                previousImage = tag == null || colon <= image.lastIndexOf('/') ? null : image.substring(0, colon) + ":" + tag;
            }
            OrchestratedRelease.Unit u = new OrchestratedRelease.Unit(spec.release(), "release", r.image(), previousImage, String.valueOf(now.revision()),
                    prev == null ? null : String.valueOf(prev.revision()), true);
            List<String> notes = new ArrayList<>();
            if (now.chart() != null) {
                notes.add("chart " + now.chart() + (now.appVersion() == null ? "" : ", app " + now.appVersion()));
            }
            if (prev != null && prev.chart() != null) {
                notes.add("before: revision " + prev.revision() + ", chart " + prev.chart() + (prev.appVersion() == null ? "" : ", app " + prev.appVersion()));
            }
            return new OrchestratedRelease(HelmSpec.KIND, OrchestratedRelease.newReleaseId(Instant.now()), r.service(), r.environment(), r.version(), r.image(),
                    "rolling", OrchestratedRelease.now(), r.buildUrl(), spec.toMap(), List.of(u), notes);
        }
    }

    @Override
    public OrchestratedRollback rollBack(OrchestratedRelease release, Duration timeout) throws InterruptedException {
        OrchestratedRelease.Unit u = release.unit(spec.release());
        if (u == null || u.previousRevision() == null) {
            return OrchestratedRollback.failed("helm release " + spec.release() + " was first installed by this release: there is no revision to roll back to "
                    + "(helm uninstall " + spec.release() + " --namespace " + spec.namespace() + " removes it)", List.of(), List.of());
        }
        try (Session s = new Session(false)) {
            HelmClient helm = s.client();
            refusePending(helm, "helm rollback");
            Revision now = HelmClient.lastDeployed(helm.history(spec.release(), where()));
            if (now != null && (String.valueOf(now.revision()).equals(u.previousRevision())
                    || ("Rollback to " + u.previousRevision()).equals(now.description()))) {
                return new OrchestratedRollback(OrchestratedRollback.Status.ALREADY_ROLLED_BACK, List.of(), "helm release " + spec.release() + " already serves revision "
                        + now.revision() + (now.description() == null ? "" : " (" + now.description() + ")"), null, List.of());
            }
            List<String> args = new ArrayList<>(List.of("rollback", spec.release(), u.previousRevision()));
            args.addAll(where());
            args.addAll(List.of("--wait", "--timeout", timeout.toSeconds() + "s"));
            ctx.log().info("autoRollback: " + spec.helm() + " " + String.join(" ", args));
            CommandResult res = helm.run(args, timeout.plusSeconds(60));
            if (!res.succeeded()) {
                return OrchestratedRollback.failed(ctx.masker().mask("helm rollback " + spec.release() + " " + u.previousRevision() + " failed ("
                        + HelmClient.failure(res) + "); check helm history " + spec.release() + " --namespace " + spec.namespace()), List.of(), List.of());
            }
            Revision back = HelmClient.lastDeployed(helm.history(spec.release(), where()));
            String done = spec.release() + " → revision " + u.previousRevision() + (back == null ? "" : " (now revision " + back.revision() + ", "
                    + back.status() + (back.appVersion() == null ? "" : ", app " + back.appVersion()) + ")");
            return new OrchestratedRollback(OrchestratedRollback.Status.ROLLED_BACK, List.of(done), "helm rollback " + done + ", waited for it (--wait)",
                    Instant.now(), List.of());
        } catch (IOException | RuntimeException e) {
            return OrchestratedRollback.failed(ctx.masker().describe(e), List.of(), List.of());
        }
    }

    @Override
    public OrchestratedRelease current(String service, String environment) throws IOException, InterruptedException {
        try (Session s = new Session(false)) {
            List<Revision> history = s.client().history(spec.release(), where());
            Revision now = HelmClient.lastDeployed(history);
            if (now == null) {
                return null;
            }
            Revision prev = null;
            for (Revision r : history) {
                if (r.revision() < now.revision() && (r.status().equals("superseded") || r.status().equals("deployed"))) {
                    prev = r;
                }
            }
            OrchestratedRelease.Unit u = new OrchestratedRelease.Unit(spec.release(), "release", null, null, String.valueOf(now.revision()),
                    prev == null ? null : String.valueOf(prev.revision()), true);
            return new OrchestratedRelease(HelmSpec.KIND, OrchestratedRelease.newReleaseId(Instant.now()), service, environment, now.appVersion(), null, "rolling",
                    OrchestratedRelease.now(), null, spec.toMap(), List.of(u), List.of("read from helm history"));
        }
    }
}
