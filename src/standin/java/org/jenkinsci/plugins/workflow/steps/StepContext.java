package org.jenkinsci.plugins.workflow.steps;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.model.Result;
import java.io.IOException;
import java.io.Serializable;

/**
 * Stand-in for workflow-step-api's {@code StepContext}: what a running step sees of the pipeline. Tests subclass it
 * (including {@code onFailure(Throwable)}, inherited abstract from Guava's {@link FutureCallback}).
 */
public abstract class StepContext implements FutureCallback<Object>, Serializable {
    private static final long serialVersionUID = 1L;

    public abstract <T> T get(Class<T> key) throws IOException, InterruptedException;

    @Override
    public abstract void onSuccess(Object result);

    public abstract boolean isReady();

    public abstract ListenableFuture<Void> saveState();

    public abstract void setResult(Result r);

    public abstract BodyInvoker newBodyInvoker() throws IllegalStateException;

    /** Default as in workflow-step-api: whether {@link #newBodyInvoker()} succeeds. */
    public boolean hasBody() {
        try {
            newBodyInvoker();
            return true;
        } catch (IllegalStateException x) {
            return false;
        }
    }

    public abstract boolean equals(Object o);

    @Override
    public abstract int hashCode();
}
