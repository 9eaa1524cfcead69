package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.model.Result;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a Jenkinsfile (Declarative or scripted) the way a Jenkins controller with one local agent would, without
 * Jenkins: JenkinsPipelineUnit 1.1 in CPS mode compiles and runs the script, this repository is loaded as the
 * shared library ({@code vars/}), the plugin's real steps run through their {@code StepExecution}s with a
 * {@link TestStepContext}, {@code sh} runs for real, and the console looks like a Jenkins build log.
 * <pre>
 * PipelineRun run = new PipelineHarness().param("SERVICE_URL", url).run(Path.of("Jenkinsfile.example"));
 * assertThat(run.result()).isEqualTo(Result.SUCCESS);
 * </pre>
 * Credentials are the stand-in's: add them with {@code com.cloudbees.plugins.credentials.TestCredentials}.
 * Each {@link #run} is a new build with a fresh script engine and workspace; the settings are kept.
 */
public final class PipelineHarness {
    private Path repoRoot = defaultRepoRoot();
    private PrintStream echo;
    private String jobName = "pipeline";
    private int buildNumber = 1;
    private Result previousResult;
    private String branch;
    private String user = "harness";
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, java.util.Set<String>> groups = new LinkedHashMap<>();
    private Function<InputRequest, InputAnswer> inputAnswer = r -> null;
    private Duration stepTimeout = Duration.ofMinutes(10);
    private Duration buildTimeout = Duration.ofMinutes(20);
    private Duration maxSleep = Duration.ofMinutes(2);
    private boolean strictUnknownParameters;
    private boolean lenientMissingArguments;
    private boolean implicitLibrary = true;
    private boolean keepWorkspace;
    private Path artifactsDir;

    /** The repository root: {@code squad.repo.root} (set by the build), else the nearest directory with a pom.xml and vars/. */
    public static Path defaultRepoRoot() {
        String p = System.getProperty("squad.repo.root");
        if (p != null) {
            return Path.of(p).toAbsolutePath();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("vars"))) {
                return d;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    // ---------------------------------------------------------------- settings

    /** Where {@code vars/} (the shared library) is; default: the repository root. */
    public PipelineHarness repoRoot(Path root) {
        this.repoRoot = root;
        return this;
    }

    /** Also copies every console line to {@code out} as it is written (the demo's build log). */
    public PipelineHarness echo(PrintStream out) {
        this.echo = out;
        return this;
    }

    public PipelineHarness jobName(String name) {
        this.jobName = name;
        return this;
    }

    public PipelineHarness buildNumber(int n) {
        this.buildNumber = n;
        return this;
    }

    /** Gives the build a completed previous build with this result ({@code changed}, {@code fixed}, {@code regression}). */
    public PipelineHarness previousResult(Result r) {
        this.previousResult = r;
        return this;
    }

    /** Sets {@code BRANCH_NAME} (as a multibranch job would), for {@code when { branch ... }}. */
    public PipelineHarness branch(String name) {
        this.branch = name;
        return this;
    }

    /** Who started the build (and, by default, who answers {@code input}). */
    public PipelineHarness user(String name) {
        this.user = name;
        return this;
    }

    /** A build parameter value, as if chosen in "Build with Parameters" (overrides the declared default). */
    public PipelineHarness param(String name, Object value) {
        params.put(name, value);
        return this;
    }

    /** An environment variable of the build (as a node property or a global variable would give it). */
    public PipelineHarness env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** A security group and its members, for {@code input(submitter: 'group,...')} (Jenkins accepts user IDs and group names). */
    public PipelineHarness group(String name, String... members) {
        groups.put(name, new java.util.LinkedHashSet<>(java.util.List.of(members)));
        return this;
    }

    /** Decides each {@code input}; returning null (the default) aborts it as the build's user. */
    public PipelineHarness onInput(Function<InputRequest, InputAnswer> answer) {
        this.inputAnswer = answer;
        return this;
    }

    /** The longest a single plugin step may run before the harness aborts it (default 10 min). */
    public PipelineHarness stepTimeout(Duration d) {
        this.stepTimeout = d;
        return this;
    }

    /** The longest a whole build may run before the harness aborts it (default 20 min). */
    public PipelineHarness buildTimeout(Duration d) {
        this.buildTimeout = d;
        return this;
    }

    /** The longest {@code sleep} the harness accepts (default 2 min). */
    public PipelineHarness maxSleep(Duration d) {
        this.maxSleep = d;
        return this;
    }

    /** Unknown step parameters fail the step instead of printing Jenkins' {@code WARNING: Unknown parameter(s)} line. */
    public PipelineHarness strictUnknownParameters(boolean strict) {
        this.strictUnknownParameters = strict;
        return this;
    }

    /** Missing required constructor parameters are passed as null / 0 / false, as Jenkins' structs does, instead of failing. */
    public PipelineHarness lenientMissingArguments(boolean lenient) {
        this.lenientMissingArguments = lenient;
        return this;
    }

    /** Whether the library is loaded without {@code @Library} (a Jenkins "load implicitly" library); default true. */
    public PipelineHarness implicitLibrary(boolean implicit) {
        this.implicitLibrary = implicit;
        return this;
    }

    /** Where {@code archiveArtifacts} copies the build's artifacts (kept after the run); default: none, only recorded. */
    public PipelineHarness artifactsDir(Path dir) {
        this.artifactsDir = dir;
        return this;
    }

    Path artifactsDir() {
        return artifactsDir;
    }

    /** Keeps the build's temporary directory (workspace) after the run, for debugging. */
    public PipelineHarness keepWorkspace(boolean keep) {
        this.keepWorkspace = keep;
        return this;
    }

    // ---------------------------------------------------------------- running

    /** Runs a Jenkinsfile as build {@link #buildNumber(int)} of job {@link #jobName(String)}. */
    public PipelineRun run(Path jenkinsfile) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("squad-pipeline-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return new PipelineExecution(this, scratch).execute(jenkinsfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!keepWorkspace) {
                deleteQuietly(scratch);
            }
        }
    }

    /** Runs pipeline code given as text (written to a temporary Jenkinsfile). */
    public PipelineRun runScript(String jenkinsfile) {
        try {
            Path f = Files.createTempFile("Jenkinsfile-", ".groovy");
            try {
                Files.writeString(f, jenkinsfile, StandardCharsets.UTF_8);
                return run(f);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    // ---------------------------------------------------------------- for PipelineExecution

    Path repoRoot() {
        return repoRoot;
    }

    PrintStream echo() {
        return echo;
    }

    String jobName() {
        return jobName;
    }

    int buildNumber() {
        return buildNumber;
    }

    Result previousResult() {
        return previousResult;
    }

    String branch() {
        return branch;
    }

    String user() {
        return user;
    }

    Map<String, Object> params() {
        return params;
    }

    Map<String, String> env() {
        return env;
    }

    Map<String, java.util.Set<String>> groups() {
        return groups;
    }

    Function<InputRequest, InputAnswer> inputAnswer() {
        return inputAnswer;
    }

    Duration stepTimeout() {
        return stepTimeout;
    }

    Duration buildTimeout() {
        return buildTimeout;
    }

    Duration maxSleep() {
        return maxSleep;
    }

    boolean strictUnknownParameters() {
        return strictUnknownParameters;
    }

    boolean lenientMissingArguments() {
        return lenientMissingArguments;
    }

    boolean implicitLibrary() {
        return implicitLibrary;
    }
}
