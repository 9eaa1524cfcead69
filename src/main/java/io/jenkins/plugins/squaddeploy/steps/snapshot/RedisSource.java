package io.jenkins.plugins.squaddeploy.steps.snapshot;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code redisSource(container: 'squad-redis-prod', credentialsId: 'squad-redis')}: BGSAVE and dump.rdb, or redis-cli --rdb. */
public class RedisSource extends ServerSource {
    private static final long serialVersionUID = 1L;

    private String host = "127.0.0.1";
    private int port = 6379;
    private String credentialsId;
    private String method = "bgsave";
    private String dataDir;
    private List<String> startCommand = new ArrayList<>();

    @DataBoundConstructor
    public RedisSource() {
    }

    public String getHost() {
        return host;
    }

    @DataBoundSetter
    public void setHost(String host) {
        this.host = host;
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
        this.credentialsId = blankToNull(credentialsId);
    }

    public String getMethod() {
        return method;
    }

    @DataBoundSetter
    public void setMethod(String method) {
        this.method = method;
    }

    public String getDataDir() {
        return dataDir;
    }

    @DataBoundSetter
    public void setDataDir(String dataDir) {
        this.dataDir = blankToNull(dataDir);
    }

    public List<String> getStartCommand() {
        return startCommand;
    }

    @DataBoundSetter
    public void setStartCommand(List<String> startCommand) {
        this.startCommand = startCommand == null ? new ArrayList<>() : new ArrayList<>(startCommand);
    }

    @Override
    public SnapshotSource toSource(String p, SecretSource secrets, UnaryOperator<String> workspace) throws IOException, InterruptedException {
        Credential c = credentialsId == null ? null : secrets.lookup(credentialsId, p + ".credentialsId", false);
        return SnapshotSources.redis(p, host, port, c, exec(p, workspace, secrets), method, dataDir, startCommand, getBinDir());
    }

    @Extension
    @Symbol("redisSource")
    public static class DescriptorImpl extends DbSnapshotSourceDescriptor {
        @Override
        public String getDisplayName() {
            return "Redis (BGSAVE + dump.rdb, or redis-cli --rdb)";
        }
    }
}
