package io.jenkins.plugins.squaddeploy.testbed;

/**
 * A program the testbed needs is not installed. Deliberately unchecked and never turned into a skipped
 * test: CI must fail and say which Debian package to install (all of them: {@code .ci/install-testbed.sh}).
 */
public final class MissingBinaryException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public MissingBinaryException(String message) {
        super(message);
    }
}
