package io.jenkins.plugins.squaddeploy.steps.health;

import org.kohsuke.stapler.DataBoundSetter;

/** A check of a server by host, port and an optional credentials ID: PostgreSQL and Redis. */
public abstract class ServerCheck extends HealthCheck {
    private static final long serialVersionUID = 1L;

    private final String host;
    private int port;
    private String credentialsId;

    protected ServerCheck(String host, int defaultPort) {
        this.host = host;
        this.port = defaultPort;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    @DataBoundSetter
    public void setPort(int port) {
        this.port = port;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId == null || credentialsId.isBlank() ? null : credentialsId;
    }
}
