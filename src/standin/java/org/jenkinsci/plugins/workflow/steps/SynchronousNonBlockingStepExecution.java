package org.jenkinsci.plugins.workflow.steps;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-in for workflow-step-api's {@code SynchronousNonBlockingStepExecution}: {@link #start()} runs {@link #run()} on
 * a background thread (a shared cached pool of daemon threads, as in Jenkins) and reports the outcome to
 * {@code getContext().onSuccess(result)} or {@code onFailure(t)}; {@link #stop} interrupts that thread and fails
 * the step with the given cause.
 */
public abstract class SynchronousNonBlockingStepExecution<T> extends StepExecution {
    private static final long serialVersionUID = 1L;

    private static ExecutorService executorService;

    private transient volatile Future<?> task;
    private transient volatile String threadName;
    private transient volatile Throwable stopCause;

    protected SynchronousNonBlockingStepExecution(StepContext context) {
        super(context);
    }

    protected abstract T run() throws Exception;

    public final boolean start() throws Exception {
        task = getExecutorService().submit(() -> {
            threadName = Thread.currentThread().getName();
            try {
                T ret = run();
                getContext().onSuccess(ret);
            } catch (Throwable x) {
                if (stopCause == null) {
                    getContext().onFailure(x);
                } else {
                    stopCause.addSuppressed(x);
                }
            } finally {
                threadName = null;
            }
        });
        return false;
    }

    public void stop(Throwable cause) throws Exception {
        if (task != null) {
            stopCause = cause;
            task.cancel(true);
        }
        super.stop(cause);
    }

    public void onResume() {
        getContext().onFailure(new Exception("Resume after a restart not supported for non-blocking synchronous steps"));
    }

    public String getStatus() {
        String name = threadName;
        return name != null ? "running in thread: " + name : "not yet scheduled";
    }

    public boolean blocksRestart() {
        return threadName != null;
    }

    /** The shared pool (package-private, also used by {@link GeneralNonBlockingStepExecution}). */
    static synchronized ExecutorService getExecutorService() {
        if (executorService == null) {
            executorService = Executors.newCachedThreadPool(new DaemonThreadFactory());
        }
        return executorService;
    }

    private static final class DaemonThreadFactory implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution [#"
                    + count.incrementAndGet() + "]");
            t.setDaemon(true);
            t.setContextClassLoader(DaemonThreadFactory.class.getClassLoader());
            return t;
        }
    }
}
