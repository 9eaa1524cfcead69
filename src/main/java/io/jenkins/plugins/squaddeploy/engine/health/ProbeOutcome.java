package io.jenkins.plugins.squaddeploy.engine.health;

import java.io.Serializable;

/** The outcome of one attempt of one check. */
public record ProbeOutcome(boolean passed, String message, long latencyMs) implements Serializable {

    public static ProbeOutcome pass(String message, long latencyMs) {
        return new ProbeOutcome(true, message, latencyMs);
    }

    public static ProbeOutcome fail(String message, long latencyMs) {
        return new ProbeOutcome(false, message, latencyMs);
    }
}
