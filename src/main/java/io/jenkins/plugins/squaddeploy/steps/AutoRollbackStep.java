package io.jenkins.plugins.squaddeploy.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.health.HealthVerifier;
import io.jenkins.plugins.squaddeploy.engine.health.VerifyOptions;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.rollback.AutoRollback;
import io.jenkins.plugins.squaddeploy.engine.rollback.DatabaseRollback;
import io.jenkins.plugins.squaddeploy.engine.rollback.Incident;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackOptions;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackReport;
import io.jenkins.plugins.squaddeploy.engine.rollback.Rollbacker;
import io.jenkins.plugins.squaddeploy.engine.rollback.SnapshotCatalog;
import io.jenkins.plugins.squaddeploy.engine.rollback.WebhookNotifier;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import io.jenkins.plugins.squaddeploy.steps.health.HealthCheck;
import io.jenkins.plugins.squaddeploy.steps.snapshot.DbSnapshotSource;
import java.io.IOException;
import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code autoRollback()}: puts back the release that served before this build — for every squadDeploy release and
 * blueGreenSwitch this build recorded ({@link DeploymentsAction}) — verifies it, writes the incident summary, and
 * notifies a webhook. Made for {@code post { failure { autoRollback() } }}; {@code verifyHealth(rollbackOnFailure: true)}
 * calls the same code. The build result is FAILURE when a release was rolled back (the release failed), and the step
 * fails when the rollback itself failed. Safe to call twice and when nothing was deployed.
 *
 * <p>The database is never restored unless {@code database} names the snapshot; in production the restore needs an
 * approval, which a step cannot ask for (only pipeline code can call {@code input}): without {@code databaseApprovedBy}
 * the step restores nothing and returns {@code database.needsApproval: true}; the shared-library var
 * {@code autoRollbackWithApproval} asks with {@code input} and calls the step again with the approver.
 */
