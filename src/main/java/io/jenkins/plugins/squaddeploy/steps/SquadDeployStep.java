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
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.SquadDeployer;
import io.jenkins.plugins.squaddeploy.engine.deploy.Strategy;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.steps.deploy.DeployTarget;
import java.io.Serializable;
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
 * {@code squadDeploy service: 'shop', image: 'squad-api:2.0.0', strategy: 'blueGreen', target: dockerTarget(ports: 'blue=8001,green=8002')}:
 * releases an image to Docker Compose or Docker by blue-green, rolling or recreate, and returns the release record
 * as a map. Wrong parameters, a missing compose file, a Docker daemon that does not answer or a lock held too long
 * fail the build before anything changes; a release that fails its healthcheck never gets traffic.
 */
public class SquadDeployStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String service;
    private final String image;
    private String version;
    private String environment = DeployRequest.DEFAULT_ENVIRONMENT;
    private String strategy = Strategy.BLUE_GREEN.id();
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
    // TODO(blueGreenSwitch, issue 3): a `router` parameter taking the router describables of blueGreenSwitch
    //  (nginxRouter(...)/haproxyRouter(...) in steps/BlueGreenSwitchStep, not in the repository yet), plus the
    //  switch verification settings (public health URL, version JSON path, verify deadline, samples). The engine
    //  side is ready: SquadDeployer.withRouter(TrafficRouter) hands a healthy, migrated colour to
    //  BlueGreenSwitcher.switchTo(SwitchRequest) (DeployRequest.SwitchSettings), and the default state directory
    //  should then be the router config's directory. Until then the step always returns after the health check
    //  (and migration) with trafficSwitched: false, and the pipeline switches with blueGreenSwitch.

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

    /** The engine request: every parameter validated there, the first bad one as a ParameterException. */
    DeployRequest request(String buildUrl) {
        DeployRequest.Builder b = DeployRequest.builder().service(service).image(image).version(version).environment(environment)
                .strategy(strategy).replicas(replicas == 0 ? null : replicas).healthTimeoutSeconds(healthTimeout).migration(migration)
                .migrationTimeoutSeconds(migrationTimeout).stateDir(stateDir).lockTimeoutSeconds(lockTimeout).buildUrl(buildUrl)
                .imageSource(imageSource).buildContext(buildContext).dockerfile(dockerfile).buildArgs(buildArgs).labels(labels)
                .upstreamHost(upstreamHost);
        if (target != null) {
            target.applyTo(b);
        }
        return b.build();
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
     * on the agent. Not resumable: a deploy cut by a controller restart fails the step, saying where to look.
     */
    static final class Execution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        private final SquadDeployStep step;

        Execution(StepContext context, SquadDeployStep step) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            run(this::deploy);
            return false;
        }

        @Override
        public void onResume() {
            getContext().onFailure(new AbortException("squadDeploy: Jenkins restarted while " + step.environment + "/" + step.service
                    + " was being deployed; the deploy did not finish. The target says what runs: the containers' io.squad-deploy.* labels and "
                    + "the state file (stateDir); the deploy lock frees itself within 90 s. Deploy again when ready."));
        }

        private void deploy() throws Exception {
            StepContext ctx = getContext();
            TaskListener listener = ctx.get(TaskListener.class);
            Masker masker = new Masker();
            try {
                EnvVars env = ctx.get(EnvVars.class);
                Run<?, ?> run = ctx.get(Run.class);
                String buildUrl = env == null ? null : env.get("BUILD_URL");
                if (buildUrl == null || buildUrl.isBlank()) {
                    buildUrl = run == null ? null : run.getUrl();
                }
                DeployRequest request = step.request(buildUrl);
                FilePath workspace = ctx.get(FilePath.class);
                Launcher launcher = ctx.get(Launcher.class);
                SquadDeployer deployer = new SquadDeployer(new DockerClient(new LauncherCommandRunner(launcher, workspace, env)),
                        new AgentDeployFiles(workspace), new ListenerConsoleLog(listener, masker), masker);
                ReleaseRecord record = deployer.deploy(request);
                ctx.onSuccess(record.toMap());
            } catch (ParameterException e) {
                ctx.onFailure(new AbortException(masker.mask("squadDeploy: " + e.getMessage())));
            } catch (DeployException e) {
                ctx.onFailure(new AbortException(masker.mask("squadDeploy failed: " + e.getMessage())));
            }
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
            return "Release an image to Docker Compose or Docker (blue-green, rolling, recreate)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class, FilePath.class, Launcher.class, EnvVars.class);
        }
    }
}
