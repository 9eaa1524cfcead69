package io.jenkins.plugins.squaddeploy.steps.traffic;

import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.DockerColourStopper;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchSpecs;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code colour(name: 'blue', servers: ['127.0.0.1:8001'], containers: ['api-blue'])}: one colour of the service,
 * its servers behind the router, and optionally the containers (or Compose service) to stop once it is old.
 */
public class Colour implements Describable<Colour>, Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final List<String> servers;
    private List<String> containers = new ArrayList<>();
    private String composeProject;
    private String composeService;

    @DataBoundConstructor
    public Colour(String name, List<String> servers) {
        this.name = name;
        this.servers = servers == null ? new ArrayList<>() : new ArrayList<>(servers);
    }

    public String getName() {
        return name;
    }

    public List<String> getServers() {
        return servers;
    }

    public List<String> getContainers() {
        return containers;
    }

    @DataBoundSetter
    public void setContainers(List<String> containers) {
        this.containers = containers == null ? new ArrayList<>() : new ArrayList<>(containers);
    }

    public String getComposeProject() {
        return composeProject;
    }

    @DataBoundSetter
    public void setComposeProject(String composeProject) {
        this.composeProject = composeProject == null || composeProject.isBlank() ? null : composeProject;
    }

    public String getComposeService() {
        return composeService;
    }

    @DataBoundSetter
    public void setComposeService(String composeService) {
        this.composeService = composeService == null || composeService.isBlank() ? null : composeService;
    }

    /** @param p where this colour stands in the step, e.g. {@code colours[1]} */
    public ColourSpec toSpec(String p) {
        String n = SwitchSpecs.colourName(p + ".name", name);
        // No servers is right for a Kubernetes Service router (its pods are the backends); the router checks them (RouterSpec.checkServers).
        return new ColourSpec(n, servers.isEmpty() ? java.util.List.of() : SwitchSpecs.upstreams(p + ".servers", servers),
                DockerColourStopper.of(p, containers, composeProject, composeService));
    }

    @Extension
    @Symbol("colour")
    public static class DescriptorImpl extends Descriptor<Colour> {
        @Override
        public String getDisplayName() {
            return "Colour (servers, and the containers to stop when it is old)";
        }
    }
}
