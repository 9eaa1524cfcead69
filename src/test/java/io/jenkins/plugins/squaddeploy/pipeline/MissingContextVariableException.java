package io.jenkins.plugins.squaddeploy.pipeline;

/**
 * The harness' copy of workflow-step-api's {@code MissingContextVariableException} (not in the stand-in): a step
 * needs a context object the pipeline does not provide here, typically {@code hudson.FilePath} or
 * {@code hudson.Launcher} outside {@code node} / with {@code agent none}. Same message as Jenkins.
 */
public final class MissingContextVariableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Class<?> type;

    MissingContextVariableException(Class<?> type) {
        super("Required context " + type + " is missing");
        this.type = type;
    }

    public Class<?> getType() {
        return type;
    }
}
