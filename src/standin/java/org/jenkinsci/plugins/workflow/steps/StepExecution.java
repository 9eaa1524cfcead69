package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stand-in for workflow-step-api's {@code StepExecution}: one running instance of a step.
 * <p>Left out: the static {@code acceptAll}/{@code applyAll} (they need {@code StepExecutionIterator}).
 */
public abstract class StepExecution implements Serializable {
    private static final long serialVersionUID = 1L;

    private StepContext context;

    @Deprecated
    protected StepExecution() {
    }

    protected StepExecution(StepContext context) {
        this.context = context;
    }

    public StepContext getContext() {
        if (context == null) {
            throw new IllegalStateException("you must either pass in a StepContext to the StepExecution constructor, "
                    + "or have the StepExecution be created automatically");
        }
        return context;
    }

    public abstract boolean start() throws Exception;

    /** Default: fails the step with {@code cause}. */
    public void stop(Throwable cause) throws Exception {
        getContext().onFailure(cause);
    }

    public void onResume() {
    }

    public String getStatus() {
        return null;
    }

    public boolean blocksRestart() {
        return false;
    }

    /** {@link #getStatus()} with a time limit; any failure is returned as its {@code toString()}. */
    public final String getStatusBounded(long timeout, TimeUnit unit) {
        CompletableFuture<String> task = CompletableFuture.supplyAsync(this::getStatus);
        try {
            return task.get(timeout, unit);
        } catch (Exception x) {
            task.cancel(true);
            return x.toString();
        }
    }
}
