package io.jenkins.plugins.squaddeploy.steps.snapshot;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import java.io.IOException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code rdsSource(instance: 'prod-db', region: 'eu-west-1')}: aws rds create-db-snapshot, waiting until available. */
public class RdsSource extends DbSnapshotSource {
    private static final long serialVersionUID = 1L;

    private final String instance;
    private String region;
    private String credentialsId;
    private String awsCommand = "aws";
    private int pollInterval = 15;

    @DataBoundConstructor
    public RdsSource(String instance) {
        this.instance = instance;
    }

    public String getInstance() {
        return instance;
    }

    public String getRegion() {
        return region;
    }

    @DataBoundSetter
    public void setRegion(String region) {
        this.region = blankToNull(region);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = blankToNull(credentialsId);
    }

    public String getAwsCommand() {
        return awsCommand;
    }

    @DataBoundSetter
    public void setAwsCommand(String awsCommand) {
        this.awsCommand = awsCommand;
    }

    public int getPollInterval() {
        return pollInterval;
    }

    @DataBoundSetter
    public void setPollInterval(int pollInterval) {
        this.pollInterval = pollInterval;
    }

    @Override
    public SnapshotSource toSource(String p, SecretSource secrets, UnaryOperator<String> workspace) throws IOException, InterruptedException {
        Credential c = credentialsId == null ? null : secrets.lookup(credentialsId, p + ".credentialsId", true);
        if (pollInterval < 1 || pollInterval > 3600) {
            throw new io.jenkins.plugins.squaddeploy.engine.ParameterException(p + ".pollInterval", "got " + pollInterval, "seconds between status checks, from 1 to 3600");
        }
        return SnapshotSources.rds(p, instance, region, c, awsCommand, Duration.ofSeconds(pollInterval));
    }

    @Extension
    @Symbol("rdsSource")
    public static class DescriptorImpl extends DbSnapshotSourceDescriptor {
        @Override
        public String getDisplayName() {
            return "Amazon RDS instance (aws rds create-db-snapshot)";
        }
    }
}
