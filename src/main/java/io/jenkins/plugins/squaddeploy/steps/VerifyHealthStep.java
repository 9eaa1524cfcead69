package io.jenkins.plugins.squaddeploy.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.health.HealthVerifier;
import io.jenkins.plugins.squaddeploy.engine.health.VerifyOptions;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import io.jenkins.plugins.squaddeploy.steps.health.HealthCheck;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * {@code verifyHealth checks: [httpCheck(...), postgresCheck(...), ...]}: runs the checks concurrently
 * with retries until they pass or the deadline comes, and returns the result as a map. On failure the
 * build fails with an {@link AbortException} naming each failing check, unless {@code failOnError: false}.
 */
public class VerifyHealthStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<HealthCheck> checks;
    private int attempts = VerifyOptions.DEFAULT_ATTEMPTS;
    private int interval = VerifyOptions.DEFAULT_INTERVAL_S;
    private int timeout = VerifyOptions.DEFAULT_TIMEOUT_S;
    private int deadline = VerifyOptions.DEFAULT_DEADLINE_S;
    private int successThreshold = 1;
    private int failureThreshold = 0;
    private boolean failOnError = true;
    private int watch = 0;
    private int failureLimit = 0;
    private int consecutiveErrorLimit = VerifyOptions.DEFAULT_CONSECUTIVE_ERROR_LIMIT;
    private int inconclusiveLimit = 0;
    private boolean rollbackOnFailure = false;

    @DataBoundConstructor
    public VerifyHealthStep(List<HealthCheck> checks) {
        this.checks = checks == null ? new ArrayList<>() : new ArrayList<>(checks);
    }

    public List<HealthCheck> getChecks() {
        return checks;
    }

    public int getAttempts() {
        return attempts;
    }

    @DataBoundSetter
    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public int getInterval() {
        return interval;
    }

    @DataBoundSetter
    public void setInterval(int interval) {
        this.interval = interval;
    }

    public int getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(int timeout) {
        this.timeout = timeout;
    }

    public int getDeadline() {
        return deadline;
    }

    @DataBoundSetter
    public void setDeadline(int deadline) {
        this.deadline = deadline;
    }

    public int getSuccessThreshold() {
        return successThreshold;
    }

    @DataBoundSetter
    public void setSuccessThreshold(int successThreshold) {
        this.successThreshold = successThreshold;
    }

    public int getFailureThreshold() {
        return failureThreshold;
    }

    @DataBoundSetter
    public void setFailureThreshold(int failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    @DataBoundSetter
    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    public int getWatch() {
        return watch;
    }

    /** Seconds to keep measuring every check (a watch window, e.g. 900 after a switch); 0 = until healthy. */
    @DataBoundSetter
    public void setWatch(int watch) {
        this.watch = watch;
    }

    public int getFailureLimit() {
        return failureLimit;
    }

    @DataBoundSetter
    public void setFailureLimit(int failureLimit) {
        this.failureLimit = failureLimit;
    }

    public int getConsecutiveErrorLimit() {
        return consecutiveErrorLimit;
    }

    @DataBoundSetter
    public void setConsecutiveErrorLimit(int consecutiveErrorLimit) {
        this.consecutiveErrorLimit = consecutiveErrorLimit;
    }

    public int getInconclusiveLimit() {
        return inconclusiveLimit;
    }

    @DataBoundSetter
    public void setInconclusiveLimit(int inconclusiveLimit) {
        this.inconclusiveLimit = inconclusiveLimit;
    }

    public boolean isRollbackOnFailure() {
        return rollbackOnFailure;
    }

    /** When a check fails: run autoRollback (this build's releases) before failing; see AutoRollbackStep. */
    @DataBoundSetter
    public void setRollbackOnFailure(boolean rollbackOnFailure) {
        this.rollbackOnFailure = rollbackOnFailure;
    }

    /** The first console line: what the step will do. */
    String describe() {
        String n = checks.size() + " check(s)";
        return watch > 0 ? "watch " + n + " for " + watch + " s, every " + interval + " s (failureLimit " + failureLimit + ")"
                : "verify " + n + " until healthy: up to " + attempts + " attempt(s) each, deadline " + deadline + " s";
    }

    VerifyOptions options() {
        return VerifyOptions.ofSeconds(attempts, interval, timeout, deadline, successThreshold, failureThreshold)
                .withWatch(watch, failureLimit, consecutiveErrorLimit, inconclusiveLimit);
    }

    List<CheckSpec> specs(SecretSource secrets) throws java.io.IOException, InterruptedException {
        List<CheckSpec> specs = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            HealthCheck c = checks.get(i);
            if (c == null) {
                throw new ParameterException("checks[" + i + "]", "the check is empty", "httpCheck(…), tcpCheck(…), postgresCheck(…), redisCheck(…) or commandCheck(…)");
            }
            specs.add(c.toSpec("checks[" + i + "]", secrets));
        }
        return CheckSpecs.uniqueNames(specs);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(context, this);
    }

    /**
     * Runs off the CPS thread. Survives a controller restart: the deadline is kept as wall-clock time,
     * so after {@link #onResume()} the checks start again with only the time that is left.
     */
    static final class Execution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        private final VerifyHealthStep step;
        private long startedAtMillis;

        Execution(StepContext context, VerifyHealthStep step) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            startedAtMillis = System.currentTimeMillis();
            run(this::verify);
            return false;
        }

        @Override
        public void onResume() {
            run(this::verify);
        }

        private void verify() throws Exception {
            StepContext ctx = getContext();
            TaskListener listener = ctx.get(TaskListener.class);
            Masker masker = new Masker();
            ListenerConsoleLog log = new ListenerConsoleLog(listener, masker);
            StepConsole console = StepConsole.start(log, "verifyHealth", step.describe());
            Instant startedAt = console.startedAt();
            try {
                VerifyOptions options = step.options();
                long away = System.currentTimeMillis() - startedAtMillis;
                Duration left = options.deadline().minusMillis(away);
                if (options.watching()) {
                    // After a restart a watch window watches for the rest of the window; when the window ended
                    // while Jenkins was down, one measurement decides (the service was not observed meanwhile).
                    long watchLeftMs = Math.max(1, options.watch().toMillis() - away);
                    options = options.withWatch(watchLeftMs / 1000.0, step.failureLimit, step.consecutiveErrorLimit, step.inconclusiveLimit);
                    left = options.watch().plus(options.timeout());
                } else if (left.isNegative() || left.isZero()) {
                    throw new AbortException("verifyHealth: the deadline of " + step.deadline + " s passed while Jenkins was restarting");
                }
                List<CheckSpec> specs = step.specs(new JenkinsSecretSource(ctx.get(Run.class), masker));
                FilePath workspace = ctx.get(FilePath.class);
                Launcher launcher = ctx.get(Launcher.class);
                ToolOutputs tools = new ToolOutputs(new LauncherCommandRunner(launcher, workspace, ctx.get(EnvVars.class)));
                HealthVerifier verifier = new HealthVerifier(new AgentProbeRunner(workspace, tools), log, masker);
                HealthReport report = verifier.run(specs, options.withDeadline(left));
                // the checks' event first, so that a rollback (rollbackOnFailure) follows it in the report
                BuildReport.add(ctx, log, tools.addTo(ReportEvents.health("verifyHealth", startedAt, report, options.watching(),
                        step.rollbackOnFailure && !report.healthy() ? "rollbackOnFailure: autoRollback runs now (next event)" : ""), "command checks")
                        .finish(), masker);
                String rolledBack = report.healthy() ? "" : AutoRollbackStep.afterFailedHealth(ctx, report, step.rollbackOnFailure, masker);
                String outcome = report.healthy() ? "healthy: all " + report.checks().size() + " check(s) passed"
                        : report.status().toLowerCase(java.util.Locale.ROOT) + ": " + report.failed().size() + " of " + report.checks().size()
                        + " check(s) did not pass (" + String.join(", ", report.failed().stream().map(c -> c.name()).toList()) + ")"
                        + (rolledBack.isBlank() ? "" : "; " + rolledBack.strip());
                if (report.healthy()) {
                    console.ok(outcome);
                } else {
                    console.failed(outcome);
                }
                if (!report.healthy() && step.failOnError) {
                    ctx.onFailure(new AbortException(masker.mask("verifyHealth " + ("INCONCLUSIVE".equals(report.status()) ? "inconclusive" : "failed")
                            + ": " + report.failed().size() + " of " + report.checks().size() + " check(s) did not pass\n" + report.failureSummary() + rolledBack)));
                } else {
                    ctx.onSuccess(report.toMap());
                }
            } catch (ParameterException | AbortException e) {
                String message = e instanceof ParameterException ? "verifyHealth: " + e.getMessage() : e.getMessage();
                BuildReport.add(ctx, log, ReportEvents.failed(step.watch > 0 ? "watch" : "health", "verifyHealth", startedAt, "verifyHealth", message)
                        .finish(), masker);
                console.failed(message);
                ctx.onFailure(new AbortException(masker.mask(message)));
            }
        }
    }

    @Extension
    @Symbol("verifyHealth")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "verifyHealth";
        }

        @Override
        public String getDisplayName() {
            return "Verify service health (HTTP/JSON, TCP, PostgreSQL, Redis, command)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class, FilePath.class, Launcher.class, EnvVars.class);
        }
    }
}
