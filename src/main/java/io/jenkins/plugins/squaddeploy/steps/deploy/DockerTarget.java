package io.jenkins.plugins.squaddeploy.steps.deploy;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code dockerTarget(ports: 'blue=8001,green=8002', env: ['LOG_LEVEL=info'], network: 'host', volumes: [...])}:
 * plain containers named {@code <service>-<instance>}, started with {@code docker run}.
 */
public class DockerTarget extends DeployTarget {
    private static final long serialVersionUID = 1L;

    private List<String> env = new ArrayList<>();
    private String network = "host";
    private List<String> volumes = new ArrayList<>();

    @DataBoundConstructor
    public DockerTarget() {
    }

    public List<String> getEnv() {
        return env;
    }

    /** Container environment as {@code NAME=value}; the values reach docker through its environment, never its command line. */
    @DataBoundSetter
    public void setEnv(List<String> env) {
        this.env = env == null ? new ArrayList<>() : new ArrayList<>(env);
    }

    public String getNetwork() {
        return network;
    }

    @DataBoundSetter
    public void setNetwork(String network) {
        this.network = network == null || network.isBlank() ? "host" : network.strip();
    }

    public List<String> getVolumes() {
        return volumes;
    }

    @DataBoundSetter
    public void setVolumes(List<String> volumes) {
        this.volumes = volumes == null ? new ArrayList<>() : new ArrayList<>(volumes);
    }

    @Override
    protected void applyOwn(DeployRequest.Builder b) {
        b.docker(env, network, volumes);
    }

    @Extension
    @Symbol("dockerTarget")
    public static class DescriptorImpl extends DeployTargetDescriptor {
        @Override
        public String getDisplayName() {
            return "Docker containers";
        }
    }
}
