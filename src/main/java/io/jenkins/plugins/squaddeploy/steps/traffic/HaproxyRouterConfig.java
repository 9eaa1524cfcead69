package io.jenkins.plugins.squaddeploy.steps.traffic;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code haproxyRouter(socket: '/run/haproxy/admin.sock', backend: 'api', config: '/etc/haproxy/haproxy.cfg')}: the
 * admin socket the switch goes through, the backend, and the config file whose managed block keeps the live
 * colour across reloads.
 */
public class HaproxyRouterConfig extends RouterConfig {
    private static final long serialVersionUID = 1L;

    private final String socket;
    private final String config;
    private String backend;
    private String haproxy = HaproxyRouterSpec.DEFAULT_HAPROXY;
    private List<String> haproxyArgs = new ArrayList<>();
    private String template;

    @DataBoundConstructor
    public HaproxyRouterConfig(String socket, String config) {
        this.socket = socket;
        this.config = config;
    }

    public String getSocket() {
        return socket;
    }

    public String getConfig() {
        return config;
    }

    public String getBackend() {
        return backend;
    }

    @DataBoundSetter
    public void setBackend(String backend) {
        this.backend = backend == null || backend.isBlank() ? null : backend;
    }

    public String getHaproxy() {
        return haproxy;
    }

    @DataBoundSetter
    public void setHaproxy(String haproxy) {
        this.haproxy = haproxy == null || haproxy.isBlank() ? HaproxyRouterSpec.DEFAULT_HAPROXY : haproxy;
    }

    public List<String> getHaproxyArgs() {
        return haproxyArgs;
    }

    @DataBoundSetter
    public void setHaproxyArgs(List<String> haproxyArgs) {
        this.haproxyArgs = haproxyArgs == null ? new ArrayList<>() : new ArrayList<>(haproxyArgs);
    }

    public String getTemplate() {
        return template;
    }

    @DataBoundSetter
    public void setTemplate(String template) {
        this.template = template == null || template.isBlank() ? null : template;
    }

    @Override
    public RouterSpec toSpec(String parameter, String service) {
        return HaproxyRouterSpec.of(parameter, service, socket, backend, config, haproxy, haproxyArgs, template);
    }

    @Extension
    @Symbol("haproxyRouter")
    public static class DescriptorImpl extends RouterConfigDescriptor {
        @Override
        public String getDisplayName() {
            return "HAProxy (runtime API over the admin socket, config block checked with haproxy -c)";
        }
    }
}
