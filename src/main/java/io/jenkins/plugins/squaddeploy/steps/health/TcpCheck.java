package io.jenkins.plugins.squaddeploy.steps.health;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/** {@code tcpCheck(host: '127.0.0.1', port: 5432)}: the port accepts a connection. */
public class TcpCheck extends HealthCheck {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;

    @DataBoundConstructor
    public TcpCheck(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    @Override
    public CheckSpec toSpec(String p, SecretSource secrets) {
        return CheckSpecs.tcp(p, getName(), host, port);
    }

    @Extension
    @Symbol("tcpCheck")
    public static class DescriptorImpl extends HealthCheckDescriptor {
        @Override
        public String getDisplayName() {
            return "TCP port";
        }
    }
}
