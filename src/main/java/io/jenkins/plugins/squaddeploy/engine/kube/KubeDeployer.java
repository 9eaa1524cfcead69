package io.jenkins.plugins.squaddeploy.engine.kube;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOps.DeploymentView;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rolling releases to Kubernetes Deployments, as runbook 004's {@code kubectl set image} + {@code kubectl rollout status}
 * + {@code kubectl rollout undo} do it: the new image is set on each Deployment (the Deployment controller replaces the
 * pods by its own rolling-update settings), each rollout is awaited ({@link RolloutWatch}), and the revision each one had
 * before is recorded ({@link KubeRelease}) so that {@link #undo} can put it back. A rollout that fails is undone at once
 * ({@code undoOnFailure}, default) and the release fails saying what the cluster showed and what serves now.
 */
public final class KubeDeployer {
    private final KubeApi api;
    private final ConsoleLog log;
    private final Masker masker;
    private final RolloutWatch watch;

    public KubeDeployer(KubeApi api, ConsoleLog log, Masker masker, RolloutWatch.Timing timing) {
        this.api = api;
        this.log = log == null ? ConsoleLog.SILENT : log;
        this.masker = masker == null ? new Masker() : masker;
        this.watch = new RolloutWatch(api, new MaskedLog(this.log, this.masker), timing);
    }

    /** A rolling release: validated by {@link #of}. */
    public record Request(String service, String environment, List<String> deployments, String container, String image, String version,
                          Duration timeout, boolean undoOnFailure, String changeCause) implements java.io.Serializable {
        public Request {
            deployments = List.copyOf(deployments);
        }

        /**
         * @param deployments the Deployments to set the image on; none: the one named like the service
         * @param container   the container to set the image on; null: the Deployment's only container
         */
        public static Request of(String service, String environment, List<String> deployments, String container, String image, String version,
                                 int timeoutSeconds, boolean undoOnFailure, String changeCause) {
            List<String> ds = new ArrayList<>();
            if (deployments == null || deployments.isEmpty()) {
                ds.add(KubeConnection.objectName("target.deployments", service, "api"));
            } else {
                for (int i = 0; i < deployments.size(); i++) {
                    String d = KubeConnection.objectName("target.deployments[" + i + "]", deployments.get(i), "auth-service");
                    if (ds.contains(d)) {
                        throw new ParameterException("target.deployments[" + i + "]", "deployment " + d + " is listed twice", "each Deployment once");
                    }
                    ds.add(d);
                }
            }
            String c = container == null || container.isBlank() ? null : KubeConnection.labelValue("target.container", container.strip(), "api");
            if (image == null || image.isBlank() || image.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f) || image.length() > 512) {
                throw new ParameterException("image", "got " + ParameterException.show(image), "an image reference such as 'registry.example.com/api-platform/auth-service:1.4.2'");
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 24 * 3600) {
                throw new ParameterException("target.timeout", "got " + timeoutSeconds, "a number of seconds from 1 to 86400, e.g. 600 (kubectl rollout status --timeout=10m)");
            }
            return new Request(service, environment, ds, c, image.strip(), version, Duration.ofSeconds(timeoutSeconds), undoOnFailure, changeCause);
        }
    }

    /**
     * Sets the image on every Deployment, then waits for every rollout. Nothing changes when a Deployment or its container is
     * missing.
     *
     * @throws DeployException the rollout failed (undone when asked: the message says to what) or the API refused
     */
    public KubeRelease rolling(Request r) throws IOException, InterruptedException {
        List<DeploymentView> before = new ArrayList<>();
        List<String> containers = new ArrayList<>();
        for (String name : r.deployments()) {
            DeploymentView d = api.call(new KubeOps.ReadDeployment(name));
            if (d == null) {
                throw new DeployException("deployment " + name + " does not exist in namespace " + api.connection().namespace()
                        + " (create it with its manifest or chart first; squadDeploy changes the image of existing Deployments); nothing was changed");
            }
            String c = r.container();
            if (c == null) {
                if (d.images().size() != 1) {
                    throw new ParameterException("target.container", "deployment " + name + " has " + d.images().size() + " containers " + d.images().keySet(),
                            "the name of the container whose image is set, e.g. container: '" + d.images().keySet().iterator().next() + "'");
                }
                c = d.images().keySet().iterator().next();
            } else if (!d.images().containsKey(c)) {
                throw new ParameterException("target.container", "deployment " + name + " has no container " + c, "one of " + d.images().keySet());
            }
            if (d.paused()) {
                throw new DeployException("deployment " + name + " is paused (kubectl rollout resume deployment/" + name + " first); nothing was changed");
            }
            before.add(d);
            containers.add(c);
        }
        info("squadDeploy: " + r.service() + " → " + r.image() + " on " + before.size() + " deployment(s) in " + api.connection().describe() + ": "
                + String.join(", ", before.stream().map(d -> d.name() + " (revision " + d.revision() + ", " + d.images() + ")").toList()));
        List<Integer> changed = new ArrayList<>();
        try {
            for (int i = 0; i < before.size(); i++) {
                DeploymentView d = before.get(i);
                String c = containers.get(i);
                if (r.image().equals(d.images().get(c))) {
                    info("squadDeploy: deployment " + d.name() + " already has " + c + "=" + r.image() + "; waiting for it to be rolled out");
                    continue;
                }
                info("squadDeploy: kubectl set image deployment/" + d.name() + " " + c + "=" + r.image() + " -n " + api.connection().namespace());
                api.call(new KubeOps.SetImage(d.name(), c, r.image(), r.changeCause()));
                changed.add(i);
            }
            List<KubeRelease.Item> items = new ArrayList<>();
            for (int i = 0; i < before.size(); i++) {
                DeploymentView after = watch.await("squadDeploy", before.get(i).name(), containers.get(i), r.image(), r.timeout());
                items.add(new KubeRelease.Item(before.get(i).name(), containers.get(i), before.get(i).revision(), before.get(i).images().get(containers.get(i)),
                        after.revision(), r.image()));
            }
            return new KubeRelease(r.service(), r.environment(), api.connection(), r.image(), r.version(), items, Instant.now());
        } catch (IOException e) {
            if (changed.isEmpty() || !r.undoOnFailure()) {
                throw e instanceof DeployException de ? de : new DeployException(masker.describe(e), e);
            }
            warn("squadDeploy: " + masker.describe(e) + "; undoing " + changed.size() + " deployment(s) to their previous revision");
            List<String> undone = new ArrayList<>();
            for (int i : changed) {
                DeploymentView d = before.get(i);
                try {
                    undoOne(d.name(), containers.get(i), d.revision(), d.images().get(containers.get(i)), r.timeout(), "squadDeploy");
                    undone.add(d.name() + " back to revision " + d.revision() + " (" + d.images().get(containers.get(i)) + ")");
                } catch (IOException u) {
                    undone.add(d.name() + ": UNDO FAILED: " + masker.describe(u));
                }
            }
            throw new DeployException("squadDeploy: " + r.image() + " did not roll out: " + masker.describe(e) + ". Undone: " + String.join("; ", undone), e);
        }
    }

    /** autoRollback: every Deployment of {@code release} back to the revision it had before, awaited; returns one line per Deployment. */
    public List<String> undo(KubeRelease release, Duration timeout) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        List<KubeRelease.Item> items = new ArrayList<>(release.deployments());
        java.util.Collections.reverse(items);
        for (KubeRelease.Item i : items) {
            if (i.previousRevision() == null) {
                throw new DeployException("deployment " + i.deployment() + " had no revision before this release; there is nothing to undo to");
            }
            undoOne(i.deployment(), i.container(), i.previousRevision(), i.previousImage(), timeout, "autoRollback");
            out.add(i.deployment() + ": back to revision " + i.previousRevision() + " (" + i.previousImage() + ")");
        }
        return out;
    }

    private void undoOne(String name, String container, String revision, String image, Duration timeout, String what) throws IOException, InterruptedException {
        info(what + ": kubectl rollout undo deployment/" + name + " --to-revision=" + revision + " -n " + api.connection().namespace() + " (" + image + ")");
        api.call(new KubeOps.Undo(name, revision));
        watch.await(what, name, container, image, timeout);
    }

    private void info(String line) {
        log.info(masker.mask(line));
    }

    private void warn(String line) {
        log.warn(masker.mask(line));
    }

    /** Every line through the masker. */
    record MaskedLog(ConsoleLog log, Masker masker) implements ConsoleLog {
        @Override
        public void info(String line) {
            log.info(masker.mask(line));
        }

        @Override
        public void warn(String line) {
            log.warn(masker.mask(line));
        }
    }
}
