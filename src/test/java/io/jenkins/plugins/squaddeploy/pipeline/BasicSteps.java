package io.jenkins.plugins.squaddeploy.pipeline;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import groovy.lang.Closure;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The basic Pipeline steps a Jenkinsfile of this project uses, implemented for real: {@code echo}, {@code sh}
 * (through the {@link LocalLauncher}), {@code error}, {@code withEnv}, {@code withCredentials} (with masking),
 * {@code timeout}, {@code retry}, {@code sleep}, {@code writeFile}/{@code readFile}/{@code fileExists},
 * {@code isUnix}, {@code node}, {@code dir}, {@code deleteDir}, {@code stage}, {@code script}, {@code input},
 * {@code unstable}, {@code parallel} (branches run one after the other), {@code properties}. Each prints what its
 * Jenkins counterpart prints and takes its arguments under the same names and types (the class named in binding
 * errors is the real step class).
 */
final class BasicSteps {
    private static final Set<Class<?>> NONE = Set.of();
    private static final Set<Class<?>> WORKSPACE = Set.of(FilePath.class);
    private static final Set<Class<?>> PROCESS = Set.of(Run.class, FilePath.class, EnvVars.class, Launcher.class, TaskListener.class);

    private final PipelineExecution exec;
    private final CountDownLatch never = new CountDownLatch(1);

    BasicSteps(PipelineExecution exec) {
        this.exec = exec;
    }

    @FunctionalInterface
    interface Handler {
        Object run(Map<String, Object> args, Closure<?> body) throws Exception;
    }

    /**
     * One harness step.
     *
     * @param realClass the Jenkins class of the step, named in binding errors as Jenkins names it
     * @param params    parameter names and types, as the real step's data binding declares them
     * @param sole      the parameter a single unnamed argument binds to
     * @param announce  whether it is a step (prints {@code [Pipeline] name}, is a save point) or a symbol/global
     * @param raw       whether its named arguments are passed through unvalidated ({@code parallel}, symbols)
     */
    record Builtin(String name, String realClass, Map<String, Type> params, Set<String> required, String sole, boolean block,
                   Set<Class<?>> context, boolean announce, boolean raw, Handler handler) {
    }

    private static Map<String, Type> params(Object... nameType) {
        Map<String, Type> m = new LinkedHashMap<>();
        for (int i = 0; i < nameType.length; i += 2) {
            m.put((String) nameType[i], (Type) nameType[i + 1]);
        }
        return m;
    }

    private static Builtin step(String name, String realClass, Map<String, Type> params, String sole, boolean block, Set<Class<?>> context,
                                Handler h) {
        Set<String> required = sole == null ? Set.of() : Set.of(sole);
        return new Builtin(name, realClass, params, required, sole, block, context, true, false, h);
    }

