package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.model.Result;
import java.util.List;

/**
 * What workflow-step-api's {@code FlowInterruptedException} is to Jenkins (it is not in the stand-in): the build was
 * interrupted (a {@code timeout} ran out, an {@code input} was rejected, the harness' own limit hit) and ends with
 * {@link #getResult()}, usually ABORTED. Like the real one it extends {@link InterruptedException}, so a Groovy
 * {@code catch (e)} in a Jenkinsfile catches it, as it does in Jenkins.
 */
public final class PipelineInterruptedException extends InterruptedException {
    private static final long serialVersionUID = 1L;

    private final Result result;
    private final List<String> causes;
    /** The {@code timeout} block (or harness limit) whose time ran out; null for other interruptions. */
    private final transient Object deadline;

    PipelineInterruptedException(Result result, Object deadline, String... causes) {
        super(String.join("; ", causes));
        this.result = result;
        this.deadline = deadline;
        this.causes = List.of(causes);
    }

    public Result getResult() {
        return result;
    }

    /** The short descriptions Jenkins prints when the build ends, e.g. {@code Timeout has been exceeded}. */
    public List<String> getCauses() {
        return causes;
    }

    Object deadline() {
        return deadline;
    }
}
