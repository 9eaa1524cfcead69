package io.jenkins.plugins.squaddeploy.engine.health;

import java.time.Duration;

/**
 * Runs one attempt of one check. The CLI runs attempts in-process ({@link DirectProbeRunner}); the
 * Jenkins adapter sends network attempts to the agent and runs commands through the agent's launcher.
 */
public interface ProbeRunner {
    ProbeOutcome probe(CheckSpec spec, Duration timeout) throws InterruptedException;
}
