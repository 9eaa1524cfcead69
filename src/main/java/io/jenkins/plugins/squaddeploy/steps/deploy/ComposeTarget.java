package io.jenkins.plugins.squaddeploy.steps.deploy;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code composeTarget(files: ['docker-compose.prod.yml'], project: 'shop', envFile: '.env.production', services: ['api'],
 * ports: 'blue=8001,green=8002')}: Docker Compose, v2 ({@code docker compose}) or v1 ({@code docker-compose}).
 */
public class ComposeTarget extends DeployTarget {
    private static final long serialVersionUID = 1L;

    private final List<String> files;
    private String project;
    private String envFile;
    private List<String> services = new ArrayList<>();

    @DataBoundConstructor
    public ComposeTarget(List<String> files) {
        this.files = files == null ? new ArrayList<>() : new ArrayList<>(files);
    }

    public List<String> getFiles() {
        return files;
    }

    public String getProject() {
        return project;
    }

    @DataBoundSetter
    public void setProject(String project) {
        this.project = project == null || project.isBlank() ? null : project.strip();
    }

    public String getEnvFile() {
        return envFile;
    }

    @DataBoundSetter
    public void setEnvFile(String envFile) {
        this.envFile = envFile == null || envFile.isBlank() ? null : envFile.strip();
    }

    public List<String> getServices() {
        return services;
    }

    @DataBoundSetter
    public void setServices(List<String> services) {
        this.services = services == null ? new ArrayList<>() : new ArrayList<>(services);
    }

    @Override
    protected void applyOwn(DeployRequest.Builder b) {
        b.compose(files, project, envFile, services);
    }

    @Extension
    @Symbol("composeTarget")
    public static class DescriptorImpl extends DeployTargetDescriptor {
        @Override
        public String getDisplayName() {
            return "Docker Compose";
        }
    }
}
