package io.jenkins.plugins.squaddeploy.steps.health;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code postgresCheck(host: '127.0.0.1', database: 'app', credentialsId: 'app-db')}: log in and {@code SELECT 1}. */
public class PostgresCheck extends HealthCheck {
    private static final long serialVersionUID = 1L;

    private final String host;
    private int port = 5432;
    private String database = "postgres";
    private String credentialsId;

    @DataBoundConstructor
    public PostgresCheck(String host) {
        this.host = host;
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

    public String getDatabase() {
        return database;
    }

    @DataBoundSetter
    public void setDatabase(String database) {
        this.database = database;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId == null || credentialsId.isBlank() ? null : credentialsId;
    }

    @Override
    public CheckSpec toSpec(String p, SecretSource secrets) throws IOException, InterruptedException {
        Credential c = credentialsId == null ? null : secrets.lookup(credentialsId, p + ".credentialsId", true);
        return CheckSpecs.postgres(p, getName(), host, port, database, c);
    }

    @Extension
    @Symbol("postgresCheck")
    public static class DescriptorImpl extends HealthCheckDescriptor {
        @Override
        public String getDisplayName() {
            return "PostgreSQL database";
        }
    }
}
