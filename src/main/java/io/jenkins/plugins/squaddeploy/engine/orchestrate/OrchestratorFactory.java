package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import java.util.Map;

/**
 * Makes the {@link Orchestrator} of one kind; registered once in {@link Orchestrators#ALL}, so that autoRollback and
 * {@code squad rollback} can get it back from nothing but a recorded {@link OrchestratedRelease}.
 */
public interface OrchestratorFactory {
    String kind();

    /**
     * Reads a spec back from {@link OrchestratedSpec#toMap()} (or from CLI flags put in the same map), validating every
     * value; a bad one is a ParameterException named {@code parameter + "." + key}.
     */
    OrchestratedSpec spec(Map<String, ?> map, String parameter);

    Orchestrator create(OrchestratedSpec spec, OrchestratorContext context);
}
