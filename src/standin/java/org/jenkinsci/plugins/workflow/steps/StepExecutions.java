package org.jenkinsci.plugins.workflow.steps;

/** Stand-in for workflow-step-api's {@code StepExecutions}: lambda-based {@link StepExecution} builders. */
public class StepExecutions {

    @FunctionalInterface
    public interface SynchronousBody {
        Object call(StepContext context) throws Exception;
    }

    @FunctionalInterface
    public interface SynchronousBodyVoid {
        void call(StepContext context) throws Exception;

        default SynchronousBody asReturn() {
            return c -> {
                call(c);
                return null;
            };
        }
    }

    @FunctionalInterface
    public interface BlockBody {
        void call(StepContext context, BodyInvoker invoker) throws Exception;
    }

    public static StepExecution synchronous(StepContext context, SynchronousBody body) {
        return new SynchronousImpl(context, body);
    }

    public static StepExecution synchronousVoid(StepContext context, SynchronousBodyVoid body) {
        return new SynchronousImpl(context, body.asReturn());
    }

    public static StepExecution synchronousNonBlocking(StepContext context, SynchronousBody body) {
        return new SynchronousNonBlockingImpl(context, body);
    }

    public static StepExecution synchronousNonBlockingVoid(StepContext context, SynchronousBodyVoid body) {
        return new SynchronousNonBlockingImpl(context, body.asReturn());
    }

    /** The body may configure the invoker; it is then started with the step's own context as callback. */
    public static StepExecution block(StepContext context, BlockBody body) {
        return new BlockImpl(context, body);
    }

    private StepExecutions() {
    }

    private static final class SynchronousImpl extends SynchronousStepExecution<Object> {
        private static final long serialVersionUID = 1L;
        private final transient SynchronousBody body;

        SynchronousImpl(StepContext context, SynchronousBody body) {
            super(context);
            this.body = body;
        }

        @Override
        protected Object run() throws Exception {
            return body.call(getContext());
        }
    }

    private static final class SynchronousNonBlockingImpl extends SynchronousNonBlockingStepExecution<Object> {
        private static final long serialVersionUID = 1L;
        private final transient SynchronousBody body;

        SynchronousNonBlockingImpl(StepContext context, SynchronousBody body) {
            super(context);
            this.body = body;
        }

        @Override
        protected Object run() throws Exception {
            return body.call(getContext());
        }
    }

    private static final class BlockImpl extends StepExecution {
        private static final long serialVersionUID = 1L;
        private final transient BlockBody body;

        BlockImpl(StepContext context, BlockBody body) {
            super(context);
            this.body = body;
        }

        @Override
        public boolean start() throws Exception {
            StepContext context = getContext();
            BodyInvoker invoker = context.newBodyInvoker();
            body.call(context, invoker);
            invoker.withCallback(BodyExecutionCallback.wrap(context)).start();
            return false;
        }
    }
}
