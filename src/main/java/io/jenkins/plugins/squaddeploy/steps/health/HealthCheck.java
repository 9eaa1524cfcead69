package io.jenkins.plugins.squaddeploy.steps.health;

import hudson.model.Describable;
import hudson.model.Descriptor;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import java.io.Serializable;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * One check of {@code verifyHealth(checks: [...])}: {@code httpCheck}, {@code tcpCheck},
 * {@code postgresCheck}, {@code redisCheck} or {@code commandCheck}. Each only translates its
 * parameters into an engine {@link CheckSpec}; validation happens there.
 */
public abstract class HealthCheck implements Describable<HealthCheck>, Serializable {
    private static final long serialVersionUID = 1L;

    private String name;

    public String getName() {
        return name;
    }

    /** The name shown in progress lines, the result table and the returned map. */
    @DataBoundSetter
    public void setName(String name) {
        this.name = name == null || name.isBlank() ? null : name.strip();
    }

    /**
     * @param parameter where this check stands in the step, e.g. {@code checks[2]}, for error messages
     */
    public abstract CheckSpec toSpec(String parameter, SecretSource secrets) throws IOException, InterruptedException;

    /** Base of the check descriptors, so the Snippet Generator lists them together. */
    public abstract static class HealthCheckDescriptor extends Descriptor<HealthCheck> {
    }
}
