package io.jenkins.plugins.squaddeploy.engine.deploy;

import java.io.IOException;
import java.io.Serializable;
import java.util.Map;

/**
 * The files of a deploy, on the machine that runs the docker commands: the compose and env files to check, the
 * state directory with the release record, the lock, and squadDeploy's compose override files. The CLI uses
 * {@link LocalDeployFiles}; the Jenkins step sends each call to the build's agent, where it runs
 * {@link LocalDeployFiles} against the workspace.
 */
public interface DeployFiles {
    /** {@code path} made absolute against the working directory (the workspace), normalised. */
    String resolve(String path) throws IOException, InterruptedException;

    boolean isRegularFile(String path) throws IOException, InterruptedException;

    boolean isDirectory(String path) throws IOException, InterruptedException;

    /** The file's text (UTF-8), or null when there is no such file. */
    String read(String path) throws IOException, InterruptedException;

    /** Writes {@code text} to a temporary file beside {@code path}, flushes it to disk, then renames it over {@code path}. */
    void writeAtomically(String path, String text) throws IOException, InterruptedException;

    /**
     * Tries once to take the lock {@code lockFile} (an OS file lock, released by the OS when the process that holds
     * it dies). On success the holder description (plus {@code host}, {@code pid} and {@code since}, filled in here)
     * is written to {@code lockFile + ".json"} and a token is returned; otherwise the current holder as written there.
     */
    LockResult tryLock(String lockFile, Map<String, String> holder) throws IOException, InterruptedException;

    /** Tells the lock it is still in use; fails when it was lost. */
    void renewLock(String lockFile, String token) throws IOException, InterruptedException;

    /** Releases the lock taken with {@code token}; no-op when it is not held with that token. */
    void unlock(String lockFile, String token) throws IOException, InterruptedException;

    /** Outcome of {@link #tryLock}: a token when acquired, else who holds it (may be empty when unknown). */
    record LockResult(String token, Map<String, String> holder, Map<String, String> stale) implements Serializable {
        public LockResult(String token, Map<String, String> holder) {
            this(token, holder, null);
        }

        /**
         * When acquired over a lock whose holder ended without releasing it (killed, crashed, its controller gone): who
         * that was, as its holder file said; else null.
         */
        public Map<String, String> stale() {
            return stale;
        }

        public boolean acquired() {
            return token != null;
        }
    }
}
