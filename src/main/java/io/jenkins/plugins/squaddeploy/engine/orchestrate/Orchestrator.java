package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import java.io.IOException;
import java.time.Duration;

/**
 * A target whose orchestrator performs the rollout itself (Docker Swarm, Kubernetes, Helm): Squad Deploy drives it,
 * watches it converge, records what was released and what it replaced, and rolls back to that. One instance serves one
 * spec ({@link OrchestratorFactory#create}); implementations run every command through the context's
 * {@link io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner} and print progress lines at most every few seconds.
 */
public interface Orchestrator {
    /** Same as the spec's and the factory's kind. */
    String kind();

    /**
     * Releases {@code request}, waits until the orchestrator has converged on it, and returns the record.
     *
     * @throws io.jenkins.plugins.squaddeploy.engine.ParameterException a parameter that only the target can check, before anything changed
     * @throws io.jenkins.plugins.squaddeploy.engine.deploy.DeployException the release failed; the message says what state the target is in
     *         (e.g. "Swarm rolled back shop_api by itself") and what was undone
     */
    OrchestratedRelease deploy(OrchestratedRequest request) throws IOException, InterruptedException;

    /**
     * Puts back what {@code release} replaced (each unit's previous image or revision), verified converged. Never
     * throws for what the target does: a rollback that could not be done is a {@code FAILED} result saying why and
     * what to do; what is already back is {@code ALREADY_ROLLED_BACK}.
     */
    OrchestratedRollback rollBack(OrchestratedRelease release, Duration timeout) throws InterruptedException;

    /**
     * What runs now for {@code spec} as a release whose units' "previous" is what the orchestrator itself would go back
     * to (Swarm's previous spec, the Deployment's previous revision, Helm's previous revision); null when nothing runs.
     * Used by {@code squad rollback}, which has no build record.
     */
    OrchestratedRelease current(String service, String environment) throws IOException, InterruptedException;
}
