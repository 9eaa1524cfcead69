package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.model.Result;
import java.io.Serializable;

/**
 * The {@code currentBuild} global, after Jenkins' {@code RunWrapper}: {@code result} (null until something sets it,
 * and setting it can only make it worse), {@code currentResult} (never null), {@code number}, names, URL,
 * {@code previousBuild}. Serializable like RunWrapper; the live build is not part of the serialized form.
 */
public final class CurrentBuild implements Serializable {
    private static final long serialVersionUID = 1L;

    private final transient TestRun run;
    private final int number;
    private final String projectName;
    private final String absoluteUrl;
    private final boolean current;
    private final String startedBy;

    CurrentBuild(TestRun run, String rootUrl, boolean current) {
        this(run, rootUrl, current, null);
    }

    CurrentBuild(TestRun run, String rootUrl, boolean current, String startedBy) {
        this.startedBy = startedBy;
        this.run = run;
        this.number = run.getNumber();
        this.projectName = run.getParent().getName();
        this.absoluteUrl = rootUrl + run.getUrl();
        this.current = current;
    }

    public String getResult() {
        Result r = run == null ? null : run.getResult();
        return r == null ? null : r.toString();
    }

    /** Like RunWrapper: only the current build can be changed, and only to a worse result. */
    public void setResult(String result) {
        if (!current) {
            throw new SecurityException("can only set the result property on the current build");
        }
        run.setResult(Result.fromString(result));
    }

    public String getCurrentResult() {
        return run == null ? "SUCCESS" : run.currentResult().toString();
    }

    public boolean resultIsBetterOrEqualTo(String other) {
        return Result.fromString(getCurrentResult()).isBetterOrEqualTo(Result.fromString(other));
    }

    public boolean resultIsWorseOrEqualTo(String other) {
        return Result.fromString(getCurrentResult()).isWorseOrEqualTo(Result.fromString(other));
    }

    public int getNumber() {
        return number;
    }

    public String getId() {
        return Integer.toString(number);
    }

    public String getDisplayName() {
        return "#" + number;
    }

    public String getFullDisplayName() {
        return projectName + " #" + number;
    }

    public String getProjectName() {
        return projectName;
    }

    public String getFullProjectName() {
        return projectName;
    }

    public String getAbsoluteUrl() {
        return absoluteUrl;
    }

    public String getDescription() {
        return run == null ? null : run.getDescription();
    }

    public void setDescription(String d) throws java.io.IOException {
        run.setDescription(d);
    }

    /**
     * Like RunWrapper#getBuildCauses(): one map per cause, as Jenkins' JSON export gives it; the harness' build is
     * started by its user ({@code PipelineHarness.user}), so there is one {@code hudson.model.Cause$UserIdCause}.
     */
    public java.util.List<java.util.Map<String, Object>> getBuildCauses() {
        java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        if (startedBy != null) {
            java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
            c.put("_class", "hudson.model.Cause$UserIdCause");
            c.put("shortDescription", "Started by user " + startedBy);
            c.put("userId", startedBy);
            c.put("userName", startedBy);
            out.add(c);
        }
        return out;
    }

    /** Like RunWrapper#getBuildCauses(String): the causes of that class (or a subclass, by name here). */
    public java.util.List<java.util.Map<String, Object>> getBuildCauses(String className) {
        java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        for (java.util.Map<String, Object> c : getBuildCauses()) {
            if (className.equals(c.get("_class"))) {
                out.add(c);
            }
        }
        return out;
    }

    public CurrentBuild getPreviousBuild() {
        TestRun p = run == null ? null : run.getPreviousBuild();
        return p == null ? null : new CurrentBuild(p, absoluteUrl.substring(0, absoluteUrl.length() - run.getUrl().length()), false);
    }

    @Override
    public String toString() {
        return "org.jenkinsci.plugins.workflow.support.steps.build.RunWrapper@" + projectName + "#" + number;
    }
}