    void register(Map<String, Builtin> into) {
        String wf = "org.jenkinsci.plugins.workflow.steps.";
        String basic = "org.jenkinsci.plugins.workflow.steps.";
        List<Builtin> all = new ArrayList<>();
        all.add(step("echo", wf + "EchoStep", params("message", String.class), "message", false, NONE,
                (a, b) -> echo((String) a.get("message"))));
        all.add(step("error", basic + "ErrorStep", params("message", String.class), "message", false, NONE,
                (a, b) -> {
                    throw new AbortException((String) a.get("message"));
                }));
        all.add(step("sh", "org.jenkinsci.plugins.workflow.steps.durable_task.ShellStep",
                params("script", String.class, "returnStdout", boolean.class, "returnStatus", boolean.class, "label", String.class, "encoding",
                        String.class),
                "script", false, PROCESS, (a, b) -> sh(a)));
        all.add(new Builtin("withEnv", basic + "EnvStep", params("overrides", List.class), Set.of("overrides"), "overrides", true, NONE, true,
                false, (a, b) -> withEnv(toStrings(a.get("overrides")), b)));
        all.add(new Builtin("withCredentials", "org.jenkinsci.plugins.credentialsbinding.impl.BindingStep", params("bindings", List.class),
                Set.of("bindings"), "bindings", true, NONE, true, false, (a, b) -> withCredentials((List<?>) a.get("bindings"), b)));
        all.add(new Builtin("timeout", basic + "TimeoutStep", params("time", int.class, "unit", String.class, "activity", boolean.class),
                Set.of("time"), "time", true, NONE, true, false, (a, b) -> timeout(a, b)));
        all.add(new Builtin("retry", basic + "RetryStep", params("count", int.class, "conditions", List.class), Set.of("count"), "count", true,
                NONE, true, false, (a, b) -> retry((Integer) a.get("count"), b)));
        all.add(step("sleep", basic + "SleepStep", params("time", long.class, "unit", String.class), "time", false, NONE,
                (a, b) -> sleep(((Number) a.get("time")).longValue(), (String) a.get("unit"))));
        all.add(new Builtin("writeFile", basic + "WriteFileStep", params("file", String.class, "text", String.class, "encoding", String.class),
                Set.of("file", "text"), null, false, WORKSPACE, true, false, (a, b) -> writeFile(a)));
        all.add(step("readFile", basic + "ReadFileStep", params("file", String.class, "encoding", String.class), "file", false, WORKSPACE,
                (a, b) -> readFile(a)));
        all.add(step("fileExists", basic + "FileExistsStep", params("file", String.class), "file", false, WORKSPACE,
                (a, b) -> file((String) a.get("file")).exists()));
        all.add(step("isUnix", basic + "IsUnixStep", params(), null, false, Set.of(Launcher.class), (a, b) -> exec.node().launcher().isUnix()));
        all.add(step("deleteDir", basic + "DeleteDirStep", params(), null, false, WORKSPACE, (a, b) -> {
            exec.node().workspace().deleteRecursive();
            return null;
        }));
        all.add(new Builtin("dir", basic + "PushdStep", params("path", String.class), Set.of("path"), "path", true, WORKSPACE, true, false,
                (a, b) -> dir((String) a.get("path"), b)));
        all.add(new Builtin("node", "org.jenkinsci.plugins.workflow.support.steps.ExecutorStep", params("label", String.class), Set.of(), "label",
                true, NONE, true, false, (a, b) -> node((String) a.get("label"), b)));
        all.add(new Builtin("stage", "org.jenkinsci.plugins.workflow.support.steps.StageStep", params("name", String.class), Set.of("name"), "name",
                true, NONE, true, false, (a, b) -> stage((String) a.get("name"), b, true)));
        all.add(new Builtin("script", "org.jenkinsci.plugins.pipeline.modeldefinition.steps.ScriptStep", params(), Set.of(), null, true, NONE, true,
                false, (a, b) -> exec.block("script", "", () -> exec.runClosure(b))));
        all.add(step("input", "org.jenkinsci.plugins.workflow.support.steps.input.InputStep",
                params("message", String.class, "id", String.class, "ok", String.class, "submitter", String.class, "submitterParameter",
                        String.class, "parameters", List.class),
                "message", false, NONE, (a, b) -> input(null, a)));
        all.add(step("unstable", basic + "UnstableStep", params("message", String.class), "message", false, NONE, (a, b) -> {
            exec.console.println("WARNING: " + a.get("message"));
            exec.run.setResult(Result.UNSTABLE);
            return null;
        }));
        all.add(step("pwd", basic + "PwdStep", params("tmp", boolean.class), null, false, WORKSPACE, (a, b) -> {
            FilePath ws = exec.node().workspace();
            return Boolean.TRUE.equals(a.get("tmp")) ? new FilePath(ws, "../" + ws.getName() + "@tmp").getRemote() : ws.getRemote();
        }));
        all.add(new Builtin("junit", "hudson.tasks.junit.pipeline.JUnitResultsStep",
                params("testResults", String.class, "allowEmptyResults", boolean.class, "skipPublishingChecks", boolean.class), Set.of("testResults"),
                "testResults", false, WORKSPACE, true, false, (a, b) -> junit((String) a.get("testResults"), Boolean.TRUE.equals(a.get("allowEmptyResults")))));
        all.add(new Builtin("archiveArtifacts", "hudson.tasks.ArtifactArchiver", params("artifacts", String.class, "allowEmptyArchive", boolean.class,
                "fingerprint", boolean.class), Set.of("artifacts"), "artifacts", false, WORKSPACE, true, false,
                (a, b) -> archiveArtifacts((String) a.get("artifacts"), Boolean.TRUE.equals(a.get("allowEmptyArchive")))));
        all.add(new Builtin("properties", "org.jenkinsci.plugins.workflow.multibranch.JobPropertyStep", params("properties", List.class),
                Set.of("properties"), "properties", false, NONE, true, false, (a, b) -> {
                    for (Object o : (List<?>) a.get("properties")) {
                        exec.properties.add(String.valueOf(o));
                    }
                    return null;
                }));
        all.add(new Builtin("parallel", "org.jenkinsci.plugins.workflow.cps.steps.ParallelStep", params(), Set.of(), null, false, NONE, true, true,
                (a, b) -> parallel(a)));
        // Symbols whose value a step receives: credential bindings and parameter definitions
        for (String symbol : List.of("usernamePassword", "usernameColonPassword", "string", "file", "booleanParam", "choice", "text", "password")) {
            all.add(new Builtin(symbol, "symbol " + symbol, params(), Set.of(), null, false, NONE, false, true,
                    (a, b) -> new SymbolCall(symbol, new LinkedHashMap<>(a))));
        }
        all.add(new Builtin("credentials", "org.jenkinsci.plugins.pipeline.modeldefinition.model.CredentialsBindingHandler",
                params("id", String.class), Set.of("id"), "id", false, NONE, false, false, (a, b) -> {
                    if (!exec.binding.capturing()) {
                        throw exec.noSuchDslMethod("credentials");
                    }
                    return new Declarative.CredentialsRef((String) a.get("id"));
                }));
        for (Builtin b : all) {
            into.put(b.name(), b);
        }
    }

