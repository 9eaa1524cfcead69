package io.jenkins.plugins.squaddeploy.steps.health;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/** {@code redisCheck(host: '127.0.0.1', credentialsId: 'redis-password')}: AUTH then PING answers PONG. */
public class RedisCheck extends ServerCheck {
    private static final long serialVersionUID = 1L;

    @DataBoundConstructor
    public RedisCheck(String host) {
        super(host, 6379);
    }

    @Override
    public CheckSpec toSpec(String p, SecretSource secrets) throws IOException, InterruptedException {
        Credential c = getCredentialsId() == null ? null : secrets.lookup(getCredentialsId(), p + ".credentialsId", false);
        return CheckSpecs.redis(p, getName(), getHost(), getPort(), c);
    }

    @Extension
    @Symbol("redisCheck")
    public static class DescriptorImpl extends HealthCheckDescriptor {
        @Override
        public String getDisplayName() {
            return "Redis server";
        }
    }
}
