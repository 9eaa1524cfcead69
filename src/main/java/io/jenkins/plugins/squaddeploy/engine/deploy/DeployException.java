package io.jenkins.plugins.squaddeploy.engine.deploy;

import java.io.IOException;

/**
 * A deploy that could not be done; the message says what happened, what state the target was left in, and the
 * tool output that explains it. Parameter mistakes are {@link io.jenkins.plugins.squaddeploy.engine.ParameterException}s instead.
 */
public class DeployException extends IOException {
    private static final long serialVersionUID = 1L;

    public DeployException(String message) {
        super(message);
    }

    public DeployException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The Docker daemon did not answer; raised before anything was stopped or started. */
    public static final class DockerUnavailable extends DeployException {
        private static final long serialVersionUID = 1L;

        public DockerUnavailable(String message) {
            super(message);
        }
    }

    /** Another deploy of the same environment and service held the lock for longer than the lock timeout. */
    public static final class LockTimeout extends DeployException {
        private static final long serialVersionUID = 1L;

        public LockTimeout(String message) {
            super(message);
        }
    }
}
