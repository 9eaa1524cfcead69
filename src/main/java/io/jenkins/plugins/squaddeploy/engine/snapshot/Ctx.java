package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a provider needs while it works on one request: tools, console, clock, the request and its deadline. */
final class Ctx implements AutoCloseable {
    final ToolRunner tools;
    final ConsoleLog log;
    final Clock clock;
    final SnapshotRequest req;
    private final long deadlineAt;
    /** The pod a Kubernetes label selector was resolved to (once per request, so every command of it uses the same pod). */
    final Map<SnapshotSource.Kube, String> kubePods = new java.util.HashMap<>();
    /** The 0600 kubeconfig file for kubectl, written once per request and deleted by {@link #close()}. */
    java.nio.file.Path kubeconfigFile;

    Ctx(ToolRunner tools, ConsoleLog log, Clock clock, SnapshotRequest req) {
        this.tools = tools;
        this.log = log;
        this.clock = clock;
        this.req = req;
        this.deadlineAt = System.nanoTime() + req.timeout().toNanos();
    }

    /** Time left before the request's timeout; fails when it has passed. */
    Duration remaining() throws SnapshotException {
        long left = deadlineAt - System.nanoTime();
        if (left <= 0) {
            throw new SnapshotException("the timeout of " + Progress.human(req.timeout()) + " was reached");
        }
        return Duration.ofNanos(left);
    }

    /** At most {@code cap}, and never past the deadline. */
    Duration remaining(Duration cap) throws SnapshotException {
        Duration r = remaining();
        return r.compareTo(cap) < 0 ? r : cap;
    }

    Progress progress(String what) {
        return new Progress(log, what, req.progressEvery());
    }

    CommandResult run(List<String> argv, Map<String, String> env, byte[] stdin, Duration cap) throws SnapshotException, InterruptedException {
        return tools.run(argv, env, stdin, remaining(cap));
    }

    /** The last few non-blank lines of a failed tool's stderr (else stdout), on one line. */
    static String failure(CommandResult r) {
        if (r.timedOut()) {
            return "timed out after " + Progress.human(Duration.ofMillis(r.elapsedMs())) + " and was stopped";
        }
        String text = r.stderr() == null || r.stderr().isBlank() ? r.stdout() : r.stderr();
        if (text == null || text.isBlank()) {
            return "exit code " + r.exitCode() + ", no message";
        }
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
        return "exit code " + r.exitCode() + ": " + String.join(" ", tail);
    }

    @Override
    public void close() {
        if (kubeconfigFile != null) {
            PasswordFiles.delete(kubeconfigFile);
            kubeconfigFile = null;
        }
    }

    /** Interruptible pause used while polling a server. */
    static void pause(Duration d) throws InterruptedException {
        Thread.sleep(Math.max(1, d.toMillis()));
    }
}
