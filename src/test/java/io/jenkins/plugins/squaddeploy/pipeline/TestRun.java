package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.model.Result;
import hudson.model.Run;

/**
 * One build of a {@link TestJob}: number, previous build, result. While it runs, {@link #setResult} only makes the
 * result worse (the stand-in's Jenkins rule); {@link #complete} ends it.
 */
public final class TestRun extends Run<TestJob, TestRun> {
    private final TestJob job;
    private final int number;
    private final TestRun previous;
    private volatile boolean building = true;

    TestRun(TestJob job, int number, TestRun previous) {
        this.job = job;
        this.number = number;
        this.previous = previous;
        job.setLastBuild(this);
    }

    /** A finished earlier build with the given result, for post conditions such as {@code changed} and {@code fixed}. */
    static TestRun completed(TestJob job, int number, TestRun previous, Result result) {
        TestRun r = new TestRun(job, number, previous);
        r.setResult(result);
        r.building = false;
        return r;
    }

    @Override
    public TestJob getParent() {
        return job;
    }

    @Override
    public int getNumber() {
        return number;
    }

    @Override
    public TestRun getPreviousBuild() {
        return previous;
    }

    @Override
    public boolean isBuilding() {
        return building;
    }

    /** The result the build has so far: {@link #getResult()}, or SUCCESS while nothing made it worse. */
    Result currentResult() {
        Result r = getResult();
        return r == null ? Result.SUCCESS : r;
    }

    void complete(Result finalResult) {
        setResult(finalResult);
        building = false;
    }
}
