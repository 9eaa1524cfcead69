package io.jenkins.plugins.squaddeploy.steps.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;

/**
 * A squadDeploy {@code target:} whose orchestrator performs the rollout (Docker Swarm, Kubernetes, Helm). squadDeploy
 * hands such a target to its {@link io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrator} instead of the
 * compose/docker deployer; autoRollback finds the orchestrator again from the recorded release
 * ({@link io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators}). A subclass only translates its parameters
 * into the engine's spec; validation happens there.
 */
public abstract class OrchestratedTarget extends DeployTarget {
    private static final long serialVersionUID = 1L;

    /** The validated engine spec; errors name {@code parameter.<name>} (e.g. {@code target.updateDelay}). */
    public final OrchestratedSpec spec(String parameter) {
        if (getPorts() != null) {
            throw new ParameterException(parameter + ".ports", "the orchestrator places the instances, so ports are not used by this target",
                    "no ports (give the port to the service itself, e.g. its PORT environment)");
        }
        return toSpec(parameter);
    }

    protected abstract OrchestratedSpec toSpec(String parameter);

    /** Never used: squadDeploy sends orchestrated targets to their orchestrator, not to the compose/docker deployer. */
    @Override
    protected final void applyOwn(DeployRequest.Builder b) {
        throw new IllegalStateException(getClass().getSimpleName() + " is an orchestrated target");
    }
}
