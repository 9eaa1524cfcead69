package io.jenkins.plugins.squaddeploy.engine.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What restoring an RDS snapshot does, for autoRollback to name before it asks for approval: runbook 004's
 * {@code aws rds restore-db-instance-from-db-snapshot}, which creates a NEW instance (RDS never restores over one); the
 * application must then be pointed at it, which Squad Deploy does not do.
 */
public final class RdsRestore {
    private RdsRestore() {
    }

    /** The new instance a rollback restores {@code snapshotId} into: {@code <instance>-restore-<yyyymmddhhmm of the snapshot>}. */
    public static String target(SnapshotSource.Rds src, String snapshotId) {
        String time = SnapshotId.TIME.format(SnapshotId.time(snapshotId)).replaceAll("[^0-9]", "");
        String stamp = time.length() >= 12 ? time.substring(0, 12) : time;
        String base = src.instance().toLowerCase(Locale.ROOT);
        int max = 63 - "-restore-".length() - stamp.length();
        if (base.length() > max) {
            base = base.substring(0, max).replaceAll("-+$", "");
        }
        return base + "-restore-" + stamp;
    }

    /** The argv of the restore, exactly as the RDS provider runs it. */
    public static List<String> argv(SnapshotSource.Rds src, String snapshotId, String target) {
        List<String> a = new ArrayList<>(List.of(src.awsCommand(), "rds", "restore-db-instance-from-db-snapshot", "--db-instance-identifier", target,
                "--db-snapshot-identifier", RdsProvider.awsId(snapshotId)));
        if (src.region() != null) {
            a.addAll(List.of("--region", src.region()));
        }
        a.addAll(List.of("--output", "json"));
        return a;
    }
}
