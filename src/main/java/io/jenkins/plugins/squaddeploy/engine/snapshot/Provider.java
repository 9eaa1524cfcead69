package io.jenkins.plugins.squaddeploy.engine.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What each kind of source (postgres, redis, files, rds) does for the actions of {@link SnapshotService}. */
interface Provider {
    /** What the source reports before anything is written: server and tool versions. */
    record Preflight(String serverVersion, String tool) {
    }

    /** What {@link #create} wrote into the snapshot's work dir. */
    record Created(String dataFormat, List<SnapshotMeta.FileEntry> files, long size, String sha256, Map<String, Object> extra) {
    }

    /** What a restore did. {@code details} holds row counts and check results for scratch restores. */
    record Restored(String target, long restoreMs, Map<String, Object> details) {
    }

    /** Connects and reads versions; a wrong password, an unreachable server or a missing tool fails here. */
    Preflight preflight(Ctx c) throws SnapshotException, InterruptedException;

    /** Writes the snapshot's data into {@code dir} (the work dir under .tmp/). */
    Created create(Ctx c, String id, Path dir) throws SnapshotException, InterruptedException;

    /** A check of the data beyond its checksum (the tool can read it); returns what was checked. */
    String check(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException, InterruptedException;

    /** Validates {@code restoreTo} for this kind (ParameterException naming it); null means the default target. */
    String target(Ctx c, String restoreTo) throws SnapshotException, InterruptedException;

    /** Whether restoring into {@code target} replaces data someone may still need (then confirm: true is required). */
    boolean destructive(Ctx c, String target) throws SnapshotException, InterruptedException;

    /** Restores {@code s} into {@code target} (already validated). */
    Restored restore(Ctx c, SnapshotStore.Snapshot s, String target) throws SnapshotException, InterruptedException;

    /** Deletes what the snapshot holds outside the store (an RDS snapshot in AWS); nothing for the others. */
    default void deleteExternal(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException, InterruptedException {
    }
}
