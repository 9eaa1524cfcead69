package io.jenkins.plugins.squaddeploy.pipeline;

import com.lesfurets.jenkins.unit.MethodSignature;
import com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration;
import com.lesfurets.jenkins.unit.global.lib.SourceRetriever;
import groovy.lang.Closure;
import groovy.lang.Script;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.codehaus.groovy.runtime.InvokerInvocationException;
import org.jenkinsci.plugins.workflow.steps.Step;

/**
 * One build of one Jenkinsfile: the JenkinsPipelineUnit helper (CPS mode) with the harness' steps, the plugin's
 * steps and symbols, the declarative keywords and the shared library registered; the build (console, run, job,
 * workspace behind a {@link SerializingChannel}, {@link LocalLauncher}); and the state a running pipeline has in
 * Jenkins: the current node, environment overlays, masked secrets, running {@code timeout}s and the stack of
 * declarative sections being read.
 */
final class PipelineExecution {
    static final String LIBRARY = "squad-deploy";
    static final String LIBRARY_VERSION = "main";
    static final String ROOT_URL = TestBuild.ROOT_URL;

    final PipelineHarness config;
    final TestBuild build;
    final Console console;
    final TestJob job;
    final TestRun run;
    final PipelineEnv env = new PipelineEnv();
    final PipelineBinding binding = new PipelineBinding(env);
    final HarnessHelper helper = new HarnessHelper();
    final StepBinder.Catalog catalog = StepBinder.catalog();
    final StepBinder.Rules rules;
    final Path workspaceDir;
    final SerializingChannel channel;
    final LocalLauncher launcher;
    final Declarative declarative;
    final BasicSteps steps;

    private final Deque<NodeContext> nodes = new ArrayDeque<>();
    private final Deque<Deadline> deadlines = new ArrayDeque<>();
    private final Deque<Declarative.Frame> frames = new ArrayDeque<>();
    private final Map<String, BasicSteps.Builtin> builtins = new LinkedHashMap<>();

    // what the run did, for PipelineRun
    final List<InputRequest> inputs = new ArrayList<>();
    /** What {@code junit} recorded, and the files {@code archiveArtifacts} archived (workspace-relative). */
    final List<PipelineRun.TestResultSummary> testResults = new ArrayList<>();
    final List<String> artifacts = new ArrayList<>();
    /** Answers the harness refused, as Jenkins refuses a click by someone not among an input's submitters. */
    final List<String> refusedInputs = new ArrayList<>();
    final List<String> properties = new ArrayList<>();
    final List<PipelineRun.StageRecord> stages = new ArrayList<>();
    final List<String> postRuns = new ArrayList<>();
    final List<String> options = new ArrayList<>();
    final List<String> triggers = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();

    /** A node the pipeline is in: {@code node}, {@code agent any|label}, or a {@code dir} inside one. */
    record NodeContext(String label, FilePath workspace, LocalLauncher launcher) {
    }

    /**
     * A running {@code timeout} (or the harness' own limit), with what to say when it runs out. Like Jenkins'
     * timeout, it interrupts what runs when it fires, once: code that runs afterwards in the same block (a catch,
     * {@code post}) is not interrupted again. The harness' own limit keeps firing.
     */
    static final class Deadline {
        final long atNanos;
        final String cause;
        final boolean timeoutStep;
        boolean fired;

        Deadline(Duration d, String cause, boolean timeoutStep) {
            this.atNanos = System.nanoTime() + d.toNanos();
            this.cause = cause;
            this.timeoutStep = timeoutStep;
        }

        long remaining() {
            return atNanos - System.nanoTime();
        }
    }

    PipelineExecution(PipelineHarness config, Path scratch) throws IOException {
        this.config = config;
        this.build = new TestBuild(config.jobName(), config.buildNumber(), config.previousResult(), config.echo(), scratch);
        this.console = build.console();
        this.rules = new StepBinder.Rules(config.strictUnknownParameters(), config.lenientMissingArguments());
        this.job = build.job();
        this.run = build.run();
        this.workspaceDir = build.workspaceDir();
        this.channel = build.channel();
        this.launcher = build.launcher();
        this.declarative = new Declarative(this);
        this.steps = new BasicSteps(this);
        helper.bind(this);
        initEnvironment();
        binding.setVariable("currentBuild", new CurrentBuild(run, ROOT_URL, true, config.user()));
        params = new LinkedHashMap<>(config.params());
        binding.setVariable("params", Collections.unmodifiableMap(new LinkedHashMap<>(params)));
        params.forEach((k, v) -> env.put(k, v)); // build parameters are environment variables too
        deadlines.push(new Deadline(config.buildTimeout(), "The harness' build time limit of " + human(config.buildTimeout()) + " was exceeded", false));
    }

