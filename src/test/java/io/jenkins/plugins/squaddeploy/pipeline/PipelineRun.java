package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.model.Result;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one pipeline build did: its result and console, and what the harness recorded along the way. */
public final class PipelineRun {
    private final Result result;
    private final String console;
    private final Throwable error;
    private final Duration duration;
    private final SerializingChannel channel;
    private final Map<String, Object> params;
    private final List<InputRequest> inputs;
    private final List<String> refusedInputs;
    private final List<TestResultSummary> testResults;
    private final List<String> artifacts;
    private final List<String> options;
    private final List<String> triggers;
    private final List<String> properties;
    private final List<StageRecord> stages;
    private final List<String> postRuns;
    private final List<String> libraries;
    private final TestRun build;
    private final java.nio.file.Path workspace;

    /** How a stage ended. */
    public enum StageStatus { RAN, FAILED, SKIPPED_FOR_FAILURE, SKIPPED_FOR_CONDITIONAL, SKIPPED_FOR_UNSTABLE }

    public record StageRecord(String name, StageStatus status) {
    }

    /** What the {@code junit} step returns (junit's TestResultSummary: totalCount, failCount, skipCount, passCount). */
    public record TestResultSummary(int totalCount, int failCount, int skipCount) implements java.io.Serializable {
        public int getTotalCount() {
            return totalCount;
        }

        public int getFailCount() {
            return failCount;
        }

        public int getSkipCount() {
            return skipCount;
        }

        public int getPassCount() {
            return totalCount - failCount - skipCount;
        }
    }

    /** Each {@code junit} call's counts. */
    public List<TestResultSummary> testResults() {
        return testResults;
    }

    /** The files {@code archiveArtifacts} archived, relative to the workspace (copied to {@code PipelineHarness.artifactsDir} when set). */
    public List<String> artifacts() {
        return artifacts;
    }

    PipelineRun(PipelineExecution exec, Result result, Throwable error, Duration duration) {
        this.result = result;
        this.console = exec.console.text();
        this.error = error;
        this.duration = duration;
        this.channel = exec.channel;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(exec.params));
        this.inputs = List.copyOf(exec.inputs);
        this.refusedInputs = List.copyOf(exec.refusedInputs);
        this.testResults = List.copyOf(exec.testResults);
        this.artifacts = List.copyOf(exec.artifacts);
        this.options = List.copyOf(exec.options);
        this.triggers = List.copyOf(exec.triggers);
        this.properties = List.copyOf(exec.properties);
        this.stages = List.copyOf(exec.stages);
        this.postRuns = List.copyOf(exec.postRuns);
        this.libraries = exec.helper.loadedLibraries();
        this.build = exec.run;
        this.workspace = exec.workspaceDir;
    }

    /** The build itself: its actions (e.g. the deploy report's) and its directory ({@code getRootDir()}). */
    public TestRun build() {
        return build;
    }

    /** The workspace directory; deleted after the run unless {@link PipelineHarness#keepWorkspace(boolean)}. */
    public java.nio.file.Path workspace() {
        return workspace;
    }

    public Result result() {
        return result;
    }

    /** The console log, as Jenkins would show it (secrets masked). */
    public String console() {
        return console;
    }

    public List<String> consoleLines() {
        return Arrays.asList(console.split("\n", -1));
    }

    /**
     * The call stack as Jenkins prints it: the name of every step the pipeline called, in order ({@code [Pipeline] NAME}
     * lines, without block braces and the start and end of the pipeline).
     */
    public List<String> steps() {
        List<String> out = new java.util.ArrayList<>();
        for (String l : consoleLines()) {
            if (l.startsWith("[Pipeline] ") && !l.startsWith("[Pipeline] {") && !l.startsWith("[Pipeline] }") && !l.startsWith("[Pipeline] //")
                    && !l.equals("[Pipeline] Start of Pipeline") && !l.equals("[Pipeline] End of Pipeline")) {
                out.add(l.substring("[Pipeline] ".length()));
            }
        }
        return out;
    }

    /** What ended the build, if it did not end normally. */
    public Throwable error() {
        return error;
    }

    public Duration duration() {
        return duration;
    }

    /** The channel to the workspace's "agent": how many callables went through it, and which. */
    public SerializingChannel channel() {
        return channel;
    }

    public Map<String, Object> params() {
        return params;
    }

    public List<InputRequest> inputs() {
        return inputs;
    }

    /** Answers refused because their user was not among the input's submitters (Jenkins refuses such a click; the input keeps waiting). */
    public List<String> refusedInputs() {
        return refusedInputs;
    }

    /** The pipeline's {@code options}, as {@code name(args)}. */
    public List<String> options() {
        return options;
    }

    public List<String> triggers() {
        return triggers;
    }

    public List<String> properties() {
        return properties;
    }

    /** Each stage that was reached, in the order it finished (a parent after its nested stages). */
    public List<StageRecord> stages() {
        return stages;
    }

    public StageStatus stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).map(StageRecord::status).findFirst()
                .orElseThrow(() -> new AssertionError("no stage named '" + name + "' ran; stages: " + stages));
    }

    /** The post conditions that ran, in order, as {@code <stage>:<condition>} ({@code pipeline:<condition>} for the pipeline's post). */
    public List<String> postRuns() {
        return postRuns;
    }

    /** The shared libraries loaded, as {@code name@version}. */
    public List<String> libraries() {
        return libraries;
    }

    @Override
    public String toString() {
        return "PipelineRun[" + result + ", " + duration.toMillis() + " ms]\n" + console;
    }
}
