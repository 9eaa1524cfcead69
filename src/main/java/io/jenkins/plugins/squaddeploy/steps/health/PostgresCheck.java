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
public class PostgresCheck extends ServerCheck {
    private static final long serialVersionUID = 1L;

    private String database = "postgres";

    @DataBoundConstructor
    public PostgresCheck(String host) {
        super(host, 5432);
    }

    public String getDatabase() {
        return database;
    }

    @DataBoundSetter
    public void setDatabase(String database) {
        this.database = database;
    }

    @Override
    public CheckSpec toSpec(String p, SecretSource secrets) throws IOException, InterruptedException {
        Credential c = getCredentialsId() == null ? null : secrets.lookup(getCredentialsId(), p + ".credentialsId", true);
        return CheckSpecs.postgres(p, getName(), getHost(), getPort(), database, c);
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
