package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import java.io.Serializable;
import java.util.Map;

/**
 * The target-specific part of an orchestrated release (a Swarm service or stack, Kubernetes Deployments, a Helm
 * release): validated, plain data. {@link #toMap()} holds only strings, numbers, booleans, lists and maps (no
 * secrets: credentials by ID only), so that it can be kept in the build record and read back by its
 * {@link OrchestratorFactory#spec} when autoRollback needs the orchestrator again.
 */
public interface OrchestratedSpec extends Serializable {
    /** {@code swarm}, {@code kubernetes}, {@code helm}…: the {@link OrchestratorFactory#kind()} that reads it back. */
    String kind();

    /** Plain map of the parameters, readable by {@link OrchestratorFactory#spec}. */
    Map<String, Object> toMap();

    /** One line for logs, e.g. {@code swarm services shop_api, shop_worker}. */
    String describe();
}
