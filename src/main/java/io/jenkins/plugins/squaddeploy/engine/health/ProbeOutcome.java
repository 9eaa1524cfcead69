package io.jenkins.plugins.squaddeploy.engine.health;

import java.io.Serializable;

/**
 * The outcome of one attempt (one measurement) of one check. Like an Argo Rollouts measurement it is
 * PASSED, FAILED (measured and bad), ERROR (could not measure: the metrics server did not answer) or
 * INCONCLUSIVE (no data, with {@code noData: 'inconclusive'}). {@code value} is the measured number, if any.
 */
public record ProbeOutcome(Status status, String message, long latencyMs, Double value) implements Serializable {

    public enum Status { PASSED, FAILED, ERROR, INCONCLUSIVE }

    public boolean passed() {
        return status == Status.PASSED;
    }

    public static ProbeOutcome pass(String message, long latencyMs) {
        return new ProbeOutcome(Status.PASSED, message, latencyMs, null);
    }

    public static ProbeOutcome fail(String message, long latencyMs) {
        return new ProbeOutcome(Status.FAILED, message, latencyMs, null);
    }

    public static ProbeOutcome error(String message, long latencyMs) {
        return new ProbeOutcome(Status.ERROR, message, latencyMs, null);
    }

    public ProbeOutcome withMessage(String newMessage) {
        return new ProbeOutcome(status, newMessage, latencyMs, value);
    }
}
