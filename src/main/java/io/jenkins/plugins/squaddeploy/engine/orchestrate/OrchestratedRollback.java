package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * What {@link Orchestrator#rollBack} did.
 *
 * @param restored   the units put back on their previous image/revision (verified converged)
 * @param action     one sentence for the report, e.g. {@code docker service rollback shop_api: back on squad-api:1.0.0, converged}
 * @param rolledBackAt when the previous state was verified (null unless ROLLED_BACK)
 */
public record OrchestratedRollback(Status status, List<String> restored, String action, Instant rolledBackAt, List<String> warnings)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Status {
        ROLLED_BACK,
        /** Every unit already runs what the release replaced; nothing was changed. */
        ALREADY_ROLLED_BACK,
        /** The message says which units are in which state and what to do. */
        FAILED
    }

    public OrchestratedRollback {
        restored = restored == null ? List.of() : List.copyOf(restored);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public static OrchestratedRollback failed(String action, List<String> restored, List<String> warnings) {
        return new OrchestratedRollback(Status.FAILED, restored, action, null, warnings);
    }
}