public class AutoRollbackStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Build environment variable naming the webhook credential, for calls that do not give webhookCredentialsId (verifyHealth's). */
    public static final String WEBHOOK_VARIABLE = "SQUAD_ROLLBACK_WEBHOOK_CREDENTIALS_ID";

    private String service;
    private String reason;
    private int verifyDeadline = 0;
    private int samples = 0;
    private int healthTimeout = RollbackOptions.DEFAULT_HEALTH_TIMEOUT_S;
    private boolean keepFailedColour = false;
    private List<HealthCheck> checks = new ArrayList<>();
    private String webhookCredentialsId;
    private String database;
    private String snapshotStore;
    private DbSnapshotSource databaseSource;
    private String databaseApprovedBy;

    @DataBoundConstructor
    public AutoRollbackStep() {
    }

    public String getService() {
        return service;
    }

    @DataBoundSetter
    public void setService(String service) {
        this.service = blankToNull(service);
    }

    public String getReason() {
        return reason;
    }

    @DataBoundSetter
    public void setReason(String reason) {
        this.reason = blankToNull(reason);
    }

    public int getVerifyDeadline() {
        return verifyDeadline;
    }

    @DataBoundSetter
    public void setVerifyDeadline(int verifyDeadline) {
        this.verifyDeadline = verifyDeadline;
    }

    public int getSamples() {
        return samples;
    }

    @DataBoundSetter
    public void setSamples(int samples) {
        this.samples = samples;
    }

    public int getHealthTimeout() {
        return healthTimeout;
    }

    @DataBoundSetter
    public void setHealthTimeout(int healthTimeout) {
        this.healthTimeout = healthTimeout;
    }

    public boolean isKeepFailedColour() {
        return keepFailedColour;
    }

    @DataBoundSetter
    public void setKeepFailedColour(boolean keepFailedColour) {
        this.keepFailedColour = keepFailedColour;
    }

    public List<HealthCheck> getChecks() {
        return checks;
    }

    @DataBoundSetter
    public void setChecks(List<HealthCheck> checks) {
        this.checks = checks == null ? new ArrayList<>() : new ArrayList<>(checks);
    }

    public String getWebhookCredentialsId() {
        return webhookCredentialsId;
    }

    @DataBoundSetter
    public void setWebhookCredentialsId(String webhookCredentialsId) {
        this.webhookCredentialsId = blankToNull(webhookCredentialsId);
    }

    public String getDatabase() {
        return database;
    }

    @DataBoundSetter
    public void setDatabase(String database) {
        this.database = blankToNull(database);
    }

    public String getSnapshotStore() {
        return snapshotStore;
    }

    @DataBoundSetter
    public void setSnapshotStore(String snapshotStore) {
        this.snapshotStore = blankToNull(snapshotStore);
    }

    public DbSnapshotSource getDatabaseSource() {
        return databaseSource;
    }

    @DataBoundSetter
    public void setDatabaseSource(DbSnapshotSource databaseSource) {
        this.databaseSource = databaseSource;
    }

    public String getDatabaseApprovedBy() {
        return databaseApprovedBy;
    }

    @DataBoundSetter
    public void setDatabaseApprovedBy(String databaseApprovedBy) {
        this.databaseApprovedBy = blankToNull(databaseApprovedBy);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(context, this);
    }

    /**
     * Runs the rollback off the CPS thread. After a controller restart it simply runs again: the rollback reads what
     * runs from the target, so a second run finishes what the first one started and changes nothing else.
     */
    static final class Execution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        private final AutoRollbackStep step;

        Execution(StepContext context, AutoRollbackStep step) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            run(this::rollBack);
            return false;
        }

        @Override
        public void onResume() {
            run(this::rollBack);
        }

        private void rollBack() throws Exception {
            StepContext ctx = getContext();
            Masker masker = new Masker();
            ConsoleLog log = new ListenerConsoleLog(ctx.get(TaskListener.class), masker);
            Run<?, ?> build = ctx.get(Run.class);
            DeploymentsAction known = build == null ? null : build.getAction(DeploymentsAction.class);
            int n = known == null ? 0 : known.deployments().size();
            StepConsole console = StepConsole.start(log, "autoRollback", "roll back what this build changed (" + n + " recorded release(s)/switch(es))"
                    + (step.service == null ? "" : " of " + step.service) + (step.database == null ? "" : ", and the database from " + step.database));
            try {
                Run<?, ?> run = ctx.get(Run.class);
                DeploymentsAction recorded = run == null ? null : run.getAction(DeploymentsAction.class);
                Incident incident = recorded == null ? null : recorded.incident();
                if (incident == null) {
                    incident = Incident.of(step.reason != null ? step.reason : "the build failed (no failed verifyHealth was recorded in this build)",
                            Instant.now());
                }
                RollbackReport report = AutoRollbackStep.run(ctx, step, incident, masker);
                String outcome = ReportEvents.rollback("autoRollback", report).finish().title()
                        + (report.timeToRestore() == null ? "" : "; service restored " + StepConsole.took(report.timeToRestore()) + " after the first failure")
                        + (report.status() == RollbackReport.Status.ROLLED_BACK || report.status() == RollbackReport.Status.ALREADY_ROLLED_BACK
                        ? "; the build result is FAILURE" : "");
                if (report.status() == RollbackReport.Status.FAILED) {
                    console.failed(outcome);
                } else {
                    console.ok(outcome);
                }
                finish(ctx, report, masker);
            } catch (ParameterException e) {
                String message = "autoRollback: " + e.getMessage();
                BuildReport.add(ctx, log, ReportEvents.failed("rollback", "autoRollback", console.startedAt(), "autoRollback", message).finish(), masker);
                console.failed(message);
                ctx.onFailure(new AbortException(masker.mask(message)));
            }
        }
    }

    /** Rolls back as {@code step} says, for the build of {@code ctx}; the incident summary and summary line are in the log. */
    static RollbackReport run(StepContext ctx, AutoRollbackStep step, Incident incident, Masker masker) throws IOException, InterruptedException {
        TaskListener listener = ctx.get(TaskListener.class);
        Run<?, ?> run = ctx.get(Run.class);
        EnvVars env = ctx.get(EnvVars.class);
        FilePath workspace = ctx.get(FilePath.class);
        Launcher launcher = ctx.get(Launcher.class);
        if (workspace == null || launcher == null) {
            throw new ParameterException("autoRollback", "it runs outside a node (agent none)",
                    "autoRollback inside node { } or in a stage or post section with an agent, on the machine that runs docker and the router");
        }
        ConsoleLog log = new ListenerConsoleLog(listener, masker);
        String buildUrl = env == null ? null : env.get("BUILD_URL");
        RollbackOptions options = RollbackOptions.of(step.service, step.verifyDeadline, step.samples, step.healthTimeout, step.keepFailedColour,
                buildUrl != null ? buildUrl : run == null ? null : run.getUrl());
        JenkinsSecretSource secrets = new JenkinsSecretSource(run, masker);
        String webhookId = step.webhookCredentialsId != null ? step.webhookCredentialsId : env == null ? null : blankToNull(env.get(WEBHOOK_VARIABLE));
        String webhook = null;
        if (webhookId != null) {
            Credential c = secrets.lookup(webhookId, "webhookCredentialsId", false);
            webhook = WebhookNotifier.check(webhookId, c.secret());
        }
        List<CheckSpec> specs = new ArrayList<>();
        for (int i = 0; i < step.checks.size(); i++) {
            HealthCheck c = step.checks.get(i);
            if (c == null) {
                throw new ParameterException("checks[" + i + "]", "the check is empty", "httpCheck(…), tcpCheck(…), postgresCheck(…), redisCheck(…), commandCheck(…) or prometheusCheck(…)");
            }
            specs.add(c.toSpec("checks[" + i + "]", secrets));
        }
        List<CheckSpec> checks = specs.isEmpty() ? List.of() : CheckSpecs.uniqueNames(specs);
        DatabaseRollback database = DatabaseRollback.of(step.database, step.databaseApprovedBy, run == null ? null : run.getFullDisplayName());
        SnapshotCatalog snapshots = null;
        if (database != null) {
            if (step.snapshotStore == null) {
                throw new ParameterException("snapshotStore", "database is given but not where its snapshots are",
                        "the store directory dbSnapshot wrote them to, e.g. '/var/backups/squad-api'");
            }
            if (step.databaseSource == null) {
                throw new ParameterException("databaseSource", "database is given but not which database to restore into",
                        "the source the snapshot was taken from, e.g. postgresSource(host: '127.0.0.1', database: 'squad_api', credentialsId: 'squad-db')");
            }
            SnapshotSource source = step.databaseSource.toSource("databaseSource", secrets, p -> workspace.child(p).getRemote());
            snapshots = new AgentSnapshotCatalog(workspace, workspace.child(step.snapshotStore).getRemote(), source, env, log);
        }
        ToolOutputs commands = new ToolOutputs(new LauncherCommandRunner(launcher, workspace, env));
        Rollbacker rollbacker = new Rollbacker(new DockerClient(commands), new AgentDeployFiles(workspace), new AgentRouterHost(workspace), commands, log, masker)
                .withOrchestration(new OrchestratorContext(commands, log, masker, secrets, new AgentRouterHost(workspace)));
        if (!checks.isEmpty()) {
            HealthVerifier verifier = new HealthVerifier(new AgentProbeRunner(workspace, commands), log, masker);
            rollbacker.withPostCheck(() -> {
                HealthReport r = verifier.run(checks, VerifyOptions.defaults());
                return r.healthy() ? null : r.failureSummary().strip();
            });
        }
        DeploymentsAction recorded = run == null ? null : run.getAction(DeploymentsAction.class);
        RollbackReport report = new AutoRollback(recorded == null ? List.of() : recorded.deployments(), incident, options, database, snapshots, webhook,
                run == null ? null : run.getFullDisplayName()).run(rollbacker, log, masker, Clock.systemUTC());
        BuildReport.add(ctx, log, commands.addTo(ReportEvents.rollback("autoRollback", report), "rollback commands").finish(), masker);
        return report;
    }

    /** The step's outcome: the release failed, so a rollback (or finding it rolled back) makes the build FAILURE; a failed rollback fails the step. */
    static void finish(StepContext ctx, RollbackReport report, Masker masker) {
        Map<String, Object> result = report.toMap();
        switch (report.status()) {
            case ROLLED_BACK, ALREADY_ROLLED_BACK -> {
                ctx.setResult(Result.FAILURE);
                ctx.onSuccess(result);
            }
            case NOTHING_TO_ROLL_BACK -> ctx.onSuccess(result);
            default -> ctx.onFailure(new AbortException(masker.mask(report.summaryLine())));
        }
    }

    /**
     * verifyHealth found the release unhealthy: records the measurements for a later autoRollback and, with
     * {@code rollBack}, rolls back now (with autoRollback's defaults). Returns the text to add to verifyHealth's failure
     * message (empty when nothing was rolled back). Never throws for the rollback: verifyHealth fails anyway.
     */
    static String afterFailedHealth(StepContext ctx, HealthReport report, boolean rollBack, Masker masker) throws InterruptedException {
        Instant now = Instant.now();
        Incident incident = Incident.fromReport(report, now.minusMillis(report.elapsedMs()), now);
        try {
            DeploymentsAction.healthFailed(ctx.get(Run.class), incident);
            if (!rollBack) {
                return "";
            }
            RollbackReport r = run(ctx, new AutoRollbackStep(), incident, masker);
            if (r.status() == RollbackReport.Status.ROLLED_BACK || r.status() == RollbackReport.Status.ALREADY_ROLLED_BACK) {
                ctx.setResult(Result.FAILURE);
            }
            return "\n" + r.summaryLine();
        } catch (IOException | RuntimeException e) {
            return "\nautoRollback (rollbackOnFailure) could not run: " + masker.describe(e);
        }
    }

    @Extension
    @Symbol("autoRollback")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "autoRollback";
        }

        @Override
        public String getDisplayName() {
            return "Roll back this build's releases (router back to the previous colour, or the previous image), verified";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class, FilePath.class, Launcher.class, EnvVars.class);
        }
    }
}
