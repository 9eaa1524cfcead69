package org.jenkinsci.plugins.workflow.steps;

import java.util.concurrent.Future;

/**
 * Stand-in for workflow-step-api's {@code GeneralNonBlockingStepExecution}: {@link #run(Block)} runs a block on a
 * background thread (shared daemon pool); if the block throws, the step fails with {@code getContext().onFailure(t)}.
 * {@link #stop} interrupts the running block and fails the step with the cause. Same logic as the real class.
 */
public abstract class GeneralNonBlockingStepExecution extends StepExecution {
    private static final long serialVersionUID = 1L;

    private transient volatile Future<?> task;
    private volatile String threadName;
    private transient volatile Throwable stopCause;

    protected GeneralNonBlockingStepExecution(StepContext context) {
        super(context);
    }

    /** Code to run in a background thread; may throw, need not return anything. */
    @FunctionalInterface
    protected interface Block {
        void run() throws Exception;
    }

    protected final void run(Block block) {
        if (stopCause != null) {
            return;
        }
        task = SynchronousNonBlockingStepExecution.getExecutorService().submit(() -> {
            threadName = Thread.currentThread().getName();
            try {
                block.run();
            } catch (Throwable x) {
                if (stopCause == null) {
                    getContext().onFailure(x);
                } else {
                    stopCause.addSuppressed(x);
                }
            } finally {
                threadName = null;
                task = null;
            }
        });
    }

    public void stop(Throwable cause) throws Exception {
        stopCause = cause;
        Future<?> t = task;
        if (t != null) {
            t.cancel(true);
        }
        super.stop(cause);
    }

    public void onResume() {
        if (threadName != null) {
            getContext().onFailure(new Exception("Resume after a restart not supported while running background code"));
        }
    }

    public String getStatus() {
        String name = threadName;
        return name != null ? "running in thread: " + name : "not currently scheduled, or running blocks";
    }

    public boolean blocksRestart() {
        return threadName != null;
    }

    /** Variant of {@link BodyExecutionCallback.TailCall} that runs {@link #finished} through {@link #run(Block)}. */
    protected abstract class TailCall extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;

        protected abstract void finished(StepContext context) throws Exception;

        public final void onSuccess(StepContext context, Object result) {
            run(() -> {
                try {
                    finished(context);
                } catch (Exception x) {
                    if (stopCause == null) {
                        context.onFailure(x);
                    } else {
                        stopCause.addSuppressed(x);
                    }
                    return;
                }
                context.onSuccess(result);
            });
        }

        public final void onFailure(StepContext context, Throwable t) {
            run(() -> {
                try {
                    finished(context);
                } catch (Exception x) {
                    t.addSuppressed(x);
                }
                context.onFailure(t);
            });
        }
    }
}
