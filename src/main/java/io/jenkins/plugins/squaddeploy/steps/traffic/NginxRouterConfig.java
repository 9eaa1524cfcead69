package io.jenkins.plugins.squaddeploy.steps.traffic;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code nginxRouter(config: '/etc/nginx/conf.d/api-upstream.conf', nginx: '/usr/sbin/nginx', nginxArgs: ['-p', prefix, '-c', conf])}:
 * the upstream include file blueGreenSwitch owns, and how to call the nginx that reads it.
 */
public class NginxRouterConfig extends RouterConfig {
    private static final long serialVersionUID = 1L;

    private final String config;
    private String nginx = NginxRouterSpec.DEFAULT_NGINX;
    private List<String> nginxArgs = new ArrayList<>();
    private String template;

    @DataBoundConstructor
    public NginxRouterConfig(String config) {
        this.config = config;
    }

    public String getConfig() {
        return config;
    }

    public String getNginx() {
        return nginx;
    }

    @DataBoundSetter
    public void setNginx(String nginx) {
        this.nginx = nginx == null || nginx.isBlank() ? NginxRouterSpec.DEFAULT_NGINX : nginx;
    }

    public List<String> getNginxArgs() {
        return nginxArgs;
    }

    @DataBoundSetter
    public void setNginxArgs(List<String> nginxArgs) {
        this.nginxArgs = nginxArgs == null ? new ArrayList<>() : new ArrayList<>(nginxArgs);
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
        return NginxRouterSpec.of(parameter, config, nginx, nginxArgs, template);
    }

    @Extension
    @Symbol("nginxRouter")
    public static class DescriptorImpl extends RouterConfigDescriptor {
        @Override
        public String getDisplayName() {
            return "nginx (upstream include file, nginx -t, graceful reload)";
        }
    }
}
