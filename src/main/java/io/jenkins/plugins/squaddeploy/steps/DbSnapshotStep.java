package io.jenkins.plugins.squaddeploy.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvent;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotJobs;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotRequest;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import io.jenkins.plugins.squaddeploy.steps.snapshot.DbSnapshotSource;
import io.jenkins.plugins.squaddeploy.steps.snapshot.FilesSource;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code dbSnapshot store: '/var/backups/squad-api', source: postgresSource(...)}: takes (default), lists, verifies,
 * restores or prunes snapshots of PostgreSQL, Redis, files and RDS in a store directory on the agent. Returns a map
 * (the snapshot's metadata, the list, the verification or restore report, what prune kept and deleted). Failures fail
 * the build with an {@link AbortException} naming the cause or the parameter.
 */
public class DbSnapshotStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long POLL_MILLIS = 1000;

    private final String store;
    private DbSnapshotSource source;
    private String action = "create";
    private String name;
    private String snapshot;
    private String reason;
    private String release;
    private String restoreTo;
    private boolean confirm = false;
    private List<String> checks = new ArrayList<>();
    private int keepLast = 7;
    private int keepDaily = 7;
    private int keepWeekly = 4;
    private int timeout = 3600;
    private int rtoSeconds = SnapshotRequest.DEFAULT_RTO_SECONDS;
    private double maxAgeHours = SnapshotRequest.DEFAULT_MAX_AGE_HOURS;
    private String reportDir;

    @DataBoundConstructor
    public DbSnapshotStep(String store) {
        this.store = store;
    }

    public String getStore() {
        return store;
    }

    public DbSnapshotSource getSource() {
        return source;
    }

    @DataBoundSetter
    public void setSource(DbSnapshotSource source) {
        this.source = source;
    }

    public String getAction() {
        return action;
    }

    @DataBoundSetter
    public void setAction(String action) {
        this.action = action;
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = name;
    }

    public String getSnapshot() {
        return snapshot;
    }

    @DataBoundSetter
    public void setSnapshot(String snapshot) {
        this.snapshot = snapshot;
    }

    public String getReason() {
        return reason;
    }

    @DataBoundSetter
    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getRelease() {
        return release;
    }

    @DataBoundSetter
    public void setRelease(String release) {
        this.release = release;
    }

    public String getRestoreTo() {
        return restoreTo;
    }

    @DataBoundSetter
    public void setRestoreTo(String restoreTo) {
        this.restoreTo = restoreTo;
    }

    public boolean isConfirm() {
        return confirm;
    }

    @DataBoundSetter
    public void setConfirm(boolean confirm) {
        this.confirm = confirm;
    }

    public List<String> getChecks() {
        return checks;
    }

    @DataBoundSetter
    public void setChecks(List<String> checks) {
        this.checks = checks == null ? new ArrayList<>() : new ArrayList<>(checks);
    }

    public int getKeepLast() {
        return keepLast;
    }

    @DataBoundSetter
    public void setKeepLast(int keepLast) {
        this.keepLast = keepLast;
    }

    public int getKeepDaily() {
        return keepDaily;
    }

    @DataBoundSetter
    public void setKeepDaily(int keepDaily) {
        this.keepDaily = keepDaily;
    }

    public int getKeepWeekly() {
        return keepWeekly;
    }

    @DataBoundSetter
    public void setKeepWeekly(int keepWeekly) {
        this.keepWeekly = keepWeekly;
    }

    public int getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(int timeout) {
        this.timeout = timeout;
    }

    public int getRtoSeconds() {
        return rtoSeconds;
    }

    @DataBoundSetter
    public void setRtoSeconds(int rtoSeconds) {
        this.rtoSeconds = rtoSeconds;
    }

    public double getMaxAgeHours() {
        return maxAgeHours;
    }

    @DataBoundSetter
    public void setMaxAgeHours(double maxAgeHours) {
        this.maxAgeHours = maxAgeHours;
    }

    public String getReportDir() {
        return reportDir;
    }

    @DataBoundSetter
    public void setReportDir(String reportDir) {
        this.reportDir = reportDir;
    }

    /** The first console line: what the step will do. */
    String describe() {
        String src = source == null ? "" : " of " + source.getClass().getSimpleName().replace("Source", "").toLowerCase(java.util.Locale.ROOT)
                + (name == null ? "" : " '" + name + "'");
        return switch (action == null ? "create" : action) {
            case "create" -> "snapshot" + src + " into " + store;
            case "restore" -> "restore " + (snapshot == null ? "the latest snapshot" : snapshot) + src + " from " + store;
            case "drill" -> "DR drill" + src + ": restore " + (snapshot == null ? "the newest snapshot" : snapshot) + " from " + store
                    + " into scratch, RTO objective " + rtoSeconds + " s, RPO objective " + maxAgeHours + " h";
            case "freshness" -> "check that the newest verified snapshot" + (name == null ? " of each series" : " of " + name) + " in " + store
                    + " is younger than " + maxAgeHours + " h";
            default -> action + " the snapshots in " + store;
        };
    }

    /** The engine request: paths resolved against the workspace, credentials looked up (and masked), all validated. */
    SnapshotRequest request(SecretSource secrets, FilePath workspace, Run<?, ?> run) throws java.io.IOException, InterruptedException {
        if (store == null || store.isBlank()) {
            throw new ParameterException("store", "no store given", "a directory on the agent for the snapshots, e.g. '/var/backups/squad-api'");
        }
        UnaryOperator<String> resolve = p -> workspace.child(p).getRemote();
        SnapshotSource src = source == null ? null : source.toSource("source", secrets, resolve);
        String target = restoreTo;
        if ((source instanceof FilesSource || "drill".equals(action)) && target != null && !target.isBlank() && !target.startsWith("/")
                && !SnapshotRequest.SCRATCH.equals(target.strip())) {
            target = resolve.apply(target);
        }
        if (timeout < 1 || timeout > 604_800) {
            throw new ParameterException("timeout", "got " + timeout, "seconds from 1 to 604800 (7 days)");
        }
        return SnapshotRequest.builder(resolve.apply(store.strip()))
                .action(action).source(src).name(name).snapshot(snapshot).reason(reason).release(release)
                .build(run == null ? null : run.getFullDisplayName()).restoreTo(target).confirm(confirm).checks(checks)
                .retention(keepLast, keepDaily, keepWeekly).timeout(Duration.ofSeconds(timeout)).objectives(rtoSeconds, maxAgeHours)
                .reportDir(reportDir == null || reportDir.isBlank() ? null : resolve.apply(reportDir.strip())).build();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(context, this);
    }

    /**
     * Runs off the CPS thread: starts the action as a job on the agent, then relays its console lines until it ends.
     * The job's ID is kept, so after a controller restart the step follows the same job again if the agent still runs it.
     */
    static final class Execution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        private final DbSnapshotStep step;
        private String jobId;
        private long startedAtMillis;
        /** Set by {@link #stop}: the build is aborted, so the job on the agent is stopped too (not on a controller restart). */
        private transient volatile boolean aborting;

        Execution(StepContext context, DbSnapshotStep step) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            startedAtMillis = System.currentTimeMillis();
            run(this::begin);
            return false;
        }

        @Override
        public void stop(Throwable cause) throws Exception {
            aborting = true;
            super.stop(cause);
        }

        @Override
        public void onResume() {
            run(jobId == null ? this::begin : this::resume);
        }

        private void begin() throws Exception {
            StepContext ctx = getContext();
            Masker masker = new Masker();
            StepConsole.start(new ListenerConsoleLog(ctx.get(TaskListener.class), masker), "dbSnapshot", step.describe());
            try {
                FilePath workspace = ctx.get(FilePath.class);
                SnapshotRequest req = step.request(new JenkinsSecretSource(ctx.get(Run.class), masker), workspace, ctx.get(Run.class));
                EnvVars env = ctx.get(EnvVars.class);
                jobId = workspace.child(req.store()).act(new AgentSnapshotJob.Start(req, env == null ? new EnvVars() : env));
                follow(masker);
            } catch (ParameterException e) {
                failed(new ListenerConsoleLog(ctx.get(TaskListener.class), masker), masker, "dbSnapshot: " + e.getMessage());
            }
        }

        /** Records the failure in the report, prints the last line and fails the step. */
        private void failed(ConsoleLog console, Masker masker, String message) throws InterruptedException {
            StepContext ctx = getContext();
            Instant startedAt = Instant.ofEpochMilli(startedAtMillis == 0 ? System.currentTimeMillis() : startedAtMillis);
            BuildReport.add(ctx, console, ReportEvents.failed("snapshot", "dbSnapshot", startedAt, "dbSnapshot " + step.action, message)
                    .detail("action", step.action).finish(), masker);
            StepConsole.since(console, "dbSnapshot", startedAt).failed(message);
            ctx.onFailure(new AbortException(masker.mask(message)));
        }

        private void resume() throws Exception {
            Masker masker = new Masker();
            try {
                step.request(new JenkinsSecretSource(getContext().get(Run.class), masker), getContext().get(FilePath.class), null);
            } catch (RuntimeException ignored) {
                // only to know the secrets to mask; the job was validated when it started
            }
            follow(masker);
        }

        private void follow(Masker masker) throws Exception {
            StepContext ctx = getContext();
            ConsoleLog console = new ListenerConsoleLog(ctx.get(TaskListener.class), masker);
            FilePath workspace = ctx.get(FilePath.class);
            while (true) {
                SnapshotJobs.Poll p;
                try {
                    p = workspace.act(new AgentSnapshotJob.Poll(jobId, POLL_MILLIS));
                } catch (InterruptedException stopped) {
                    if (aborting) {
                        cancelJob(workspace, console);
                    }
                    throw stopped;
                }
                p.lines().forEach(console::info);
                if (p.done()) {
                    String action = SnapshotRequest.Action.parse("action", step.action).id();
                    if (p.error() == null) {
                        Instant startedAt = Instant.ofEpochMilli(startedAtMillis == 0 ? System.currentTimeMillis() : startedAtMillis);
                        ReportEvent e = ReportEvents.snapshot("dbSnapshot", startedAt, action, p.result()).finish();
                        BuildReport.add(ctx, console, e, masker);
                        StepConsole.since(console, "dbSnapshot", startedAt).ok(e.title());
                        ctx.onSuccess(p.result());
                    } else if (p.parameter() != null) {
                        failed(console, masker, "dbSnapshot: " + p.error());
                    } else {
                        failed(console, masker, "dbSnapshot " + action + " failed: " + p.error());
                    }
                    return;
                }
            }
        }

        /** The build was aborted: kill the tools on the agent and wait a little for the job to remove its unfinished snapshot. */
        private void cancelJob(FilePath workspace, ConsoleLog console) {
            try {
                workspace.act(new AgentSnapshotJob.Cancel(jobId));
                for (int i = 0; i < 10; i++) {
                    SnapshotJobs.Poll p = workspace.act(new AgentSnapshotJob.Poll(jobId, POLL_MILLIS));
                    p.lines().forEach(console::info);
                    if (p.done()) {
                        console.info("dbSnapshot: " + (p.error() != null ? p.error() : "the job had finished"));
                        return;
                    }
                }
            } catch (Exception e) {
                console.warn("dbSnapshot: could not stop the job on the agent: " + e);
            }
        }
    }

    @Extension
    @Symbol("dbSnapshot")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "dbSnapshot";
        }

        @Override
        public String getDisplayName() {
            return "Snapshot, verify, restore or prune PostgreSQL, Redis, files and RDS";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class, FilePath.class, EnvVars.class);
        }
    }
}
