package io.jenkins.plugins.squaddeploy.engine.rollback;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What autoRollback did about the database (only when asked, with {@code database}).
 *
 * @param snapshot          the snapshot ID restored (or to be restored)
 * @param snapshotTime      when it was taken (ISO-8601)
 * @param dataLossSeconds   the data-loss window: how long before now the snapshot was taken; everything written
 *                          after it is lost by the restore
 * @param approvedBy        who approved the restore (production), else null
 */
public record DatabaseOutcome(Status status, String snapshot, String snapshotTime, Long dataLossSeconds, String target, String approvedBy,
                              String message) implements Serializable {

    public enum Status {
        /** Restored into the database. */
        RESTORED,
        /** Production: nothing restored yet; ask for an approval ({@code input}) and call again with approvedBy. */
        NEEDS_APPROVAL,
        /** The snapshot could not be found or restored; the message says why and what the database holds. */
        FAILED
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.name());
        m.put("needsApproval", status == Status.NEEDS_APPROVAL);
        m.put("snapshot", snapshot);
        m.put("snapshotTime", snapshotTime);
        m.put("dataLossSeconds", dataLossSeconds);
        m.put("target", target);
        m.put("approvedBy", approvedBy);
        m.put("message", message);
        return m;
    }
}
