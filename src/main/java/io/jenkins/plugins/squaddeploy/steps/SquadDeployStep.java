package io.jenkins.plugins.squaddeploy.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.deploy.OldColour;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.RouterHandover;
import io.jenkins.plugins.squaddeploy.engine.deploy.SquadDeployer;
import io.jenkins.plugins.squaddeploy.engine.deploy.Strategy;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrator;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.StopTimer;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchSpecs;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.steps.deploy.DeployTarget;
import io.jenkins.plugins.squaddeploy.steps.deploy.OrchestratedTarget;
import io.jenkins.plugins.squaddeploy.steps.traffic.RouterConfig;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code squadDeploy service: 'shop', image: 'squad-api:2.0.0', strategy: 'blueGreen', target: dockerTarget(ports: 'blue=8001,green=8002')}:
 * releases an image to Docker Compose or Docker by blue-green, rolling or recreate, and returns the release record
 * as a map. Wrong parameters, a missing compose file, a Docker daemon that does not answer or a lock held too long
 * fail the build before anything changes; a release that fails its healthcheck never gets traffic.
 *
 * <p>With a {@code router} (blueGreenSwitch's {@code nginxRouter(…)}/{@code haproxyRouter(…)}) a healthy, migrated
 * blue-green release is handed to the router at once: switched, verified through {@code publicUrl} from the agent,
 * switched back when that fails; the old colour is stopped after {@code stopOldAfter} seconds unless
 * {@code keepOldColour}, exactly as blueGreenSwitch does it.
 */
public class SquadDeployStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String service;
    private final String image;
    private String version;
    private String environment = DeployRequest.DEFAULT_ENVIRONMENT;
    private String strategy = Strategy.BLUE_GREEN.id();
    private boolean strategyGiven;
    private List<String> images = new ArrayList<>();
    private DeployTarget target;
    private int replicas;
    private int healthTimeout = DeployRequest.DEFAULT_HEALTH_TIMEOUT_S;
    private List<String> migration = new ArrayList<>();
    private int migrationTimeout = DeployRequest.DEFAULT_MIGRATION_TIMEOUT_S;
    private String stateDir;
    private int lockTimeout = DeployRequest.DEFAULT_LOCK_TIMEOUT_S;
    private String imageSource = "auto";
    private String buildContext;
    private String dockerfile;
    private List<String> buildArgs = new ArrayList<>();
    private List<String> labels = new ArrayList<>();
    private String upstreamHost = "127.0.0.1";
    private RouterConfig router;
    private String publicUrl;
    private String versionPath = SwitchSpecs.DEFAULT_VERSION_PATH;
    private int verifyDeadline = SwitchSpecs.DEFAULT_VERIFY_DEADLINE_S;
    private int samples = SwitchSpecs.DEFAULT_SAMPLES;
    private int stopOldAfter = SwitchSpecs.DEFAULT_STOP_OLD_AFTER_S;
    private boolean keepOldColour;

    @DataBoundConstructor
    public SquadDeployStep(String service, String image) {
        this.service = service;
        this.image = image;
    }

    public String getService() {
        return service;
    }

    public String getImage() {
        return image;
    }

    public String getVersion() {
        return version;
    }

    @DataBoundSetter
    public void setVersion(String version) {
        this.version = blankToNull(version);
    }

    public String getEnvironment() {
        return environment;
    }

    @DataBoundSetter
    public void setEnvironment(String environment) {
        this.environment = environment == null || environment.isBlank() ? DeployRequest.DEFAULT_ENVIRONMENT : environment.strip();
    }

    public String getStrategy() {
        return strategy;
    }

    @DataBoundSetter
    public void setStrategy(String strategy) {
        this.strategy = strategy;
        this.strategyGiven = strategy != null && !strategy.isBlank();
    }

    public List<String> getImages() {
        return images;
    }

    /** Orchestrated targets: images of single units that differ from {@code image}, as {@code unit=image}. */
    @DataBoundSetter
    public void setImages(List<String> images) {
        this.images = images == null ? new ArrayList<>() : new ArrayList<>(images);
    }

    public DeployTarget getTarget() {
        return target;
    }

    @DataBoundSetter
    public void setTarget(DeployTarget target) {
        this.target = target;
    }

    public int getReplicas() {
        return replicas;
    }

    /** rolling: how many replicas; 0 (default): as many as run now, at least 1. */
    @DataBoundSetter
    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public int getHealthTimeout() {
        return healthTimeout;
    }

    @DataBoundSetter
    public void setHealthTimeout(int healthTimeout) {
        this.healthTimeout = healthTimeout;
    }

    public List<String> getMigration() {
        return migration;
    }

    @DataBoundSetter
    public void setMigration(List<String> migration) {
        this.migration = migration == null ? new ArrayList<>() : new ArrayList<>(migration);
    }

    public int getMigrationTimeout() {
        return migrationTimeout;
    }

    @DataBoundSetter
    public void setMigrationTimeout(int migrationTimeout) {
        this.migrationTimeout = migrationTimeout;
    }

    public String getStateDir() {
        return stateDir;
    }

    @DataBoundSetter
    public void setStateDir(String stateDir) {
        this.stateDir = blankToNull(stateDir);
    }

    public int getLockTimeout() {
        return lockTimeout;
    }

    @DataBoundSetter
    public void setLockTimeout(int lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public String getImageSource() {
        return imageSource;
    }

    @DataBoundSetter
    public void setImageSource(String imageSource) {
        this.imageSource = imageSource == null || imageSource.isBlank() ? "auto" : imageSource.strip();
    }

    public String getBuildContext() {
        return buildContext;
    }

    @DataBoundSetter
    public void setBuildContext(String buildContext) {
        this.buildContext = blankToNull(buildContext);
    }

    public String getDockerfile() {
        return dockerfile;
    }

    @DataBoundSetter
    public void setDockerfile(String dockerfile) {
        this.dockerfile = blankToNull(dockerfile);
    }

    public List<String> getBuildArgs() {
        return buildArgs;
    }

    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) {
        this.buildArgs = buildArgs == null ? new ArrayList<>() : new ArrayList<>(buildArgs);
    }

    public List<String> getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(List<String> labels) {
        this.labels = labels == null ? new ArrayList<>() : new ArrayList<>(labels);
    }

    public String getUpstreamHost() {
        return upstreamHost;
    }

    @DataBoundSetter
    public void setUpstreamHost(String upstreamHost) {
        this.upstreamHost = upstreamHost == null || upstreamHost.isBlank() ? "127.0.0.1" : upstreamHost.strip();
    }

    public RouterConfig getRouter() {
        return router;
    }

    /** blueGreen: hand the healthy release to this router (nginxRouter(…) or haproxyRouter(…), as blueGreenSwitch takes them). */
    @DataBoundSetter
    public void setRouter(RouterConfig router) {
        this.router = router;
    }

    public String getPublicUrl() {
        return publicUrl;
    }

    @DataBoundSetter
    public void setPublicUrl(String publicUrl) {
        this.publicUrl = blankToNull(publicUrl);
    }

    public String getVersionPath() {
        return versionPath;
    }

    @DataBoundSetter
    public void setVersionPath(String versionPath) {
        this.versionPath = versionPath == null || versionPath.isBlank() ? SwitchSpecs.DEFAULT_VERSION_PATH : versionPath.strip();
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

    /** The first console line: what the step will do. */
    String describe() {
        String t = target == null ? "no target" : target.getClass().getSimpleName().replace("Target", "").toLowerCase(java.util.Locale.ROOT);
        return "release " + service + " " + (version != null ? version + " (" + image + ")" : image) + " to " + environment + " (" + strategy + ", " + t
                + (router == null ? "" : ", then switch " + router.getClass().getSimpleName().replace("RouterConfig", "").toLowerCase(java.util.Locale.ROOT)) + ")";
    }

    /** What one call asked for, validated: the engine request and, with a router, the hand-over. */
    record Plan(DeployRequest request, RouterHandover handover) {
    }

    /**
     * Every parameter validated, the first bad one as a ParameterException: the deploy parameters in the engine
     * request, then the router and the switch settings (blueGreenSwitch's rules). With a router and no
     * {@code stateDir}, the state directory is the one beside the router's configuration.
     */
    Plan plan(String buildUrl) {
        DeployRequest.Builder b = builder(buildUrl);
        DeployRequest request = b.build();
        RouterHandover handover = RouterHandover.of(UnaryOperator.identity(), request, router == null ? null : router.toSpec("router", request.service()),
                publicUrl, versionPath, verifyDeadline, samples, stopOldAfter, keepOldColour);
        if (handover == null) {
            return new Plan(request, null);
        }
        b.switchSettings(handover.settings());
        if (stateDir == null) {
            b.stateDir(handover.defaultStateDir(request.environment()));
        }
        return new Plan(b.build(), handover);
    }

    /**
     * With an orchestrated target ({@link OrchestratedTarget}: Swarm, Kubernetes, Helm): the request for its
     * orchestrator, validated; parameters only the compose/docker deployer uses are refused by name.
     */
    OrchestratedRequest orchestratedRequest(String buildUrl) {
        OrchestratedTarget t = (OrchestratedTarget) target;
        String unused = router != null ? "router" : !migration.isEmpty() ? "migration" : replicas != 0 ? "replicas"
                : !"auto".equals(imageSource) && !"local".equals(imageSource) ? "imageSource" : buildContext != null ? "buildContext"
                : dockerfile != null ? "dockerfile" : !buildArgs.isEmpty() ? "buildArgs" : publicUrl != null ? "publicUrl" : null;
        if (unused != null) {
            throw new ParameterException(unused, unused + " is not used with an orchestrated target (the orchestrator performs the rollout)",
                    "no " + unused + " with " + symbol(t) + " (set replicas and the like on the service or in the stack file)");
        }
        return OrchestratedRequest.of(service, environment, image, version, images, strategyGiven ? strategy : null, healthTimeout, buildUrl, t.spec("target"));
    }

    /** The engine request: every parameter validated there, the first bad one as a ParameterException. */
    DeployRequest request(String buildUrl) {
        return plan(buildUrl).request();
    }

    private DeployRequest.Builder builder(String buildUrl) {
        if (!images.isEmpty()) {
            throw new ParameterException("images", "images are for orchestrated targets (swarmTarget …) only", "image alone with "
                    + (target == null ? "dockerTarget" : symbol(target)));
        }
        DeployRequest.Builder b = DeployRequest.builder().service(service).image(image).version(version).environment(environment)
                .strategy(strategy).replicas(replicas == 0 ? null : replicas).healthTimeoutSeconds(healthTimeout).migration(migration)
                .migrationTimeoutSeconds(migrationTimeout).stateDir(stateDir).lockTimeoutSeconds(lockTimeout).buildUrl(buildUrl)
                .imageSource(imageSource).buildContext(buildContext).dockerfile(dockerfile).buildArgs(buildArgs).labels(labels)
                .upstreamHost(upstreamHost);
        if (target != null) {
            target.applyTo(b);
        }
        return b;
    }

    /** {@code swarmTarget} for SwarmTarget: the name the user wrote. */
    private static String symbol(DeployTarget t) {
        String n = t.getClass().getSimpleName();
        return Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(context, this);
    }

    /**
     * Runs off the CPS thread; docker and compose run through the agent's launcher, file work (state file, lock)
     * on the agent, and with a router every router file, admin-socket command and verification sample on the agent
     * too ({@link AgentRouterHost}). The deploy itself is not resumable: one cut by a controller restart fails the
     * step, saying where to look. The wait before the old colour is stopped holds no thread: the time to stop at is
     * a field of this (serialised) execution and a timer wakes it, as blueGreenSwitch does; after a restart
     * {@link #onResume()} schedules it again for the time that is left.
     */
    static final class Execution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        static final String DEPLOYING = "deploying";
        static final String WAITING = "waiting";
        static final String STOPPING = "stopping";
        static final String DONE = "done";

        private final SquadDeployStep step;
        private volatile String phase = DEPLOYING;
        private LinkedHashMap<String, Object> result;
        private String outcome;
        private OldColour oldColour;
        private String newColour;
        private long stopAtMillis;
        private long startedAtMillis;
        private transient volatile StopTimer.Handle timer;

        Execution(StepContext context, SquadDeployStep step) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            startedAtMillis = System.currentTimeMillis();
            run(this::deploy);
            return false;
        }

        /** What one block needs from the build: where docker, the files and the router are, and where lines go. */
        private final class Build {
            final Masker masker = new Masker();
            final ConsoleLog log;
            final EnvVars env;
            final FilePath workspace;
            final CommandRunner commands;
            final ToolOutputs tools;
            final RouterHost host;

            Build() throws IOException, InterruptedException {
                StepContext ctx = getContext();
                log = new ListenerConsoleLog(ctx.get(TaskListener.class), masker);
                env = ctx.get(EnvVars.class);
                workspace = ctx.get(FilePath.class);
                tools = new ToolOutputs(new LauncherCommandRunner(ctx.get(Launcher.class), workspace, env));
                commands = tools;
                host = new AgentRouterHost(workspace);
            }

            DockerClient docker() {
                return new DockerClient(commands);
            }

            TrafficRouter router(RouterHandover h, String service) {
                return h.router().create(service, host, commands, log);
            }
        }

        private void deploy() throws Exception {
            StepContext ctx = getContext();
            Build b = new Build();
            StepConsole.start(b.log, "squadDeploy", step.describe());
            Instant startedAt = Instant.ofEpochMilli(startedAtMillis);
            try {
                Run<?, ?> run = ctx.get(Run.class);
                String buildUrl = b.env == null ? null : b.env.get("BUILD_URL");
                if (buildUrl == null || buildUrl.isBlank()) {
                    buildUrl = run == null ? null : run.getUrl();
                }
                if (step.target instanceof OrchestratedTarget) {
                    OrchestratedRequest req = step.orchestratedRequest(buildUrl);
                    Orchestrator orchestrator = Orchestrators.of(req.spec(), new OrchestratorContext(b.commands, b.log, b.masker,
                            new JenkinsSecretSource(run, b.masker), b.host));
                    OrchestratedRelease released = orchestrator.deploy(req);
                    DeploymentsAction.orchestrated(run, released); // what autoRollback() undoes
                    result = new LinkedHashMap<>(released.toMap());
                    BuildReport.add(ctx, b.log, b.tools.addTo(ReportEvents.orchestrated("squadDeploy", startedAt, released), released.kind()).finish(), b.masker);
                    outcome = "released " + released.service() + " " + released.version() + " to " + released.kind() + " ("
                            + released.changedUnits().size() + " unit(s) changed)";
                    finish(b);
                    return;
                }
                Plan plan = step.plan(buildUrl);
                SquadDeployer deployer = new SquadDeployer(b.docker(), new AgentDeployFiles(b.workspace), b.log, b.masker);
                SwitchResult[] switched = new SwitchResult[1];
                if (plan.handover() != null) {
                    TrafficRouter router = b.router(plan.handover(), plan.request().service());
                    SquadDeployer.Handover toRouter = new BlueGreenSwitcher(router, b.host, b.log, b.masker)::switchTo;
                    deployer.withHandover(router, request -> switched[0] = toRouter.switchTo(request));
                }
                ReleaseRecord record = deployer.deploy(plan.request());
                DeploymentsAction.released(run, plan.request(), record, plan.handover() == null ? null : plan.handover().router()); // what autoRollback() undoes
                result = new LinkedHashMap<>(record.toMap());
                BuildReport.add(ctx, b.log, b.tools.addTo(ReportEvents.deployed("squadDeploy", startedAt, record), "docker").finish(), b.masker);
                if (switched[0] != null) {
                    SwitchResult sw = switched[0];
                    Instant swStart = sw.verifiedAt() == null ? Instant.now() : sw.verifiedAt().minusMillis(sw.switchMillis());
                    BuildReport.add(ctx, b.log, ReportEvents.switched("squadDeploy", swStart, record.service(), plan.handover().router().describe(), sw,
                            record.version()).finishedAt(sw.verifiedAt()).finish(), b.masker);
                }
                outcome = "released " + record.service() + " " + record.version() + (record.colour() == null ? "" : " to " + record.colour())
                        + (switched[0] != null && switched[0].switched() ? "; traffic moved from " + (switched[0].from() == null ? "no colour" : switched[0].from())
                        + " to " + switched[0].to() + ", verified" : "");
                if (plan.handover() == null) {
                    finish(b);
                    return;
                }
                result.put("traffic", switched[0] == null ? null : new LinkedHashMap<>(switched[0].toMap()));
                result.put("oldColourStopped", false);
                OldColour old = OldColour.after(record, switched[0]);
                if (old == null) {
                    finish(b);
                    return;
                }
                if (plan.handover().keepOldColour()) {
                    b.log.info("squadDeploy: keepOldColour: " + old.colour() + " (" + old.version() + ") keeps running (" + old.describe() + " is left to you)");
                    finish(b);
                    return;
                }
                oldColour = old;
                newColour = record.colour();
                stopAtMillis = System.currentTimeMillis() + plan.handover().stopOldAfter().toMillis();
                phase = WAITING;
                b.log.info("squadDeploy: " + old.colour() + " (" + old.version() + ") keeps running for " + plan.handover().stopOldAfter().toSeconds()
                        + " s, for a quick rollback, until " + Instant.ofEpochMilli(stopAtMillis).truncatedTo(ChronoUnit.SECONDS) + "; then: "
                        + old.describe() + ". Abort this step to keep it running.");
                ctx.saveState();
                scheduleStop();
            } catch (ParameterException e) {
                fail(b, "squadDeploy: " + e.getMessage());
            } catch (DeployException e) {
                fail(b, "squadDeploy failed: " + e.getMessage());
            } catch (RouterException e) {
                fail(b, "squadDeploy: " + e.getMessage());
            }
        }

        private void scheduleStop() {
            timer = StopTimer.at(stopAtMillis, () -> run(this::stopOldColour));
        }

        private void stopOldColour() throws Exception {
            phase = STOPPING;
            Build b = new Build();
            RouterHandover h = step.plan(null).handover();
            String service = (String) result.get("service");
            String active = b.router(h, service).activeColour();
            if (!newColour.equals(active)) {
                b.log.warn("squadDeploy: " + oldColour.colour() + " is not stopped: " + service + " goes to " + (active == null ? "no known colour" : active)
                        + " now, not " + newColour + " (switched back meanwhile?)");
                finish(b);
                return;
            }
            try {
                oldColour.stop(b.docker(), b.log, "squadDeploy");
                result.put("oldColourStopped", true);
                outcome = (outcome == null ? "released" : outcome) + "; " + oldColour.colour() + " stopped";
            } catch (IOException e) {
                // The release and the switch succeeded: failing the build now would invite a rollback of a good release.
                b.log.warn("squadDeploy: " + service + " runs on " + newColour + ", but stopping " + oldColour.colour() + " failed: " + b.masker.describe(e));
                result.put("oldColourStopError", b.masker.mask(String.valueOf(e.getMessage())));
            }
            finish(b);
        }

        /** The last line (outcome and duration), then the step's result. */
        private void finish(Build b) {
            phase = DONE;
            StepConsole.since(b.log, "squadDeploy", Instant.ofEpochMilli(startedAtMillis)).ok(outcome == null ? "done" : outcome);
            getContext().onSuccess(result);
        }

        private void fail(Build b, String message) throws InterruptedException {
            phase = DONE;
            BuildReport.add(getContext(), b.log, b.tools.addTo(ReportEvents.failed("deploy", "squadDeploy", Instant.ofEpochMilli(startedAtMillis),
                    "release of " + step.service + " " + (step.version != null ? step.version : step.image), message), "docker").finish(), b.masker);
            StepConsole.since(b.log, "squadDeploy", Instant.ofEpochMilli(startedAtMillis)).failed(message);
            getContext().onFailure(new AbortException(b.masker.mask(message)));
        }

        @Override
        public void onResume() {
            String p = phase;
            if (WAITING.equals(p)) {
                try {
                    new Build().log.info("squadDeploy: resumed after a restart; " + oldColour.colour() + " is stopped at "
                            + Instant.ofEpochMilli(stopAtMillis).truncatedTo(ChronoUnit.SECONDS)
                            + " (in " + Math.max(0, (stopAtMillis - System.currentTimeMillis()) / 1000) + " s)");
                } catch (IOException | InterruptedException e) {
                    // the log line is a courtesy; the timer is what matters
                }
                scheduleStop();
            } else if (STOPPING.equals(p)) {
                run(this::stopOldColour);
            } else if (!DONE.equals(p)) {
                getContext().onFailure(new AbortException("squadDeploy: Jenkins restarted while " + step.environment + "/" + step.service
                        + " was being deployed; the deploy did not finish. "
                        + (step.target instanceof OrchestratedTarget ? "The orchestrator may still be rolling it out: it says what runs (e.g. docker service ps,"
                        + " kubectl rollout status); nothing was recorded for autoRollback. Deploy again when ready."
                        : "The target says what runs: the containers' io.squad-deploy.* labels and "
                        + "the state file (stateDir)" + (step.router == null ? "" : ", and the router which colour gets the traffic")
                        + "; the deploy lock frees itself within 90 s. Deploy again when ready.")));
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
                    new Build().log.info("squadDeploy: stopped while waiting: " + oldColour.colour() + " keeps running");
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
                return "waiting until " + Instant.ofEpochMilli(stopAtMillis).truncatedTo(ChronoUnit.SECONDS) + " to stop the old colour " + oldColour.colour();
            }
            return super.getStatus();
        }
    }

    @Extension
    @Symbol("squadDeploy")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "squadDeploy";
        }

        @Override
        public String getDisplayName() {
            return "Release an image to Docker Compose or Docker (blue-green, rolling, recreate), or to an orchestrator (Docker Swarm)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class, FilePath.class, Launcher.class, EnvVars.class);
        }
    }
}
