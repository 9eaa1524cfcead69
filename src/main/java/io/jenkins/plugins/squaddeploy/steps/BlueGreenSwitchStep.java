package io.jenkins.plugins.squaddeploy.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.StopTimer;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchFailedException;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchPlan;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchSpecs;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.steps.traffic.Colour;
import io.jenkins.plugins.squaddeploy.steps.traffic.RouterConfig;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code blueGreenSwitch service: 'api', to: 'green', router: nginxRouter(…), colours: [colour(…), …], publicUrl: …,
 * expectVersion: '2.0.0'}: moves the service's traffic to a colour, proves it through the router's public address
 * and switches back when that fails; then stops the old colour after {@code stopOldAfter} seconds (unless
 * {@code keepOldColour}). Returns {@code [from:, to:, verifiedAt:, switchMillis:, switched:, oldColourStopped:]}.
 */
public class BlueGreenSwitchStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String service;
    private final String to;
    private final RouterConfig router;
    private List<Colour> colours = new ArrayList<>();
    private String publicUrl;
    private String expectVersion;
    private String versionPath = SwitchSpecs.DEFAULT_VERSION_PATH;
    private int verifyDeadline = SwitchSpecs.DEFAULT_VERIFY_DEADLINE_S;
    private int samples = SwitchSpecs.DEFAULT_SAMPLES;
    private int stopOldAfter = SwitchSpecs.DEFAULT_STOP_OLD_AFTER_S;
    private boolean keepOldColour;
    private boolean force;

    @DataBoundConstructor
    public BlueGreenSwitchStep(String service, String to, RouterConfig router) {
        this.service = service;
        this.to = to;
        this.router = router;
    }

    public String getService() {
        return service;
    }

    public String getTo() {
        return to;
    }

    public RouterConfig getRouter() {
        return router;
    }

    public List<Colour> getColours() {
        return colours;
    }

    @DataBoundSetter
    public void setColours(List<Colour> colours) {
        this.colours = colours == null ? new ArrayList<>() : new ArrayList<>(colours);
    }

    public String getPublicUrl() {
        return publicUrl;
    }

    @DataBoundSetter
    public void setPublicUrl(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    public String getExpectVersion() {
        return expectVersion;
    }

    @DataBoundSetter
    public void setExpectVersion(String expectVersion) {
        this.expectVersion = expectVersion;
    }

    public String getVersionPath() {
        return versionPath;
    }

    @DataBoundSetter
    public void setVersionPath(String versionPath) {
        this.versionPath = versionPath;
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

    public int getStopOldAfter() {
        return stopOldAfter;
    }

    @DataBoundSetter
    public void setStopOldAfter(int stopOldAfter) {
        this.stopOldAfter = stopOldAfter;
    }

    public boolean isKeepOldColour() {
        return keepOldColour;
    }

    @DataBoundSetter
    public void setKeepOldColour(boolean keepOldColour) {
        this.keepOldColour = keepOldColour;
    }

    public boolean isForce() {
        return force;
    }

    @DataBoundSetter
    public void setForce(boolean force) {
        this.force = force;
    }

    /** Every parameter validated, before anything is contacted or changed. */
    SwitchPlan plan() {
        String s = SwitchSpecs.service("service", service);
        List<ColourSpec> cs = new ArrayList<>();
        for (int i = 0; i < colours.size(); i++) {
            Colour c = colours.get(i);
            if (c == null) {
                throw new ParameterException("colours[" + i + "]", "the colour is empty", "colour(name: 'green', servers: ['127.0.0.1:8002'])");
            }
            cs.add(c.toSpec("colours[" + i + "]"));
        }
        return SwitchPlan.of(s, to, router == null ? null : router.toSpec("router", s), cs, publicUrl, expectVersion, versionPath,
                verifyDeadline, samples, stopOldAfter, keepOldColour, force);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(context, this);
    }

    /**
     * Switches and verifies on a background thread, never on the CPS VM thread. Waiting to stop the old colour
     * holds no thread at all: the wall-clock time to stop at is a field of this (serialised) execution and a timer
     * wakes it, as workflow-basic-steps' SleepStep does; after a controller restart {@link #onResume()} schedules it
     * again for the time that is left. Before stopping, the router is asked again: if it no longer sends traffic to
     * the new colour (someone switched back meanwhile), the old colour is left running.
     */
    static final class Execution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        static final String SWITCHING = "switching";
        static final String WAITING = "waiting";
        static final String STOPPING = "stopping";
        static final String DONE = "done";

        private final BlueGreenSwitchStep step;
        private long startedAtMillis;
        private volatile String phase = SWITCHING;
        private LinkedHashMap<String, Object> result;
        private String outcome;
        private String oldColour;
        private long stopAtMillis;
        private transient volatile StopTimer.Handle timer;

        Execution(StepContext context, BlueGreenSwitchStep step) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            startedAtMillis = System.currentTimeMillis();
            run(this::switchTraffic);
            return false;
        }

        /** What one block needs from the build: where the router is and where lines go. */
        private final class Build {
            final Masker masker = new Masker();
            final ConsoleLog log;
            final RouterHost host;
            final CommandRunner commands;
            final ToolOutputs tools;

            Build() throws IOException, InterruptedException {
                StepContext ctx = getContext();
                log = new ListenerConsoleLog(ctx.get(TaskListener.class), masker);
                FilePath workspace = ctx.get(FilePath.class);
                host = new AgentRouterHost(workspace);
                tools = new ToolOutputs(new LauncherCommandRunner(ctx.get(Launcher.class), workspace, ctx.get(EnvVars.class)));
                commands = tools;
                run = ctx.get(Run.class);
            }

            final Run<?, ?> run;

            /** The router, its credentials (a Kubernetes router's kubeconfig) looked up for this build and masked. */
            TrafficRouter router(SwitchPlan plan) throws IOException, InterruptedException {
                return plan.router().resolve(new JenkinsSecretSource(run, masker), masker).create(plan.service(), host, commands, log);
            }
        }

        private void switchTraffic() throws Exception {
            StepContext ctx = getContext();
            Build b = new Build();
            StepConsole.start(b.log, "blueGreenSwitch", "switch " + step.service + " to " + step.to + (step.expectVersion == null ? "" : " (expecting version "
                    + step.expectVersion + ")") + " through " + (step.router == null ? "no router" : step.router.getClass().getSimpleName()
                    .replace("RouterConfig", "").toLowerCase(java.util.Locale.ROOT)) + ", verified through the router");
            try {
                SwitchPlan plan = step.plan();
                SwitchResult r = new BlueGreenSwitcher(b.router(plan), b.host, b.log, b.masker)
                        .switchTo(plan.request(), plan.options().withStartedAt(Instant.ofEpochMilli(startedAtMillis)));
                DeploymentsAction.switched(ctx.get(Run.class), plan, r); // what autoRollback() undoes
                BuildReport.add(ctx, b.log, b.tools.addTo(ReportEvents.switched("blueGreenSwitch", Instant.ofEpochMilli(startedAtMillis), plan.service(),
                        plan.router().describe(), r, plan.request().expectedVersion()), "router commands").finish(), b.masker);
                outcome = r.switched() ? "traffic of " + plan.service() + " moved from " + (r.from() == null ? "no colour" : r.from()) + " to " + r.to()
                        + ", verified in " + r.switchMillis() + " ms" : plan.service() + " already routed to " + r.to() + "; nothing changed";
                result = new LinkedHashMap<>(r.toMap());
                result.put("oldColourStopped", false);
                ColourSpec old = r.switched() && r.from() != null && !r.from().equals(r.to()) ? plan.colour(r.from()) : null;
                if (old == null || old.stopper() == null) {
                    if (r.switched() && r.from() != null && !r.from().equals(r.to())) {
                        b.log.info("blueGreenSwitch: " + r.from() + " keeps running: no containers or compose service are given for it in colours");
                    }
                    finish(b);
                    return;
                }
                if (plan.keepOldColour()) {
                    b.log.info("blueGreenSwitch: keepOldColour: " + r.from() + " keeps running (" + old.stopper().describe() + " is left to you)");
                    finish(b);
                    return;
                }
                oldColour = r.from();
                stopAtMillis = System.currentTimeMillis() + plan.stopOldAfter().toMillis();
                phase = WAITING;
                b.log.info("blueGreenSwitch: " + oldColour + " keeps running for " + plan.stopOldAfter().toSeconds() + " s, for a quick rollback, until "
                        + Instant.ofEpochMilli(stopAtMillis).truncatedTo(ChronoUnit.SECONDS) + "; then: " + old.stopper().describe()
                        + ". Abort this step to keep it running.");
                ctx.saveState();
                scheduleStop();
            } catch (ParameterException e) {
                fail(b, "blueGreenSwitch: " + e.getMessage());
            } catch (RouterException e) {
                fail(b, "blueGreenSwitch: " + e.getMessage());
            } catch (SwitchFailedException e) {
                fail(b, e.getMessage());
            }
        }

        private void scheduleStop() {
            timer = StopTimer.at(stopAtMillis, () -> run(this::stopOldColour));
        }

        private void stopOldColour() throws Exception {
            phase = STOPPING;
            Build b = new Build();
            SwitchPlan plan = step.plan();
            String expected = (String) result.get("to");
            String active = b.router(plan).activeColour();
            if (!expected.equals(active)) {
                b.log.warn("blueGreenSwitch: " + oldColour + " is not stopped: " + plan.service() + " goes to "
                        + (active == null ? "no known colour" : active) + " now, not " + expected + " (switched back meanwhile?)");
                finish(b);
                return;
            }
            ColourSpec old = plan.colour(oldColour);
            try {
                old.stopper().stop(b.commands, b.log);
                result.put("oldColourStopped", true);
                outcome = (outcome == null ? "switched" : outcome) + "; " + oldColour + " stopped";
            } catch (IOException e) {
                // The switch itself succeeded: failing the build now would invite a rollback of a good release.
                b.log.warn("blueGreenSwitch: " + plan.service() + " runs on " + expected + ", but stopping " + oldColour + " failed: "
                        + b.masker.describe(e));
                result.put("oldColourStopError", b.masker.mask(e.getMessage()));
            }
            finish(b);
        }

        /** The last line (outcome and duration), then the step's result. */
        private void finish(Build b) {
            phase = DONE;
            StepConsole.since(b.log, "blueGreenSwitch", Instant.ofEpochMilli(startedAtMillis)).ok(outcome == null ? "done" : outcome);
            getContext().onSuccess(result);
        }

        private void fail(Build b, String message) throws InterruptedException {
            phase = DONE;
            BuildReport.add(getContext(), b.log, b.tools.addTo(ReportEvents.failed("switch", "blueGreenSwitch", Instant.ofEpochMilli(startedAtMillis),
                    "switch of " + step.service + " to " + step.to, message), "router commands").finish(), b.masker);
            StepConsole.since(b.log, "blueGreenSwitch", Instant.ofEpochMilli(startedAtMillis)).failed(message);
            getContext().onFailure(new AbortException(b.masker.mask(message)));
        }

        @Override
        public void onResume() {
            String p = phase;
            if (WAITING.equals(p)) {
                try {
                    new Build().log.info("blueGreenSwitch: resumed after a restart; " + oldColour + " is stopped at "
                            + Instant.ofEpochMilli(stopAtMillis).truncatedTo(ChronoUnit.SECONDS)
                            + " (in " + Math.max(0, (stopAtMillis - System.currentTimeMillis()) / 1000) + " s)");
                } catch (IOException | InterruptedException e) {
                    // the log line is a courtesy; the timer is what matters
                }
                scheduleStop();
            } else if (STOPPING.equals(p)) {
                run(this::stopOldColour);
            } else if (SWITCHING.equals(p)) {
                run(() -> {
                    Build b = new Build();
                    SwitchPlan plan = step.plan();
                    String active = b.router(plan).activeColour();
                    fail(b, "blueGreenSwitch: Jenkins restarted while switching " + plan.service() + " to " + plan.request().toColour()
                            + ", before it was verified; " + plan.router().describe() + " now routes to " + (active == null ? "no known colour" : active)
                            + ". Check the service and run the step again.");
                });
            }
        }

        @Override
        public void stop(Throwable cause) throws Exception {
            StopTimer.Handle t = timer;
            if (t != null) {
                t.cancel();
            }
            if (WAITING.equals(phase)) {
                try {
                    new Build().log.info("blueGreenSwitch: stopped while waiting: " + oldColour + " keeps running");
                } catch (IOException | InterruptedException | RuntimeException e) {
                    // nothing to add
                }
            }
            phase = DONE;
            super.stop(cause);
        }

        @Override
        public String getStatus() {
            if (WAITING.equals(phase)) {
                return "waiting until " + Instant.ofEpochMilli(stopAtMillis).truncatedTo(ChronoUnit.SECONDS) + " to stop the old colour " + oldColour;
            }
            return super.getStatus();
        }
    }

    @Extension
    @Symbol("blueGreenSwitch")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "blueGreenSwitch";
        }

        @Override
        public String getDisplayName() {
            return "Switch traffic between blue-green colours (nginx, HAProxy, Kubernetes Service), verified through the router";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class, FilePath.class, Launcher.class, EnvVars.class);
        }
    }
}
