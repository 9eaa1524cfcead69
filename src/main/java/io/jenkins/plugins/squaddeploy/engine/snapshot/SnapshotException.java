package io.jenkins.plugins.squaddeploy.engine.snapshot;

/**
 * A snapshot action that could not be done: the server cannot be reached, a tool is missing or failed, the store
 * is not writable or full, a checksum does not match. The message names the cause and says what was left as it
 * was (the source and the existing snapshots are never changed by a failed action).
 */
public class SnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
