package io.jenkins.plugins.squaddeploy.engine.kube;

import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOps.Condition;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOps.DeploymentView;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOps.PodTrouble;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a Deployment's rollout the way {@code kubectl rollout status} decides it: the controller has observed the
 * change ({@code observedGeneration >= generation}), every replica is updated, no old replica is left, every updated one
 * is available; a {@code Progressing} condition with reason {@code ProgressDeadlineExceeded} fails it. Beyond kubectl, pods
 * of the new template whose image cannot be pulled ({@code ImagePullBackOff}, {@code InvalidImageName},
 * {@code ErrImageNeverPull}) fail it at once instead of after the progress deadline; other waiting reasons
 * ({@code ErrImagePull}, {@code CrashLoopBackOff}) are shown in the progress lines.
 */
public final class RolloutWatch {
    /** How often to poll and to print. */
    public record Timing(Duration poll, Duration progressEvery) {
        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(1), Duration.ofSeconds(5));
        }
    }

    /** A rollout that failed or ran out of time: the message says what the cluster showed. */
    public static final class RolloutFailed extends DeployException {
        private static final long serialVersionUID = 1L;

        public RolloutFailed(String message) {
            super(message);
        }
    }

    private final KubeApi api;
    private final ConsoleLog log;
    private final Timing timing;

    public RolloutWatch(KubeApi api, ConsoleLog log, Timing timing) {
        this.api = api;
        this.log = log;
        this.timing = timing == null ? Timing.defaults() : timing;
    }

    /** The state of one poll, as kubectl's status viewer words it. */
    record Status(boolean done, String text, String fatal) {
    }

    static Status status(DeploymentView d) {
        if (d.generation() > d.observedGeneration()) {
            return new Status(false, "waiting for the deployment spec update to be observed", null);
        }
        Condition p = d.condition("Progressing");
        if (p != null && "ProgressDeadlineExceeded".equals(p.reason())) {
            return new Status(false, "", "deployment " + d.name() + " exceeded its progress deadline"
                    + (p.message() == null ? "" : " (" + p.message() + ")"));
        }
        if (d.updatedReplicas() < d.specReplicas()) {
            return new Status(false, d.updatedReplicas() + " of " + d.specReplicas() + " new replicas updated", null);
        }
        if (d.replicas() > d.updatedReplicas()) {
            return new Status(false, (d.replicas() - d.updatedReplicas()) + " old replica(s) pending termination", null);
        }
        if (d.availableReplicas() < d.updatedReplicas()) {
            return new Status(false, d.availableReplicas() + " of " + d.updatedReplicas() + " updated replicas available", null);
        }
        return new Status(true, "successfully rolled out", null);
    }

    /**
     * Waits until {@code name} has rolled out {@code image} of {@code container} (the image is used to tell the new pods from
     * the old), at most {@code timeout}.
     *
     * @param what for console lines, e.g. {@code squadDeploy} or {@code autoRollback}
     * @return the Deployment once rolled out
     */
    public DeploymentView await(String what, String name, String container, String image, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextLine = start;
        String last = null;
        while (true) {
            DeploymentView d = api.call(new KubeOps.ReadDeployment(name));
            if (d == null) {
                throw new RolloutFailed("deployment " + name + " no longer exists in namespace " + api.connection().namespace());
            }
            Status s = status(d);
            if (s.fatal() != null) {
                throw new RolloutFailed(s.fatal() + troubleText(name, d, image));
            }
            if (s.done()) {
                log.info(String.format(Locale.ROOT, "%s: deployment %s successfully rolled out: %d of %d replicas run %s (revision %s), %s", what, name,
                        d.availableReplicas(), d.specReplicas(), d.images().get(container), d.revision(), elapsed(start)));
                return d;
            }
            List<PodTrouble> troubles = troubles(d, image);
            for (PodTrouble t : troubles) {
                if (t.image() != null && t.image().equals(image) && KubeOps.IMAGE_FAILURES.contains(t.reason()) && !t.reason().equals("ErrImagePull")) {
                    throw new RolloutFailed("deployment " + name + ": the new pods cannot pull " + image + ": " + t.describe()
                            + (troubles.size() > 1 ? " (and " + (troubles.size() - 1) + " more pod problem(s))" : ""));
                }
            }
            long now = System.nanoTime();
            String line = s.text() + (troubles.isEmpty() ? "" : "; " + troubles.get(0).describe() + (troubles.size() > 1 ? " and " + (troubles.size() - 1) + " more" : ""));
            if (now - nextLine >= 0 || (!line.equals(last) && now - nextLine + timing.progressEvery().toNanos() / 2 >= 0)) {
                log.info(String.format(Locale.ROOT, "%s: waiting for deployment %s to roll out %s: %s (%s elapsed of %s)", what, name, image, line,
                        elapsed(start), human(timeout)));
                last = line;
                nextLine = now + timing.progressEvery().toNanos();
            }
            if (now - deadline >= 0) {
                throw new RolloutFailed("deployment " + name + " did not roll out " + image + " within " + human(timeout) + ": " + line);
            }
            // quick polls for the first seconds (most rollouts of one replica set are quick), then every poll interval
            long poll = now - start < TimeUnit.SECONDS.toNanos(5) ? Math.min(timing.poll().toNanos(), TimeUnit.MILLISECONDS.toNanos(200)) : timing.poll().toNanos();
            TimeUnit.NANOSECONDS.sleep(Math.max(1, Math.min(poll, deadline - now)));
        }
    }

    private List<PodTrouble> troubles(DeploymentView d, String image) throws IOException, InterruptedException {
        if (d.selector().isEmpty()) {
            return List.of();
        }
        List<PodTrouble> out = new ArrayList<>();
        for (PodTrouble t : api.call(new KubeOps.PodTroubles(d.selector()))) {
            if (image == null || image.equals(t.image())) {
                out.add(t);
            }
        }
        return out;
    }

    private String troubleText(String name, DeploymentView d, String image) throws IOException, InterruptedException {
        List<PodTrouble> t = troubles(d, image);
        return t.isEmpty() ? "" : "; " + t.get(0).describe() + (t.size() > 1 ? " and " + (t.size() - 1) + " more" : "");
    }

    public static String elapsed(long startNanos) {
        return human(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    public static String human(Duration d) {
        long tenths = Math.round(d.toMillis() / 100.0);
        return tenths % 10 == 0 ? (tenths / 10) + " s" : String.format(Locale.ROOT, "%.1f s", tenths / 10.0);
    }
}
