package io.jenkins.plugins.squaddeploy.steps.snapshot;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import java.io.IOException;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code postgresSource(database: 'squad_api', host: '127.0.0.1', credentialsId: 'squad-db')}: pg_dump of one database. */
public class PostgresSource extends ServerSource {
    private static final long serialVersionUID = 1L;

    private final String database;
    private String host;
    private int port = 5432;
    private String user;
    private String credentialsId;
    private String format = "custom";
    private int jobs = 1;
    private int compression = 1;
    private String maintenanceDatabase = "postgres";

    @DataBoundConstructor
    public PostgresSource(String database) {
        this.database = database;
    }

    public String getDatabase() {
        return database;
    }

    public String getHost() {
        return host;
    }

    @DataBoundSetter
    public void setHost(String host) {
        this.host = blankToNull(host);
    }

    public int getPort() {
        return port;
    }

    @DataBoundSetter
    public void setPort(int port) {
        this.port = port;
    }

    public String getUser() {
        return user;
    }

    @DataBoundSetter
    public void setUser(String user) {
        this.user = blankToNull(user);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = blankToNull(credentialsId);
    }

    public String getFormat() {
        return format;
    }

    @DataBoundSetter
    public void setFormat(String format) {
        this.format = format;
    }

    public int getJobs() {
        return jobs;
    }

    @DataBoundSetter
    public void setJobs(int jobs) {
        this.jobs = jobs;
    }

    public int getCompression() {
        return compression;
    }

    @DataBoundSetter
    public void setCompression(int compression) {
        this.compression = compression;
    }

    public String getMaintenanceDatabase() {
        return maintenanceDatabase;
    }

    @DataBoundSetter
    public void setMaintenanceDatabase(String maintenanceDatabase) {
        this.maintenanceDatabase = maintenanceDatabase;
    }

    @Override
    public SnapshotSource toSource(String p, SecretSource secrets, UnaryOperator<String> workspace) throws IOException, InterruptedException {
        Credential c = credentialsId == null ? null : secrets.lookup(credentialsId, p + ".credentialsId", user == null);
        return SnapshotSources.postgres(p, host, port, database, user, c, exec(p, workspace, secrets), format, jobs, compression, getBinDir(), maintenanceDatabase);
    }

    @Extension
    @Symbol("postgresSource")
    public static class DescriptorImpl extends DbSnapshotSourceDescriptor {
        @Override
        public String getDisplayName() {
            return "PostgreSQL database (pg_dump)";
        }
    }
}
