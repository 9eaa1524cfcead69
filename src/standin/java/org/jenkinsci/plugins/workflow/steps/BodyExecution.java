package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;
import java.util.Collection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;

/**
 * Stand-in for workflow-step-api's {@code BodyExecution}: a running body block.
 * <p>Left out: {@code cancel(CauseOfInterruption...)} (type not declared). As in workflow-step-api, an implementation
 * must override {@link #cancel(Throwable)}. The deprecated {@link #cancel(boolean)} passes a
 * {@link CancellationException} where Jenkins passes a {@code FlowInterruptedException(ABORTED)} (not declared).
 */
public abstract class BodyExecution implements Future<Object>, Serializable {
    private static final long serialVersionUID = 1L;

    public abstract Collection<StepExecution> getCurrentExecutions();

    @Deprecated
    public boolean cancel(boolean b) {
        return cancel(new CancellationException("aborted"));
    }

    public boolean cancel(Throwable t) {
        throw new AbstractMethodError("Override cancel(Throwable) from " + getClass());
    }
}
