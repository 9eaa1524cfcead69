package io.jenkins.plugins.squaddeploy.pipeline;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Job;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.concurrent.CompletableFuture;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * What one running step sees of the pipeline, as CpsStepContext gives it in Jenkins: the build's
 * {@link TaskListener} (the masked {@link Console}), the {@link Run}, the {@link EnvVars} at the point of the call
 * ({@code environment}, {@code withEnv}, parameters and the build's variables over this JVM's environment), and,
 * only inside a node ({@code agent any}/{@code label}, {@code node {}}), the workspace {@link FilePath} (behind a
 * {@link SerializingChannel}) and the {@link Launcher}. {@link #onSuccess}/{@link #onFailure} complete
 * {@link #outcome()}, which the harness waits on.
 */
public final class TestStepContext extends StepContext {
    private static final long serialVersionUID = 1L;

    private final transient TestBuild build;
    private final transient EnvVars env;
    private final transient FilePath workspace;
    private final transient Launcher launcher;
    private final transient CompletableFuture<Object> outcome = new CompletableFuture<>();
    /** Survives serialisation: after a simulated restart the execution's context resolves to its replacement. */
    private final String id = java.util.UUID.randomUUID().toString();
    private static final java.util.Map<String, TestStepContext> RESUMED = new java.util.concurrent.ConcurrentHashMap<>();

    TestStepContext(TestBuild build, EnvVars env, FilePath workspace, Launcher launcher) {
        this.build = build;
        this.env = env;
        this.workspace = workspace;
        this.launcher = launcher;
    }

    @Override
    public <T> T get(Class<T> key) {
        Object v = null;
        if (key == TaskListener.class) {
            v = build.console();
        } else if (key == Run.class || key == TestRun.class) {
            v = build.run();
        } else if (key == Job.class) {
            v = build.job();
        } else if (key == EnvVars.class) {
            v = new EnvVars(env);
        } else if (key == FilePath.class) {
            v = workspace;
        } else if (key == Launcher.class) {
            v = launcher;
        }
        return key.cast(v);
    }

    @Override
    public void onSuccess(Object result) {
        outcome.complete(result);
    }

    @Override
    public void onFailure(Throwable t) {
        outcome.completeExceptionally(t);
    }

    /** Completed by {@link #onSuccess} with the step's value, or exceptionally by {@link #onFailure}. */
    public CompletableFuture<Object> outcome() {
        return outcome;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public ListenableFuture<Void> saveState() {
        return Futures.immediateFuture(null);
    }

    @Override
    public void setResult(Result r) {
        build.run().setResult(r);
    }

    @Override
    public BodyInvoker newBodyInvoker() {
        throw new IllegalStateException("this step was not given a body (the harness does not run block steps from plugins yet)");
    }

    /**
     * Simulates a controller restart for executions serialised with this context (as Jenkins saves them in
     * program.dat): when they are read back, their context is {@code replacement}, a context of the new JVM.
     */
    public void resumeAs(TestStepContext replacement) {
        RESUMED.put(id, replacement);
    }

    private Object readResolve() {
        TestStepContext replacement = RESUMED.remove(id);
        return replacement != null ? replacement : this;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