    private void initEnvironment() throws IOException {
        try {
            env.putAll(build.environment());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (config.branch() != null) {
            env.put("BRANCH_NAME", config.branch());
        }
        env.putAll(config.env());
    }

    // ---------------------------------------------------------------- set-up of JenkinsPipelineUnit

    private void initHelper(Path scriptDir) {
        helper.setScriptRoots(new String[] {scriptDir.toString()});
        helper.setScriptExtension("groovy");
        helper.setBaseScriptRoot(scriptDir.toString());
        helper.setBaseClassloader(PipelineExecution.class.getClassLoader());
        Map<String, String> imports = new LinkedHashMap<>(helper.getImports());
        imports.put("NonCPS", "com.cloudbees.groovy.cps.NonCPS");
        helper.setImports(imports);
        helper.setMethodMissingInterceptor(new MissingMethod(this));
        if (config.repoRoot() != null && Files.isDirectory(config.repoRoot().resolve("vars"))) {
            LibraryConfiguration lib = new LibraryConfiguration();
            lib.setName(LIBRARY);
            lib.setDefaultVersion(LIBRARY_VERSION);
            lib.setImplicit(config.implicitLibrary());
            lib.setAllowOverride(true);
            lib.setRetriever(new RepoSource(config.repoRoot()));
            helper.registerSharedLibrary(lib);
        }
        helper.init();
        Set<String> names = new LinkedHashSet<>();
        names.addAll(builtins.keySet());
        names.addAll(catalog.steps().keySet());
        names.addAll(catalog.symbols().keySet());
        names.addAll(Declarative.KEYWORDS);
        names.addAll(BasicSteps.PRINT);
        for (String name : names) {
            helper.forget(name);
            DslClosure c = new DslClosure(this, name);
            for (int arity = 0; arity <= 4; arity++) {
                Class<?>[] types = new Class<?>[arity];
                java.util.Arrays.fill(types, Object.class);
                helper.registerAllowedMethod(MethodSignature.method(name, types), c);
            }
        }
    }

    /** The repository itself is the shared library ({@code vars/}, {@code src/}, {@code resources/}), as a Jenkins "Legacy SCM" library. */
    record RepoSource(Path root) implements SourceRetriever {
        @Override
        public List<URL> retrieve(String repository, String branch, String targetPath) {
            try {
                return List.of(root.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Where calls to undefined methods end up (JenkinsPipelineUnit's {@code methodMissing} hook). */
    static final class MissingMethod extends Closure<Object> {
        private static final long serialVersionUID = 1L;
        private final transient PipelineExecution exec;

        MissingMethod(PipelineExecution exec) {
            super(null);
            this.exec = exec;
        }

        public Object doCall(String name, Object args) {
            Object[] a = args instanceof Object[] array ? array : new Object[] {args};
            return exec.dispatchMissing(name, a);
        }
    }

    // ---------------------------------------------------------------- the build

    PipelineRun execute(Path jenkinsfile) {
        long started = System.nanoTime();
        Throwable error = null;
        Path scratch;
        try {
            scratch = Files.createDirectories(workspaceDir.getParent().resolveSibling("script"));
            // Jenkins compiles the Jenkinsfile as class "WorkflowScript": so do we (error messages and stack traces match)
            Files.writeString(scratch.resolve("WorkflowScript.groovy"), Files.readString(jenkinsfile, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        steps.register(builtins);
        initHelper(scratch);
        console.println("Started by user " + config.user());
        Script script = null;
        PrintStream out = System.out;
        try {
            // JenkinsPipelineUnit prints "Loading shared library ..." to System.out; the console gets Jenkins' line below
            System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
            script = helper.loadScript("WorkflowScript.groovy", binding);
        } catch (Throwable t) {
            error = unwrap(t);
        } finally {
            System.setOut(out);
        }
        for (String lib : helper.loadedLibraries()) {
            console.println("Loading library " + lib);
        }
        console.println("[Pipeline] Start of Pipeline");
        if (script != null) {
            try {
                helper.runScript(script);
            } catch (Throwable t) {
                error = unwrap(t);
            }
        }
        console.println("[Pipeline] End of Pipeline");
        Result result = run.currentResult();
        if (error != null) {
            result = result.combine(resultOf(error));
            printEndOfBuildError(error);
        }
        run.complete(result);
        console.println("Finished: " + result);
        return new PipelineRun(this, result, error, Duration.ofNanos(System.nanoTime() - started));
    }

    private void printEndOfBuildError(Throwable error) {
        PrintStream log = console.getLogger();
        if (error instanceof AbortException) {
            log.println("ERROR: " + error.getMessage());
        } else if (error instanceof PipelineInterruptedException pie) {
            for (String cause : pie.getCauses()) {
                log.println(cause);
            }
        } else {
            printStackTrace(error, log);
        }
    }

    /**
     * A stack trace as a Jenkins build log shows it: the pipeline script's frames and the plugin's, without the
     * frames of Groovy's runtime, groovy-cps, JenkinsPipelineUnit and this harness.
     */
    static void printStackTrace(Throwable t, PrintStream log) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        String prefix = "";
        for (Throwable x = t; x != null && seen.add(x); x = x.getCause()) {
            log.println(prefix + x);
            int hidden = 0;
            for (StackTraceElement e : x.getStackTrace()) {
                if (e.getClassName().equals(PipelineExecution.class.getName()) && e.getMethodName().equals("execute")) {
                    break; // below: the test calling the harness
                }
                if (internalFrame(e.getClassName())) {
                    hidden++;
                } else {
                    log.println("\tat " + frame(e));
                }
            }
            if (hidden > 0) {
                log.println("\t... " + hidden + " frames of Groovy, groovy-cps and the test harness");
            }
            prefix = "Caused by: ";
        }
    }

    /** {@code WorkflowScript.run(WorkflowScript:8)} as Jenkins prints script frames; vars by file name. */
    private static String frame(StackTraceElement e) {
        String file = e.getFileName();
        if (file != null && file.startsWith("file:")) {
            file = file.substring(file.lastIndexOf('/') + 1);
            if (file.equals("WorkflowScript.groovy")) {
                file = "WorkflowScript";
            }
            return e.getClassName() + "." + e.getMethodName() + "(" + file + ":" + e.getLineNumber() + ")";
        }
        return e.toString();
    }

    private static boolean internalFrame(String cls) {
        for (String p : List.of("org.codehaus.groovy.", "groovy.lang.", "jdk.internal.", "java.lang.reflect.", "sun.reflect.",
                "com.cloudbees.groovy.cps.", "com.lesfurets.", "io.jenkins.plugins.squaddeploy.pipeline.", "org.junit.", "java.util.concurrent.")) {
            if (cls.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    static Result resultOf(Throwable t) {
        return t instanceof PipelineInterruptedException pie ? pie.getResult() : Result.FAILURE;
    }

    static Throwable unwrap(Throwable t) {
        Throwable x = t;
        while ((x instanceof InvokerInvocationException || x instanceof InvocationTargetException) && x.getCause() != null) {
            x = x.getCause();
        }
        return x;
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    // ---------------------------------------------------------------- dispatch

    Object dispatch(String name, Object[] args) {
        try {
            Declarative.Frame f = frames.peek();
            if (f != null && f.definition()) {
                return declarative.directive(f, name, args);
            }
            if (name.equals("pipeline")) {
                return declarative.pipeline(args);
            }
            if (BasicSteps.PRINT.contains(name)) {
                return steps.print(name, args);
            }
            BasicSteps.Builtin b = builtins.get(name);
            if (b != null) {
                return invokeBuiltin(b, args);
            }
            StepBinder.PluginStep p = catalog.steps().get(name);
            if (p != null) {
                return invokePluginStep(p, args);
            }
            StepBinder.Model symbol = catalog.symbols().get(name);
            if (symbol != null) {
                StepBinder.Parsed parsed = StepBinder.parseArgs(args, false, symbol.soleRequiredName());
                return symbol.instantiate(parsed.named(), console.getLogger(), rules);
            }
            throw noSuchDslMethod(name);
        } catch (Throwable t) {
            throw PipelineExecution.<RuntimeException>sneaky(unwrap(t));
        }
    }

    Object dispatchMissing(String name, Object[] args) {
        Declarative.Frame f = frames.peek();
        if (f != null && f.definition()) {
            try {
                return declarative.directive(f, name, args);
            } catch (Throwable t) {
                throw PipelineExecution.<RuntimeException>sneaky(t);
            }
        }
        throw noSuchDslMethod(name);
    }

    NoSuchMethodError noSuchDslMethod(String name) {
        Set<String> stepNames = new TreeSet<>(builtins.keySet());
        stepNames.addAll(catalog.steps().keySet());
        Set<String> symbols = new TreeSet<>(catalog.symbols().keySet());
        symbols.addAll(Declarative.KEYWORDS);
        symbols.removeAll(stepNames);
        Set<String> globals = new TreeSet<>(List.of("currentBuild", "env", "params", "pipeline"));
        if (!helper.loadedLibraries().isEmpty()) {
            globals.addAll(varsOf());
        }
        return new NoSuchMethodError("No such DSL method '" + name + "' found among steps " + stepNames + " or symbols " + symbols
                + " or globals " + globals);
    }

    private Set<String> varsOf() {
        Set<String> vars = new TreeSet<>();
        Path dir = config.repoRoot() == null ? null : config.repoRoot().resolve("vars");
        if (dir != null && Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".groovy"))
                        .forEach(n -> vars.add(n.substring(0, n.length() - ".groovy".length())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return vars;
    }

    private Object invokeBuiltin(BasicSteps.Builtin b, Object[] args) throws Exception {
        StepBinder.Parsed parsed = StepBinder.parseArgs(args, b.block(), b.sole());
        if (b.announce()) {
            console.println("[Pipeline] " + b.name());
            helper.checkpoint(b.name());
            checkInterrupt();
        }
        Map<String, Object> bound = b.raw() ? parsed.named() : bindBuiltin(b, parsed.named());
        if (b.block() && parsed.body() == null) {
            throw new IllegalStateException("There is no body to invoke");
        }
        requireContext(b.context());
        return b.handler().run(bound, parsed.body());
    }

    /** Validates and coerces a harness step's arguments with the same rules as the plugin's steps. */
    private Map<String, Object> bindBuiltin(BasicSteps.Builtin b, Map<String, Object> named) throws Exception {
        Map<String, Object> args = named;
        if (args.containsKey(StepBinder.ANONYMOUS_KEY)) {
            throw new IllegalArgumentException("Arguments to class " + b.realClass() + " have to be explicitly named");
        }
        List<String> unknown = new ArrayList<>();
        for (String k : args.keySet()) {
            if (!b.params().containsKey(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            String msg = "WARNING: Unknown parameter(s) found for class type '" + b.realClass() + "': " + String.join(",", unknown);
            if (rules.strictUnknownParameters()) {
                throw new IllegalArgumentException(msg);
            }
            console.println(msg);
        }
        List<String> missing = new ArrayList<>();
        for (String r : b.required()) {
            if (args.get(r) == null) {
                missing.add(r);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("Could not instantiate " + args + " for " + b.name() + ": missing required parameter"
                    + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Type> p : b.params().entrySet()) {
            if (args.containsKey(p.getKey())) {
                out.put(p.getKey(), StepBinder.coerce(b.realClass() + "." + p.getKey(), p.getValue(), args.get(p.getKey()), console.getLogger(), rules));
            }
        }
        return out;
    }

    private Object invokePluginStep(StepBinder.PluginStep p, Object[] args) throws Throwable {
        StepBinder.Parsed parsed = StepBinder.parseArgs(args, p.descriptor().takesImplicitBlockArgument(), p.model().soleRequiredName());
        console.println("[Pipeline] " + p.functionName());
        helper.checkpoint(p.functionName());
        checkInterrupt();
        Step step = (Step) p.model().instantiate(parsed.named(), console.getLogger(), rules);
        requireContext(p.requiredContext());
        TestStepContext context = newStepContext();
        long stepEnd = System.nanoTime() + config.stepTimeout().toNanos();
        return StepBinder.start(step, context, new StepBinder.Limit() {
            @Override
            public long remainingNanos() {
                return Math.min(PipelineExecution.this.remainingNanos(), stepEnd - System.nanoTime());
            }

            @Override
            public PipelineInterruptedException expired() {
                PipelineInterruptedException e = PipelineExecution.this.expired();
                return e != null ? e : new PipelineInterruptedException(Result.ABORTED, null,
                        "The harness' limit of " + human(config.stepTimeout()) + " for one step was exceeded by " + p.functionName());
            }
        });
    }

    TestStepContext newStepContext() {
        NodeContext node = nodes.peek();
        return new TestStepContext(build, envVars(), node == null ? null : node.workspace(), node == null ? null : node.launcher());
    }

    /** The environment a step sees: this JVM's, the build's variables and every overlay in effect. */
    EnvVars envVars() {
        EnvVars e = new EnvVars();
        for (Map.Entry<String, Object> kv : env.entrySet()) {
            if (kv.getValue() != null) {
                e.put(kv.getKey(), kv.getValue().toString());
            }
        }
        return e;
    }

    /** Like workflow-cps' DSL: prints the two lines Jenkins prints and fails with {@link MissingContextVariableException}. */
    void requireContext(Set<? extends Class<?>> required) throws MissingContextVariableException {
        List<Class<?>> ordered = new ArrayList<>();
        for (Class<?> c : List.of(FilePath.class, Launcher.class)) {
            if (required.contains(c)) {
                ordered.add(c);
            }
        }
        for (Class<?> c : required) {
            if (!ordered.contains(c)) {
                ordered.add(c);
            }
        }
        NodeContext node = nodes.peek();
        for (Class<?> c : ordered) {
            boolean present = c == TaskListener.class || c == Run.class || c == EnvVars.class
                    || ((c == FilePath.class || c == Launcher.class) && node != null);
            if (!present) {
                MissingContextVariableException e = new MissingContextVariableException(c);
                console.println(e.getMessage());
                console.println("Perhaps you forgot to surround the code with a step that provides this, such as: node");
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- blocks, frames and scopes

    /** Prints {@code [Pipeline] {} ... {@code [Pipeline] // name} around a block step's body, as Jenkins does. */
    Object block(String name, String openSuffix, Callable<Object> body) throws Exception {
        console.println("[Pipeline] {" + openSuffix);
        try {
            return body.call();
        } finally {
            console.println("[Pipeline] }");
            console.println("[Pipeline] // " + name);
        }
    }

    /** Runs pipeline code (a step's body, a stage's steps, a post condition) through groovy-cps. */
    Object runClosure(Closure<?> c) {
        frames.push(Declarative.Frame.EXECUTION);
        binding.agentWords(false);
        try {
            return helper.callClosure(c, null);
        } finally {
            frames.pop();
            binding.agentWords(frames.peek() != null && frames.peek().definition());
        }
    }

    /** Evaluates a declarative section's closure with {@code frame} on top, so the keywords inside it are read, not run. */
    Object readSection(Declarative.Frame frame, Closure<?> c) {
        frames.push(frame);
        binding.agentWords(true);
        try {
            return helper.callClosure(c, null);
        } finally {
            frames.pop();
            binding.agentWords(frames.peek() != null && frames.peek().definition());
        }
    }

    NodeContext node() {
        return nodes.peek();
    }

    Object inNode(NodeContext ctx, Callable<Object> body) throws Exception {
        nodes.push(ctx);
        Map<String, String> before = env.overlay(Map.of("WORKSPACE", ctx.workspace().getRemote(), "NODE_NAME", "built-in",
                "NODE_LABELS", "built-in", "EXECUTOR_NUMBER", "0"));
        try {
            return body.call();
        } finally {
            env.restore(before);
            nodes.pop();
        }
    }

    NodeContext newNode(String label) throws IOException, InterruptedException {
        FilePath ws = new FilePath(channel, workspaceDir.toString());
        ws.mkdirs();
        return new NodeContext(label, ws, launcher);
    }

    Object withDeadline(Deadline d, Callable<Object> body) throws Exception {
        deadlines.push(d);
        try {
            return body.call();
        } finally {
            deadlines.remove(d);
        }
    }

    long remainingNanos() {
        long min = Long.MAX_VALUE;
        for (Deadline d : deadlines) {
            if (!d.fired) {
                min = Math.min(min, d.remaining());
            }
        }
        return min;
    }

    /** The interruption for the deadline that has run out (the earliest), or null. */
    PipelineInterruptedException expired() {
        Deadline first = null;
        for (Deadline d : deadlines) {
            if (!d.fired && d.remaining() <= 0 && (first == null || d.atNanos < first.atNanos)) {
                first = d;
            }
        }
        if (first == null) {
            return null;
        }
        if (first.timeoutStep) {
            first.fired = true;
            console.println("Cancelling nested steps due to timeout");
        }
        return new PipelineInterruptedException(Result.ABORTED, first, first.cause);
    }

    /** Throws the interruption of a deadline that has run out. */
    void checkInterrupt() throws PipelineInterruptedException {
        if (remainingNanos() <= 0) {
            PipelineInterruptedException e = expired();
            if (e != null) {
                throw e;
            }
        }
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " sec";
        }
        if (s < 3600) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " sec");
        }
        return (s / 3600) + " hr" + ((s % 3600) / 60 == 0 ? "" : " " + ((s % 3600) / 60) + " min");
    }
}