    /** Names that are Groovy's own {@code print}/{@code println}: in Jenkins they write to the build log. */
    static final Set<String> PRINT = Set.of("print", "println");

    Object print(String name, Object[] args) {
        String text = args.length == 0 ? "" : InvokerHelper.toString(args.length == 1 ? args[0] : Arrays.asList(args));
        if (name.equals("println")) {
            exec.console.println(text);
        } else {
            exec.console.getLogger().print(text);
        }
        return null;
    }

    // ---------------------------------------------------------------- steps

    Object echo(String message) {
        exec.console.println(message);
        return null;
    }

    private Object sh(Map<String, Object> a) throws Exception {
        String script = (String) a.get("script");
        boolean returnStdout = Boolean.TRUE.equals(a.get("returnStdout"));
        boolean returnStatus = Boolean.TRUE.equals(a.get("returnStatus"));
        if (returnStdout && returnStatus) {
            throw new IllegalArgumentException("returnStatus and returnStdout are mutually exclusive options");
        }
        warnIfInterpolated("sh", script);
        PipelineExecution.NodeContext node = exec.node();
        FilePath ws = node.workspace();
        ws.mkdirs();
        FilePath tmp = new FilePath(ws, "../" + ws.getName() + "@tmp/durable-" + UUID.randomUUID().toString().substring(0, 8));
        tmp.mkdirs();
        FilePath file = tmp.child("script.sh");
        file.write(script, "UTF-8");
        List<String> cmd = new ArrayList<>();
        if (script.startsWith("#!")) {
            String line = script.substring(2, script.contains("\n") ? script.indexOf('\n') : script.length()).trim();
            cmd.addAll(Arrays.asList(line.split("\\s+")));
        } else {
            cmd.addAll(List.of("sh", "-xe"));
        }
        cmd.add(file.getRemote());
        Charset cs = a.get("encoding") == null ? StandardCharsets.UTF_8 : Charset.forName((String) a.get("encoding"));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Launcher.ProcStarter ps = node.launcher().launch().cmds(cmd).envs(exec.envVars()).pwd(ws).quiet(true);
        if (returnStdout) {
            ps.stdout(stdout).stderr(exec.console.getLogger());
        } else {
            ps.stdout(exec.console.getLogger());
        }
        LocalLauncher.LocalProc proc = (LocalLauncher.LocalProc) ps.start();
        int code;
        try {
            code = waitFor(proc);
        } finally {
            tmp.deleteRecursive();
        }
        if (code != 0 && !returnStatus) {
            throw new AbortException("script returned exit code " + code);
        }
        if (returnStdout) {
            return stdout.toString(cs);
        }
        return returnStatus ? code : null;
    }

