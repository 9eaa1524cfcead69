package io.jenkins.plugins.squaddeploy.steps.snapshot;

import hudson.model.Describable;
import hudson.model.Descriptor;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * The {@code source} of {@code dbSnapshot}: {@code postgresSource}, {@code redisSource}, {@code filesSource} or
 * {@code rdsSource}. Each only translates its parameters into an engine {@link SnapshotSource}; validation happens there.
 */
public abstract class DbSnapshotSource implements Describable<DbSnapshotSource>, Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @param parameter where the source stands in the step ({@code source}), for error messages
     * @param secrets   credentials by ID (Jenkins credentials, masked)
     * @param workspace turns a path relative to the workspace into an absolute path on the agent
     */
    public abstract SnapshotSource toSource(String parameter, SecretSource secrets, UnaryOperator<String> workspace)
            throws IOException, InterruptedException;

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Base of the source descriptors, so the Snippet Generator lists them together. */
    public abstract static class DbSnapshotSourceDescriptor extends Descriptor<DbSnapshotSource> {
    }
}
