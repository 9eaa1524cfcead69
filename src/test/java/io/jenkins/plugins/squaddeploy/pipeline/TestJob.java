package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.model.Job;

/** The pipeline job a {@link TestRun} belongs to: a name and its builds (newest last). */
public final class TestJob extends Job<TestJob, TestRun> {
    private final String name;
    private TestRun lastBuild;

    TestJob(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public TestRun getLastBuild() {
        return lastBuild;
    }

    void setLastBuild(TestRun run) {
        this.lastBuild = run;
    }
}
