package io.jenkins.plugins.squaddeploy.engine.rollback;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The snapshots a database can be put back from — dbSnapshot's store — as far as autoRollback needs it: list them
 * with their metadata, and restore one (dbSnapshot {@code action: 'restore'}, confirmed). The Jenkins step runs it on the
 * agent that holds the store; the CLI on this machine.
 */
public interface SnapshotCatalog {
    /** One snapshot's metadata: {@code release} and {@code build} as dbSnapshot recorded them (may be null). */
    record Snapshot(String id, String series, String release, String build, Instant createdAt) {
    }

    /** Where the snapshots are, for messages: e.g. {@code /var/backups/squad-api}. */
    String describe();

    /** Every complete snapshot, oldest first. */
    List<Snapshot> list() throws IOException, InterruptedException;

    /** Restores {@code id} into the source database, replacing its data; returns what dbSnapshot reports (target, restoreMs, …). */
    Map<String, Object> restore(String id) throws IOException, InterruptedException;

    /**
     * For a snapshot whose restore creates a new database elsewhere instead of restoring into the source (RDS: a new
     * instance), the command the restore runs, for the approval message; null for restores into the source database.
     */
    default List<String> externalRestore(String id) {
        return null;
    }
}
