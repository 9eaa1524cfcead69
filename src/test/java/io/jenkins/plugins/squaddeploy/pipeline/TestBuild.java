package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One build, as a step sees it through its {@code StepContext}: the {@link Console} (its {@code TaskListener}),
 * the {@link TestRun} of a {@link TestJob}, the build's environment, and the "agent": a workspace directory reached
 * through a {@link SerializingChannel} (so every callable sent to it is really serialized) and a
 * {@link LocalLauncher} that runs processes on this machine. {@link #context} makes the {@link TestStepContext}
 * a step is started with; a test can use it to start a step without a pipeline.
 */
public final class TestBuild {
    static final String ROOT_URL = "http://127.0.0.1:8080/";

    private final Console console;
    private final TestJob job;
    private final TestRun run;
    private final Path workspaceDir;
    private final SerializingChannel channel;
    private final LocalLauncher launcher;

    /**
     * @param echo     where to copy the console as it is written, or null
     * @param previous the result of a completed previous build, or null for the first build
     * @param scratch  a private directory; the workspace is {@code scratch/workspace/<job>}
     */
    public TestBuild(String jobName, int number, Result previous, PrintStream echo, Path scratch) throws IOException {
        this.console = new Console(echo);
        this.job = new TestJob(jobName);
        TestRun prev = previous == null ? null : TestRun.completed(job, number - 1, null, previous);
        this.run = new TestRun(job, number, prev);
        this.workspaceDir = Files.createDirectories(scratch.resolve("workspace").resolve(jobName));
        this.channel = new SerializingChannel(TestBuild.class.getClassLoader());
        this.launcher = new LocalLauncher(console, channel);
    }

    public Console console() {
        return console;
    }

    public TestJob job() {
        return job;
    }

    public TestRun run() {
        return run;
    }

    public Path workspaceDir() {
        return workspaceDir;
    }

    /** The workspace as the agent's FilePath: every operation on it goes through {@link #channel()}. */
    public FilePath workspace() {
        return new FilePath(channel, workspaceDir.toString());
    }

    public SerializingChannel channel() {
        return channel;
    }

    public LocalLauncher launcher() {
        return launcher;
    }

    /** The build's own variables over this JVM's environment: BUILD_NUMBER, JOB_NAME, BUILD_URL, ... */
    public EnvVars environment() throws IOException, InterruptedException {
        EnvVars env = new EnvVars(System.getenv());
        env.putAll(run.getEnvironment(console));
        env.put("JENKINS_URL", ROOT_URL);
        env.put("BUILD_URL", ROOT_URL + run.getUrl());
        env.put("JOB_URL", ROOT_URL + "job/" + job.getName() + "/");
        env.put("JOB_DISPLAY_URL", ROOT_URL + "job/" + job.getName() + "/display/redirect");
        env.put("RUN_DISPLAY_URL", ROOT_URL + run.getUrl() + "display/redirect");
        env.put("CI", "true");
        return env;
    }

    /**
     * A context for one step: {@code env} as its {@code EnvVars}; with {@code inNode}, the workspace and launcher
     * (as inside {@code node}); without, FilePath and Launcher are missing (as with {@code agent none}).
     */
    public TestStepContext context(EnvVars env, boolean inNode) {
        return new TestStepContext(this, env, inNode ? workspace() : null, inNode ? launcher : null);
    }
}
