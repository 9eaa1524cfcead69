package io.jenkins.plugins.squaddeploy.steps.health;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code commandCheck(command: ['pg_isready', '-h', '127.0.0.1'])}: the command exits 0. No shell is involved. */
public class CommandCheck extends HealthCheck {
    private static final long serialVersionUID = 1L;

    private final List<String> command;
    private List<String> env = new ArrayList<>();

    @DataBoundConstructor
    public CommandCheck(List<String> command) {
        this.command = command == null ? new ArrayList<>() : new ArrayList<>(command);
    }

    public List<String> getCommand() {
        return command;
    }

    public List<String> getEnv() {
        return env;
    }

    /** Extra environment variables as {@code NAME=value}. */
    @DataBoundSetter
    public void setEnv(List<String> env) {
        this.env = env == null ? new ArrayList<>() : new ArrayList<>(env);
    }

    @Override
    public CheckSpec toSpec(String p, SecretSource secrets) {
        Map<String, String> e = new LinkedHashMap<>();
        for (int i = 0; i < env.size(); i++) {
            String kv = env.get(i);
            int eq = kv == null ? -1 : kv.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(p + ".env[" + i + "]", "got " + ParameterException.show(kv), "NAME=value");
            }
            e.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return CheckSpecs.command(p, getName(), command, e);
    }

    @Extension
    @Symbol("commandCheck")
    public static class DescriptorImpl extends HealthCheckDescriptor {
        @Override
        public String getDisplayName() {
            return "Command (exit code 0)";
        }
    }
}
