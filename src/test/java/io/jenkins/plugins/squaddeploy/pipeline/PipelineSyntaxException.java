package io.jenkins.plugins.squaddeploy.pipeline;

/**
 * A Declarative Pipeline that Jenkins would reject before running anything ("startup failed"): an unknown section,
 * a stage without steps, a missing agent. Nothing runs, not even {@code post}, as in Jenkins.
 */
public final class PipelineSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PipelineSyntaxException(String message) {
        super("startup failed:\nWorkflowScript: " + message);
    }
}