    private int waitFor(LocalLauncher.LocalProc proc) throws Exception {
        while (!proc.join(Math.max(1, Math.min(exec.remainingNanos(), TimeUnit.SECONDS.toNanos(1))))) {
            if (exec.remainingNanos() <= 0) {
                PipelineInterruptedException e = exec.expired();
                proc.kill();
                throw e;
            }
        }
        return proc.exitValue();
    }

    /** What Jenkins prints when a secret reaches a step through Groovy string interpolation. */
    private void warnIfInterpolated(String step, String text) {
        List<String> vars = exec.console.secretVariablesIn(text);
        if (!vars.isEmpty()) {
            exec.console.println("Warning: A secret was passed to \"" + step + "\" using Groovy String interpolation, which is insecure.");
            exec.console.println("\t\t Affected argument(s) used the following variable(s): " + vars);
            exec.console.println("\t\t See https://jenkins.io/redirect/groovy-string-interpolation for details.");
        }
    }

    private static List<String> toStrings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    Object withEnv(List<String> overrides, Closure<?> body) throws Exception {
        return withEnv(overrides, () -> exec.runClosure(body));
    }

    Object withEnv(List<String> overrides, Callable<Object> body) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Your withEnv step did not contain an = sign in the entry " + kv);
            }
            String key = kv.substring(0, eq);
            String value = kv.substring(eq + 1);
            int plus = key.indexOf('+');
            if (plus > 0) {
                String real = key.substring(0, plus);
                String old = values.containsKey(real) ? values.get(real) : exec.env.string(real);
                values.put(real, old == null || old.isEmpty() ? value : value + File.pathSeparator + old);
            } else {
                values.put(key, value.isEmpty() ? null : value);
            }
        }
        return exec.block("withEnv", "", () -> {
            Map<String, String> before = exec.env.overlay(values);
            try {
                return body.call();
            } finally {
                exec.env.restore(before);
            }
        });
    }

    /** {@code withCredentials}: looks each binding up, prints what is masked, binds the variables, masks the values. */
    Object withCredentials(List<?> bindings, Closure<?> body) throws Exception {
        return withCredentials(bindings, () -> exec.runClosure(body));
    }

    Object withCredentials(List<?> bindings, Callable<Object> body) throws Exception {
        Map<String, String> vars = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        List<FilePath> files = new ArrayList<>();
        for (Object o : bindings) {
            if (!(o instanceof SymbolCall b)) {
                throw new IllegalArgumentException("withCredentials expects bindings such as usernamePassword(...) or string(...), got " + o);
            }
            String id = b.string("credentialsId");
            if (id == null) {
                throw new IllegalArgumentException(b.symbol() + ": credentialsId is required");
            }
            switch (b.symbol()) {
                case "usernamePassword" -> {
                    StandardUsernamePasswordCredentials c = lookup(id, StandardUsernamePasswordCredentials.class, "Username with password");
                    String password = c.getPassword().getPlainText();
                    putVar(vars, b.string("usernameVariable"), c.getUsername());
                    putVar(vars, b.string("passwordVariable"), password);
                    putVar(secrets, b.string("passwordVariable"), password);
                    if (c.isUsernameSecret()) {
                        putVar(secrets, b.string("usernameVariable"), c.getUsername());
                    }
                }
                case "usernameColonPassword" -> {
                    StandardUsernamePasswordCredentials c = lookup(id, StandardUsernamePasswordCredentials.class, "Username with password");
                    String both = c.getUsername() + ":" + c.getPassword().getPlainText();
                    putVar(vars, b.string("variable"), both);
                    putVar(secrets, b.string("variable"), both);
                }
                case "string" -> {
                    StringCredentials c = lookup(id, StringCredentials.class, "Secret text");
                    putVar(vars, b.string("variable"), c.getSecret().getPlainText());
                    putVar(secrets, b.string("variable"), c.getSecret().getPlainText());
                }
                case "file" -> {
                    FileCredentials c = lookup(id, FileCredentials.class, "Secret file");
                    exec.requireContext(WORKSPACE);
                    FilePath ws = exec.node().workspace();
                    FilePath dir = new FilePath(ws, "../" + ws.getName() + "@tmp/secretFiles/" + UUID.randomUUID());
                    FilePath f = dir.child(c.getFileName());
                    try (InputStream in = c.getContent()) {
                        f.copyFrom(in);
                    }
                    files.add(dir);
                    putVar(vars, b.string("variable"), f.getRemote());
                }
                default -> throw new IllegalArgumentException("withCredentials: unsupported binding " + b.symbol());
            }
        }
        Set<String> masked = new TreeSet<>(secrets.keySet());
        if (!masked.isEmpty()) {
            exec.console.println("Masking supported pattern matches of " + String.join(" or ", masked.stream().map(v -> "$" + v).toList()));
        }
        return exec.block("withCredentials", "", () -> {
            exec.console.pushSecrets(secrets);
            Map<String, String> before = exec.env.overlay(vars);
            try {
                return body.call();
            } finally {
                exec.env.restore(before);
                for (FilePath f : files) {
                    f.deleteRecursive();
                }
                exec.console.popSecrets();
            }
        });
    }

    private static void putVar(Map<String, String> vars, String name, String value) {
        if (name != null) {
            vars.put(name, value);
        }
    }

    private <C extends StandardCredentials> C lookup(String id, Class<C> type, String kind) throws AbortException {
        C c = CredentialsProvider.findCredentialById(id, type, exec.run);
        if (c == null) {
            StandardCredentials other = CredentialsProvider.findCredentialById(id, StandardCredentials.class, exec.run);
            if (other != null) {
                throw new AbortException("Credentials '" + id + "' is of type '" + other.getClass().getSimpleName() + "' where '" + kind
                        + "' was expected");
            }
            throw new AbortException("Could not find credentials entry with ID '" + id + "'");
        }
        return c;
    }

    private Object timeout(Map<String, Object> a, Closure<?> body) throws Exception {
        return timeout(a, () -> exec.runClosure(body));
    }

    Object timeout(Map<String, Object> a, Callable<Object> body) throws Exception {
        TimeUnit unit = a.get("unit") == null ? TimeUnit.MINUTES : TimeUnit.valueOf(String.valueOf(a.get("unit")));
        Duration d = Duration.ofNanos(unit.toNanos(((Number) a.get("time")).longValue()));
        exec.console.println("Timeout set to expire in " + PipelineExecution.human(d));
        PipelineExecution.Deadline deadline = new PipelineExecution.Deadline(d, "Timeout has been exceeded", true);
        return exec.block("timeout", "", () -> exec.withDeadline(deadline, body));
    }

    private Object retry(int count, Closure<?> body) throws Exception {
        return retry(count, () -> exec.runClosure(body));
    }

    Object retry(int count, Callable<Object> body) throws Exception {
        for (int attempt = 1; ; attempt++) {
            exec.console.println("[Pipeline] {");
            try {
                Object r = body.call();
                exec.console.println("[Pipeline] }");
                exec.console.println("[Pipeline] // retry");
                return r;
            } catch (Throwable t) {
                exec.console.println("[Pipeline] }");
                if (t instanceof PipelineInterruptedException || attempt >= count) {
                    exec.console.println("[Pipeline] // retry");
                    throw PipelineExecution.<Exception>sneaky(t);
                }
                if (t instanceof AbortException) {
                    exec.console.println("ERROR: " + t.getMessage());
                } else {
                    exec.console.println("ERROR: Execution failed");
                    PipelineExecution.printStackTrace(t, exec.console.getLogger());
                }
                exec.console.println("Retrying");
            }
        }
    }

    private Object sleep(long time, String unitName) throws Exception {
        TimeUnit unit = unitName == null ? TimeUnit.SECONDS : TimeUnit.valueOf(unitName);
        Duration d = Duration.ofNanos(unit.toNanos(time));
        if (d.compareTo(exec.config.maxSleep()) > 0) {
            throw new IllegalArgumentException("sleep of " + PipelineExecution.human(d) + " is longer than the harness allows ("
                    + PipelineExecution.human(exec.config.maxSleep()) + "; PipelineHarness.maxSleep)");
        }
        exec.console.println("Sleeping for " + PipelineExecution.human(d));
        long end = System.nanoTime() + d.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            long deadline = exec.remainingNanos();
            if (deadline <= 0) {
                throw exec.expired();
            }
            never.await(Math.min(left, deadline), TimeUnit.NANOSECONDS);
        }
    }

    private FilePath file(String path) {
        return exec.node().workspace().child(path);
    }

    private Object writeFile(Map<String, Object> a) throws Exception {
        file((String) a.get("file")).write((String) a.get("text"), (String) a.get("encoding"));
        return null;
    }

    private Object readFile(Map<String, Object> a) throws Exception {
        FilePath f = file((String) a.get("file"));
        String enc = (String) a.get("encoding");
        if (enc == null) {
            return f.readToString();
        }
        try (InputStream in = f.read()) {
            return new String(in.readAllBytes(), Charset.forName(enc));
        }
    }

    private Object dir(String path, Closure<?> body) throws Exception {
        PipelineExecution.NodeContext node = exec.node();
        FilePath child = node.workspace().child(path);
        exec.console.println("Running in " + child.getRemote());
        return exec.block("dir", "", () -> exec.inNode(new PipelineExecution.NodeContext(node.label(), child, node.launcher()),
                () -> exec.runClosure(body)));
    }

    /** {@code node(label) {...}}: this machine is the only agent, whatever the label. */
    Object node(String label, Closure<?> body) throws Exception {
        return node(label, () -> exec.runClosure(body));
    }

    Object node(String label, Callable<Object> body) throws Exception {
        PipelineExecution.NodeContext ctx = exec.newNode(label);
        exec.console.println("Running on Jenkins in " + ctx.workspace().getRemote());
        return exec.block("node", "", () -> exec.inNode(ctx, body));
    }

    /** A stage; {@code record} for scripted stages (declarative records its own). */
    Object stage(String name, Closure<?> body, boolean record) throws Exception {
        return stage(name, () -> {
            try {
                Object r = exec.runClosure(body);
                if (record) {
                    exec.stages.add(new PipelineRun.StageRecord(name, PipelineRun.StageStatus.RAN));
                }
                return r;
            } catch (Throwable t) {
                if (record) {
                    exec.stages.add(new PipelineRun.StageRecord(name, PipelineRun.StageStatus.FAILED));
                }
                throw PipelineExecution.<Exception>sneaky(t);
            }
        });
    }

    Object stage(String name, Callable<Object> body) throws Exception {
        return exec.block("stage", " (" + name + ")", body);
    }

    /**
     * The {@code input} step: prints the message, asks the test's answer function, records the request. Approved:
     * returns what Jenkins returns (null, the single parameter's value, or a map). Rejected: the build is ABORTED.
     */
    Object input(String stage, Map<String, Object> a) throws Exception {
        String message = (String) a.get("message");
        String ok = a.get("ok") == null ? "Proceed" : (String) a.get("ok");
        String submitter = (String) a.get("submitter");
        String submitterParameter = (String) a.get("submitterParameter");
        List<Map<String, Object>> params = new ArrayList<>();
        if (a.get("parameters") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof SymbolCall p) {
                    Map<String, Object> def = new LinkedHashMap<>(p.arguments());
                    def.put("type", p.symbol());
                    params.add(def);
                } else {
                    throw new IllegalArgumentException("input: parameters must be parameter definitions such as string(name: ...), got " + o);
                }
            }
        }
        InputRequest request = new InputRequest(stage, message, (String) a.get("id"), ok, submitter, submitterParameter, List.copyOf(params));
        exec.inputs.add(request);
        exec.console.println(message);
        exec.console.println(ok + " or Abort");
        Set<String> allowed = new LinkedHashSet<>();
        if (submitter != null && !submitter.isBlank()) {
            for (String s : submitter.split(",")) {
                allowed.add(s.trim());
            }
        }
        InputAnswer answer;
        for (int tries = 0; ; tries++) {
            answer = exec.config.inputAnswer().apply(request);
            if (answer == null) {
                answer = InputAnswer.abort(exec.config.user()); // nobody would click in a test: the harness aborts it
                break;
            }
            if (answer == InputAnswer.NO_ANSWER) {
                return awaitDeadline(message);
            }
            if (allowed.isEmpty() || mayAnswer(allowed, answer.user())) {
                break;
            }
            // Jenkins refuses the click ("you need to be ... to submit this") and the input keeps waiting
            exec.refusedInputs.add(answer.user() + ": " + message);
            if (tries >= 20) {
                throw new IllegalStateException("input '" + message + "': 20 answers by users not among the submitters " + allowed
                        + " (last: " + answer.user() + "); the test never lets an allowed user answer");
            }
        }
        if (!answer.approved()) {
            exec.console.println("Aborted by " + answer.user());
            throw new PipelineInterruptedException(Result.ABORTED, null, "Rejected by " + answer.user());
        }
        exec.console.println("Approved by " + answer.user());
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map<String, Object> p : params) {
            String name = String.valueOf(p.get("name"));
            values.put(name, answer.values().containsKey(name) ? answer.values().get(name) : defaultValue(p));
        }
        if (submitterParameter != null) {
            values.put(submitterParameter, answer.user());
        }
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() == 1 && submitterParameter == null) {
            return values.values().iterator().next();
        }
        return values;
    }

    private boolean mayAnswer(Set<String> allowed, String user) {
        if (allowed.contains(user)) {
            return true;
        }
        for (String a : allowed) {
            Set<String> members = exec.config.groups().get(a);
            if (members != null && members.contains(user)) {
                return true;
            }
        }
        return false;
    }

    /** Nobody answers: wait until the enclosing timeout (or the harness' build limit) runs out, then end as it ends the input. */
    private Object awaitDeadline(String message) throws Exception {
        while (true) {
            long left = exec.remainingNanos();
            if (left <= 0) {
                PipelineInterruptedException e = exec.expired();
                if (e != null) {
                    throw e;
                }
            }
            never.await(Math.max(1, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))), TimeUnit.NANOSECONDS);
        }
    }

    /** The workspace files matching an Ant-style pattern (comma-separated), relative paths sorted. */
    private List<String> glob(String patterns) throws java.io.IOException {
        java.nio.file.Path ws = java.nio.file.Path.of(exec.node().workspace().getRemote());
        List<java.nio.file.PathMatcher> matchers = new ArrayList<>();
        for (String p : patterns.split(",")) {
            matchers.add(java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + p.trim()));
        }
        List<String> out = new ArrayList<>();
        if (!java.nio.file.Files.isDirectory(ws)) {
            return out;
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(ws)) {
            for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
                java.nio.file.Path rel = ws.relativize(f);
                if (matchers.stream().anyMatch(m -> m.matches(rel))) {
                    out.add(rel.toString());
                }
            }
        }
        return out;
    }

    /** {@code junit}: reads the JUnit XML reports, prints and records their counts; failures make the build UNSTABLE, as in Jenkins. */
    private Object junit(String pattern, boolean allowEmpty) throws Exception {
        exec.console.println("Recording test results");
        List<String> files = glob(pattern);
        if (files.isEmpty()) {
            if (allowEmpty) {
                exec.console.println("None of the test reports contained any result");
                return new PipelineRun.TestResultSummary(0, 0, 0);
            }
            throw new AbortException("No test report files were found. Configuration error?");
        }
        int total = 0;
        int failed = 0;
        int skipped = 0;
        javax.xml.parsers.DocumentBuilder db = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder();
        for (String f : files) {
            org.w3c.dom.Document d = db.parse(new File(exec.node().workspace().getRemote(), f));
            org.w3c.dom.NodeList cases = d.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                org.w3c.dom.Element c = (org.w3c.dom.Element) cases.item(i);
                total++;
                if (c.getElementsByTagName("failure").getLength() > 0 || c.getElementsByTagName("error").getLength() > 0) {
                    failed++;
                } else if (c.getElementsByTagName("skipped").getLength() > 0) {
                    skipped++;
                }
            }
        }
        PipelineRun.TestResultSummary summary = new PipelineRun.TestResultSummary(total, failed, skipped);
        exec.testResults.add(summary);
        if (failed > 0) {
            exec.run.setResult(Result.UNSTABLE);
        }
        return summary;
    }

    /** {@code archiveArtifacts}: copies the matching workspace files to the harness' artifacts directory (if one is set) and records them. */
    private Object archiveArtifacts(String pattern, boolean allowEmpty) throws Exception {
        exec.console.println("Archiving artifacts");
        List<String> files = glob(pattern);
        if (files.isEmpty() && !allowEmpty) {
            throw new AbortException("No artifacts found that match the file pattern \"" + pattern + "\". Configuration error?");
        }
        java.nio.file.Path into = exec.config.artifactsDir();
        for (String f : files) {
            exec.artifacts.add(f);
            if (into != null) {
                java.nio.file.Path to = into.resolve(f);
                java.nio.file.Files.createDirectories(to.getParent());
                java.nio.file.Files.copy(java.nio.file.Path.of(exec.node().workspace().getRemote(), f), to,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return null;
    }

    /** The default of a parameter definition ({@code string}, {@code booleanParam}, {@code choice}, ...). */
    static Object defaultValue(Map<String, Object> def) {
        String type = String.valueOf(def.get("type"));
        Object d = def.get("defaultValue");
        switch (type) {
            case "booleanParam":
                return d != null && Boolean.parseBoolean(String.valueOf(d));
            case "choice":
                Object choices = def.get("choices");
                List<String> list = new ArrayList<>();
                if (choices instanceof List<?> l) {
                    l.forEach(c -> list.add(String.valueOf(c)));
                } else if (choices != null) {
                    list.addAll(Arrays.asList(String.valueOf(choices).split("\n")));
                }
                return list.isEmpty() ? null : list.get(0);
            default:
                return d == null ? "" : String.valueOf(d);
        }
    }

    /** {@code parallel}: the branches run one after the other (the harness has one CPS thread and no executors). */
    private Object parallel(Map<String, Object> branches) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        Throwable first = null;
        for (Map.Entry<String, Object> e : branches.entrySet()) {
            if (e.getKey().equals("failFast")) {
                continue;
            }
            if (!(e.getValue() instanceof Closure<?> c)) {
                throw new IllegalArgumentException("Expected a closure or failFast but found " + e.getKey() + "=" + e.getValue());
            }
            exec.console.println("[Pipeline] { (Branch: " + e.getKey() + ")");
            try {
                results.put(e.getKey(), exec.runClosure(c));
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                }
            } finally {
                exec.console.println("[Pipeline] }");
            }
        }
        exec.console.println("[Pipeline] // parallel");
        if (first != null) {
            throw PipelineExecution.<Exception>sneaky(first);
        }
        return results;
    }
}
