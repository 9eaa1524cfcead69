package org.jenkinsci.plugins.workflow.steps;

/**
 * Stand-in for workflow-step-api's {@code SynchronousStepExecution}: {@link #start()} runs {@link #run()} on the
 * calling thread and reports the outcome to the context; {@link #stop} interrupts that thread while it runs.
 */
public abstract class SynchronousStepExecution<T> extends StepExecution {
    private static final long serialVersionUID = 1L;

    private transient volatile Thread executing;

    protected SynchronousStepExecution(StepContext context) {
        super(context);
    }

    protected abstract T run() throws Exception;

    public final boolean start() throws Exception {
        executing = Thread.currentThread();
        try {
            getContext().onSuccess(run());
        } catch (Throwable t) {
            getContext().onFailure(t);
        } finally {
            executing = null;
        }
        return true;
    }

    public void stop(Throwable cause) throws Exception {
        Thread e = executing;
        if (e != null) {
            e.interrupt();
        }
    }
}
