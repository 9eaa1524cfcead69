package io.jenkins.plugins.squaddeploy.pipeline;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import groovy.lang.Closure;
import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Declarative Pipeline, emulated (JenkinsPipelineUnit 1.1 has no declarative support). {@code pipeline {}} is read
 * first, without running anything, into a model (agent, environment, options, parameters, triggers, stages with
 * their agent/environment/options/input/when/steps/post, nested and parallel stages, post); keywords are read
 * according to the section they appear in, so {@code timeout} in {@code options} is an option and in {@code steps}
 * the step. What Jenkins would reject at compile time (an unknown section, a stage without steps, no agent) fails
 * before anything runs. Then the model is executed with the control flow of pipeline-model-definition's
 * {@code ModelInterpreter}: agent, then credentials and environment, then option wrappers around the stages and the
 * post-build actions; a failing stage sets the result, later stages are skipped with Jenkins' messages, stage
 * {@code post} and the "Declarative: Post Actions" run their conditions in Jenkins' order, each evaluated against
 * the result at that moment; {@code agent none} turns a missing node context into Jenkins' error.
 */
final class Declarative {
    /** Keywords that only mean something inside declarative sections (steps with the same names are registered separately). */
    static final Set<String> KEYWORDS = Set.of("pipeline", "agent", "environment", "options", "parameters", "triggers", "stages", "post",
            "tools", "libraries", "matrix", "steps", "when", "failFast", "always", "changed", "fixed", "regression", "aborted", "failure",
            "success", "unsuccessful", "cleanup", "notBuilt", "branch", "expression", "allOf", "anyOf", "not", "tag", "buildingTag",
            "changeRequest", "triggeredBy", "beforeAgent", "beforeInput", "beforeOptions", "changelog", "changeset", "label",
            "customWorkspace", "message", "ok", "submitter", "submitterParameter", "id", "docker", "dockerfile", "kubernetes");

    /** The post conditions in the order Jenkins runs them. */
    static final List<String> POST_ORDER = List.of("always", "changed", "fixed", "regression", "aborted", "failure", "success", "unstable",
            "notBuilt", "unsuccessful", "cleanup");

    private static final String NO_NODE = "Attempted to execute a step that requires a node context while 'agent none' was specified. "
            + "Be sure to specify your own 'node { ... }' blocks when using 'agent none'.";

    private final PipelineExecution exec;

    Declarative(PipelineExecution exec) {
        this.exec = exec;
    }

    // ---------------------------------------------------------------- the model

    enum Kind { EXECUTION, PIPELINE, STAGES, STAGE, POST, WHEN, AGENT, AGENT_NODE, OPTIONS, PARAMETERS, TRIGGERS, INPUT, INPUT_PARAMETERS }

    /** What the code being evaluated is: running pipeline code, or the inside of a declarative section being read. */
    record Frame(Kind kind, Object target) {
        static final Frame EXECUTION = new Frame(Kind.EXECUTION, null);

        boolean definition() {
            return kind != Kind.EXECUTION;
        }
    }

    static final class Root {
        final Set<String> seen = new HashSet<>();
        AgentDef agent;
        Closure<?> environment;
        List<RecordedCall> options = List.of();
        List<RecordedCall> parameters = List.of();
        List<RecordedCall> triggers = List.of();
        List<StageDef> stages;
        PostDef post;
    }

    static final class StageDef {
        final String name;
        final Set<String> seen = new HashSet<>();
        AgentDef agent;
        Closure<?> environment;
        Closure<?> steps;
        Closure<?> when;
        PostDef post;
        InputDef input;
        List<RecordedCall> options = List.of();
        List<StageDef> stages;
        List<StageDef> parallel;
        boolean failFast;

        StageDef(String name) {
            this.name = name;
        }
    }

    static final class PostDef {
        final Map<String, Closure<?>> conditions = new LinkedHashMap<>();
    }

    static final class InputDef {
        final Map<String, Object> fields = new LinkedHashMap<>();
        List<RecordedCall> parameters = List.of();
    }

    /** {@code agent any | none | { label '...' } | { node { label '...' } }}. */
    static final class AgentDef {
        String kind;
        String label;

        boolean hasAgent() {
            return !"none".equals(kind);
        }

        static Object word(String w) {
            return new AgentWord(w);
        }
    }

    /** What {@code any} and {@code none} read as inside a declarative section. */
    record AgentWord(String word) implements Serializable {
    }

    /** A call inside {@code options}, {@code parameters}, {@code triggers} or an {@code input}'s parameters, recorded. */
    record RecordedCall(String name, List<Object> args) implements Serializable {
        Map<String, Object> named() {
            if (args.size() == 1 && args.get(0) instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
            return Map.of();
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            for (Object a : args) {
                if (a instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> parts.add(k + ": " + render(v)));
                } else {
                    parts.add(render(a));
                }
            }
            return name + "(" + String.join(", ", parts) + ")";
        }

        private static String render(Object v) {
            return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
        }
    }

    /** The value of {@code credentials('id')} in an {@code environment} block. */
    record CredentialsRef(String id) implements Serializable {
    }

    /** A {@code when} condition. */
    interface Condition extends Serializable {
    }

    record BranchCondition(String pattern, String comparator) implements Condition {
    }

    record EnvironmentCondition(String name, String value, boolean ignoreCase, String comparator) implements Condition {
    }

    record ExpressionCondition(Closure<?> expression) implements Condition {
    }

    record NotCondition(Condition condition) implements Condition {
    }

    record AllOfCondition(List<Condition> conditions) implements Condition {
    }

    record AnyOfCondition(List<Condition> conditions) implements Condition {
    }

    record TagCondition(String pattern, String comparator) implements Condition {
    }

    record BuildingTagCondition() implements Condition {
    }

    record ChangeRequestCondition() implements Condition {
    }

    record TriggeredByCondition(String cause) implements Condition {
    }

    /** The conditions of a {@code when} block and its {@code before*} flags. */
    static final class WhenCollector {
        final List<Condition> conditions = new ArrayList<>();
        boolean beforeAgent;
        boolean beforeInput;
        boolean beforeOptions;
    }

    /** Why a stage was skipped; the message is Jenkins'. */
    record Skip(PipelineRun.StageStatus status, String format) {
        static Skip failure() {
            return new Skip(PipelineRun.StageStatus.SKIPPED_FOR_FAILURE, "Stage \"%s\" skipped due to earlier failure(s)");
        }

        static Skip when() {
            return new Skip(PipelineRun.StageStatus.SKIPPED_FOR_CONDITIONAL, "Stage \"%s\" skipped due to when conditional");
        }

        static Skip unstable() {
            return new Skip(PipelineRun.StageStatus.SKIPPED_FOR_UNSTABLE,
                    "Stage \"%s\" skipped due to earlier stage(s) marking the build as unstable");
        }
    }

    // ---------------------------------------------------------------- reading sections

    /** {@code pipeline { ... }}: reads the model, checks it, runs it. */
    Object pipeline(Object[] args) throws Throwable {
        Closure<?> body = closure("pipeline", args);
        Root root = new Root();
        exec.readSection(new Frame(Kind.PIPELINE, root), body);
        validate(root);
        execute(root);
        return null;
    }

    /** A keyword inside a declarative section. */
    Object directive(Frame f, String name, Object[] args) throws Throwable {
        switch (f.kind()) {
            case PIPELINE:
                return pipelineSection((Root) f.target(), name, args);
            case STAGES:
                if (name.equals("stage")) {
                    @SuppressWarnings("unchecked")
                    List<StageDef> list = (List<StageDef>) f.target();
                    list.add(stage(args));
                    return null;
                }
                throw syntax("Expected a stage, found \"" + name + "\"");
            case STAGE:
                return stageSection((StageDef) f.target(), name, args);
            case POST:
                if (POST_ORDER.contains(name)) {
                    PostDef post = (PostDef) f.target();
                    if (post.conditions.put(name, closure(name, args)) != null) {
                        throw syntax("Duplicate build condition name: \"" + name + "\"");
                    }
                    return null;
                }
                throw syntax("Invalid condition \"" + name + "\" - valid conditions are " + POST_ORDER);
            case WHEN:
                return condition((WhenCollector) f.target(), name, args);
            case AGENT:
            case AGENT_NODE:
                return agentSection((AgentDef) f.target(), f.kind(), name, args);
            case INPUT:
                return inputSection((InputDef) f.target(), name, args);
            case OPTIONS:
            case PARAMETERS:
            case TRIGGERS:
            case INPUT_PARAMETERS:
                @SuppressWarnings("unchecked")
                List<RecordedCall> calls = (List<RecordedCall>) f.target();
                return record(calls, name, args);
            default:
                throw new IllegalStateException(f.kind().toString());
        }
    }

    private Object pipelineSection(Root root, String name, Object[] args) {
        if (!root.seen.add(name)) {
            throw syntax("Multiple occurrences of the " + name + " section");
        }
        switch (name) {
            case "agent" -> root.agent = agent(args);
            case "environment" -> root.environment = closure(name, args);
            case "options" -> root.options = recordSection(Kind.OPTIONS, closure(name, args));
            case "parameters" -> root.parameters = recordSection(Kind.PARAMETERS, closure(name, args));
            case "triggers" -> root.triggers = recordSection(Kind.TRIGGERS, closure(name, args));
            case "stages" -> root.stages = stages(closure(name, args));
            case "post" -> root.post = post(closure(name, args));
            case "tools", "libraries", "matrix" -> throw syntax("The \"" + name + "\" section is not supported by the pipeline test harness");
            default -> throw syntax("Undefined section \"" + name + "\"");
        }
        return null;
    }

    private StageDef stage(Object[] args) {
        if (args.length != 2 || !(args[1] instanceof Closure<?> body)) {
            throw syntax("stage needs a name and a block: stage('Name') { ... }");
        }
        StageDef s = new StageDef(String.valueOf(args[0]));
        exec.readSection(new Frame(Kind.STAGE, s), body);
        return s;
    }

    private Object stageSection(StageDef s, String name, Object[] args) {
        if (!s.seen.add(name)) {
            throw syntax("Multiple occurrences of the " + name + " section in stage \"" + s.name + "\"");
        }
        switch (name) {
            case "agent" -> s.agent = agent(args);
            case "environment" -> s.environment = closure(name, args);
            case "options" -> s.options = recordSection(Kind.OPTIONS, closure(name, args));
            case "input" -> {
                InputDef in = new InputDef();
                exec.readSection(new Frame(Kind.INPUT, in), closure(name, args));
                if (in.fields.get("message") == null) {
                    throw syntax("Missing required parameter: \"message\" in input of stage \"" + s.name + "\"");
                }
                s.input = in;
            }
            case "when" -> s.when = closure(name, args);
            case "steps" -> s.steps = closure(name, args);
            case "post" -> s.post = post(closure(name, args));
            case "stages" -> s.stages = stages(closure(name, args));
            case "parallel" -> s.parallel = stages(closure(name, args));
            case "failFast" -> s.failFast = args.length == 1 && Boolean.TRUE.equals(args[0]);
            case "tools", "matrix" -> throw syntax("The \"" + name + "\" section is not supported by the pipeline test harness");
            default -> throw syntax("Unknown stage section \"" + name + "\". Starting with version 0.5, steps in a stage must be in a ‘steps’ block.");
        }
        return null;
    }

    private List<StageDef> stages(Closure<?> body) {
        List<StageDef> list = new ArrayList<>();
        exec.readSection(new Frame(Kind.STAGES, list), body);
        return list;
    }

    private PostDef post(Closure<?> body) {
        PostDef post = new PostDef();
        exec.readSection(new Frame(Kind.POST, post), body);
        if (post.conditions.isEmpty()) {
            throw syntax("post can not be empty");
        }
        return post;
    }

    private List<RecordedCall> recordSection(Kind kind, Closure<?> body) {
        List<RecordedCall> calls = new ArrayList<>();
        exec.readSection(new Frame(kind, calls), body);
        return Collections.unmodifiableList(calls);
    }

    /** Records a call; a recorded call used as an argument of this one (e.g. {@code logRotator} in {@code buildDiscarder}) is not an entry of its own. */
    private static Object record(List<RecordedCall> calls, String name, Object[] args) {
        List<Object> list = new ArrayList<>();
        for (Object a : args) {
            Object flat = StepBinder.flattenGString(a);
            list.add(flat);
            consume(calls, flat);
        }
        RecordedCall call = new RecordedCall(name, List.copyOf(list));
        calls.add(call);
        return call;
    }

    private static void consume(List<RecordedCall> calls, Object arg) {
        if (arg instanceof RecordedCall rc) {
            calls.removeIf(c -> c == rc);
        } else if (arg instanceof Map<?, ?> m) {
            m.values().forEach(v -> consume(calls, v));
        } else if (arg instanceof List<?> l) {
            l.forEach(v -> consume(calls, v));
        }
    }

    private AgentDef agent(Object[] args) {
        AgentDef a = new AgentDef();
        if (args.length == 1 && args[0] instanceof AgentWord w) {
            a.kind = w.word();
        } else if (args.length == 1 && args[0] instanceof Closure<?> body) {
            exec.readSection(new Frame(Kind.AGENT, a), body);
            if (a.kind == null) {
                throw syntax("No agent type specified. Must be one of [any, label, node, none]");
            }
        } else if (args.length == 1 && args[0] instanceof Map<?, ?> m && m.containsKey("label")) {
            a.kind = "label";
            a.label = String.valueOf(m.get("label"));
        } else {
            throw syntax("Invalid agent type: " + java.util.Arrays.toString(args) + ". Must be one of [any, label, node, none]");
        }
        return a;
    }

    private Object agentSection(AgentDef a, Kind kind, String name, Object[] args) {
        switch (name) {
            case "label" -> {
                a.kind = kind == Kind.AGENT_NODE ? "node" : "label";
                a.label = args.length == 0 ? null : String.valueOf(StepBinder.flattenGString(args[0]));
            }
            case "node" -> {
                a.kind = "node";
                exec.readSection(new Frame(Kind.AGENT_NODE, a), closure(name, args));
            }
            case "customWorkspace" -> {
                // accepted; the harness has one workspace
            }
            case "docker", "dockerfile", "kubernetes" -> throw syntax("agent type \"" + name
                    + "\" is not supported by the pipeline test harness (any, none, label and node are)");
            default -> throw syntax("Invalid agent type \"" + name + "\" specified. Must be one of [any, label, node, none]");
        }
        return null;
    }

    private Object inputSection(InputDef in, String name, Object[] args) {
        switch (name) {
            case "message", "id", "ok", "submitter", "submitterParameter" -> {
                if (args.length != 1) {
                    throw syntax("input " + name + " takes one value");
                }
                in.fields.put(name, StepBinder.flattenGString(args[0]));
            }
            case "parameters" -> in.parameters = recordSection(Kind.INPUT_PARAMETERS, closure(name, args));
            default -> throw syntax("Invalid option for input: \"" + name + "\"");
        }
        return null;
    }

    private Object condition(WhenCollector w, String name, Object[] args) {
        Condition c;
        switch (name) {
            case "beforeAgent" -> {
                w.beforeAgent = truthy(args);
                return null;
            }
            case "beforeInput" -> {
                w.beforeInput = truthy(args);
                return null;
            }
            case "beforeOptions" -> {
                w.beforeOptions = truthy(args);
                return null;
            }
            case "branch", "tag" -> {
                Map<String, Object> a = named(args, "pattern");
                String pattern = a.get("pattern") == null ? null : String.valueOf(a.get("pattern"));
                String comparator = a.get("comparator") == null ? "GLOB" : String.valueOf(a.get("comparator"));
                c = name.equals("branch") ? new BranchCondition(pattern, comparator) : new TagCondition(pattern, comparator);
            }
            case "environment" -> {
                Map<String, Object> a = named(args, null);
                c = new EnvironmentCondition(String.valueOf(a.get("name")), a.get("value") == null ? null : String.valueOf(a.get("value")),
                        Boolean.TRUE.equals(a.get("ignoreCase")), a.get("comparator") == null ? "EQUALS" : String.valueOf(a.get("comparator")));
            }
            case "expression" -> c = new ExpressionCondition(closure(name, args));
            case "not", "allOf", "anyOf" -> {
                WhenCollector inner = new WhenCollector();
                exec.readSection(new Frame(Kind.WHEN, inner), closure(name, args));
                if (name.equals("not")) {
                    if (inner.conditions.size() != 1) {
                        throw syntax("not must contain exactly one condition");
                    }
                    c = new NotCondition(inner.conditions.get(0));
                } else {
                    List<Condition> l = List.copyOf(inner.conditions);
                    c = name.equals("allOf") ? new AllOfCondition(l) : new AnyOfCondition(l);
                }
            }
            case "buildingTag" -> c = new BuildingTagCondition();
            case "changeRequest" -> c = new ChangeRequestCondition();
            case "triggeredBy" -> c = new TriggeredByCondition(String.valueOf(named(args, "cause").get("cause")));
            case "changelog", "changeset" -> throw syntax("when condition \"" + name + "\" is not supported by the pipeline test harness (no SCM)");
            default -> throw syntax("Unknown conditional " + name + ". Valid conditionals are: [allOf, anyOf, branch, buildingTag, changeRequest, "
                    + "environment, expression, not, tag, triggeredBy]");
        }
        w.conditions.add(c);
        return c;
    }

    private static boolean truthy(Object[] args) {
        return args.length == 1 && DefaultTypeTransformation.castToBoolean(args[0]);
    }

    private static Map<String, Object> named(Object[] args, String sole) {
        StepBinder.Parsed p = StepBinder.parseArgs(args, false, sole);
        return p.named();
    }

    private static Closure<?> closure(String name, Object[] args) {
        if (args.length != 1 || !(args[0] instanceof Closure<?> c)) {
            throw syntax(name + " needs a block: " + name + " { ... }");
        }
        return c;
    }

    private static PipelineSyntaxException syntax(String message) {
        return new PipelineSyntaxException(message);
    }

    private static void validate(Root root) {
        if (root.agent == null) {
            throw syntax("Missing required section \"agent\"");
        }
        if (root.stages == null) {
            throw syntax("Missing required section \"stages\"");
        }
        validate(root.stages);
    }

    private static void validate(List<StageDef> stages) {
        if (stages.isEmpty()) {
            throw syntax("No stages specified");
        }
        for (StageDef s : stages) {
            int kinds = (s.steps != null ? 1 : 0) + (s.stages != null ? 1 : 0) + (s.parallel != null ? 1 : 0);
            if (kinds == 0) {
                throw syntax("Expected one of \"steps\", \"stages\", or \"parallel\" for stage \"" + s.name + "\"");
            }
            if (kinds > 1) {
                throw syntax("Only one of \"matrix\", \"parallel\", \"stages\", or \"steps\" allowed for stage \"" + s.name + "\"");
            }
            if (s.stages != null) {
                validate(s.stages);
            }
            if (s.parallel != null) {
                validate(s.parallel);
            }
        }
    }

    // ---------------------------------------------------------------- running the model (after ModelInterpreter)

    private void execute(Root root) throws Throwable {
        applyParameters(root);
        root.options.forEach(o -> exec.options.add(o.toString()));
        root.triggers.forEach(t -> exec.triggers.add(t.toString()));
        Throwable[] first = {null};
        boolean[] postBuildRun = {false};
        try {
            inAgent(root.agent, () -> withEnvironment(root.environment, () -> inWrappers(root.options, () -> {
                first[0] = sequential(root, root.stages, null, null, null);
                try {
                    postBuildRun[0] = true;
                    postBuild(root);
                } catch (Throwable t) {
                    if (first[0] == null) {
                        first[0] = t;
                    }
                }
                if (first[0] != null) {
                    throw PipelineExecution.<Exception>sneaky(first[0]);
                }
                return null;
            })));
        } catch (Throwable t) {
            if (first[0] == null) {
                first[0] = t;
            }
        } finally {
            if (!postBuildRun[0]) {
                try {
                    postBuild(root);
                } catch (Throwable t) {
                    if (first[0] == null) {
                        first[0] = t;
                    }
                }
            }
        }
        if (first[0] != null) {
            throw first[0];
        }
    }

    /** {@code params}: each defined parameter's value given to the harness, else its default; also exported as environment variables. */
    private void applyParameters(Root root) {
        if (root.parameters.isEmpty()) {
            return;
        }
        Map<String, Object> given = exec.config.params();
        Map<String, Object> params = new LinkedHashMap<>();
        for (RecordedCall def : root.parameters) {
            Map<String, Object> d = new LinkedHashMap<>(def.named());
            d.put("type", def.name());
            String name = String.valueOf(d.get("name"));
            Object value = BasicSteps.defaultValue(d);
            if (given.containsKey(name)) {
                Object v = given.get(name);
                value = def.name().equals("booleanParam") ? Boolean.valueOf(String.valueOf(v)) : v == null ? null : String.valueOf(v);
            }
            params.put(name, value);
        }
        exec.params = params;
        exec.binding.setVariable("params", Collections.unmodifiableMap(new LinkedHashMap<>(params)));
        params.forEach((k, v) -> exec.env.put(k, v == null ? null : String.valueOf(v)));
    }

    private Object inAgent(AgentDef agent, Callable<Object> body) throws Exception {
        if (agent == null || !agent.hasAgent()) {
            return body.call();
        }
        exec.console.println("[Pipeline] node");
        return exec.steps.node(agent.label, body);
    }

    /**
     * {@code environment}: evaluated when the section is entered, entries in order (each can read the earlier ones);
     * {@code credentials('id')} entries are bound with {@code withCredentials} (masked), the others with {@code withEnv}.
     */
    private Object withEnvironment(Closure<?> environment, Callable<Object> body) throws Exception {
        if (environment == null) {
            return body.call();
        }
        Map<String, Object> captured;
        exec.binding.startCapture();
        try {
            exec.runClosure(environment);
        } finally {
            captured = exec.binding.endCapture();
        }
        List<SymbolCall> creds = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        for (Map.Entry<String, Object> e : captured.entrySet()) {
            if (e.getValue() instanceof CredentialsRef ref) {
                creds.addAll(bindingsFor(e.getKey(), ref.id()));
            } else {
                plain.add(e.getKey() + "=" + e.getValue());
            }
        }
        Callable<Object> withEnv = plain.isEmpty() ? body : () -> {
            exec.console.println("[Pipeline] withEnv");
            return exec.steps.withEnv(plain, body);
        };
        if (creds.isEmpty()) {
            return withEnv.call();
        }
        exec.console.println("[Pipeline] withCredentials");
        return exec.steps.withCredentials(creds, withEnv);
    }

    /** What {@code NAME = credentials('id')} binds, by the type of the credentials (Declarative's CredentialsBindingHandler). */
    private List<SymbolCall> bindingsFor(String name, String id) throws AbortException {
        if (CredentialsProvider.findCredentialById(id, StandardUsernamePasswordCredentials.class, exec.run) != null) {
            return List.of(
                    new SymbolCall("usernamePassword", Map.of("credentialsId", id, "usernameVariable", name + "_USR", "passwordVariable", name + "_PSW")),
                    new SymbolCall("usernameColonPassword", Map.of("credentialsId", id, "variable", name)));
        }
        if (CredentialsProvider.findCredentialById(id, StringCredentials.class, exec.run) != null) {
            return List.of(new SymbolCall("string", Map.of("credentialsId", id, "variable", name)));
        }
        if (CredentialsProvider.findCredentialById(id, FileCredentials.class, exec.run) != null) {
            return List.of(new SymbolCall("file", Map.of("credentialsId", id, "variable", name)));
        }
        if (CredentialsProvider.findCredentialById(id, StandardCredentials.class, exec.run) != null) {
            throw new AbortException("No suitable binding handler could be found for type of credentials '" + id + "'");
        }
        throw new AbortException("Could not find credentials entry with ID '" + id + "'");
    }

    /** The {@code options} that wrap the stages (timeout, retry, timestamps), outermost first; the others are only recorded. */
    private Object inWrappers(List<RecordedCall> options, Callable<Object> body) throws Exception {
        Callable<Object> wrapped = body;
        for (int i = options.size() - 1; i >= 0; i--) {
            RecordedCall o = options.get(i);
            Callable<Object> inner = wrapped;
            switch (o.name()) {
                case "timeout" -> wrapped = () -> {
                    exec.console.println("[Pipeline] timeout");
                    Map<String, Object> a = StepBinder.parseArgs(o.args().toArray(), false, "time").named();
                    return exec.steps.timeout(a, inner);
                };
                case "retry" -> wrapped = () -> {
                    exec.console.println("[Pipeline] retry");
                    Map<String, Object> a = StepBinder.parseArgs(o.args().toArray(), false, "count").named();
                    return exec.steps.retry(((Number) a.get("count")).intValue(), inner);
                };
                case "timestamps" -> wrapped = () -> {
                    exec.console.println("[Pipeline] timestamps");
                    return exec.block("timestamps", "", inner);
                };
                default -> {
                    // job property or declarative option: recorded, nothing to wrap
                }
            }
        }
        return wrapped.call();
    }

    private boolean skipUnstable(Root root) {
        return exec.run.currentResult() == Result.UNSTABLE && root.options.stream().anyMatch(o -> o.name().equals("skipStagesAfterUnstable"));
    }

    private Throwable sequential(Root root, List<StageDef> stages, Throwable firstError, StageDef parent, Skip skip) {
        Throwable first = firstError;
        for (StageDef s : stages) {
            try {
                evaluateStage(root, s.agent != null ? s.agent : root.agent, s, first, skip);
            } catch (Throwable e) {
                exec.run.setResult(PipelineExecution.resultOf(e));
                if (first == null) {
                    first = e;
                }
            }
        }
        if (skip == null && parent != null && parent.post != null && anySatisfied(parent.post, first)) {
            exec.console.println("Post stage");
            first = runPost(parent.post, parent.agent != null ? parent.agent : root.agent, first, parent.name);
        }
        return first;
    }

    private void evaluateStage(Root root, AgentDef parentAgent, StageDef s, Throwable firstError, Skip inherited) throws Throwable {
        Throwable[] first = {firstError};
        Skip[] skip = {inherited};
        boolean[] failedHere = {false};
        exec.console.println("[Pipeline] stage");
        try {
            exec.steps.stage(s.name, () -> {
                try {
                    if (skip[0] != null) {
                        skipStage(root, parentAgent, s, first[0], skip[0]);
                    } else if (first[0] != null) {
                        skip[0] = Skip.failure();
                        skipStage(root, parentAgent, s, first[0], skip[0]);
                    } else if (skipUnstable(root)) {
                        skip[0] = Skip.unstable();
                        skipStage(root, parentAgent, s, first[0], skip[0]);
                    } else {
                        WhenCollector when = readWhen(s);
                        boolean whenDone = false;
                        if (when != null && when.beforeOptions && !evaluate(when)) {
                            skip[0] = Skip.when();
                            skipStage(root, parentAgent, s, first[0], skip[0]);
                        } else {
                            if (when != null && when.beforeOptions) {
                                whenDone = true;
                            }
                            boolean checked = whenDone;
                            inWrappers(s.options, () -> {
                                if (!stageBody(root, parentAgent, s, when, checked, first)) {
                                    skip[0] = Skip.when();
                                    skipStage(root, parentAgent, s, first[0], skip[0]);
                                }
                                return null;
                            });
                        }
                    }
                } catch (Throwable e) {
                    exec.run.setResult(Result.FAILURE.combine(PipelineExecution.resultOf(e)));
                    if (first[0] == null) {
                        first[0] = e;
                        failedHere[0] = true;
                    }
                } finally {
                    if (skip[0] == null && s.parallel != null && s.post != null && anySatisfied(s.post, first[0])) {
                        exec.console.println("Post stage");
                        first[0] = runPost(s.post, s.agent != null ? s.agent : parentAgent, first[0], s.name);
                    }
                }
                if (first[0] != null) {
                    throw PipelineExecution.<Exception>sneaky(first[0]);
                }
                return null;
            });
        } finally {
            PipelineRun.StageStatus status = skip[0] != null ? skip[0].status()
                    : failedHere[0] || (first[0] != null && firstError == null) ? PipelineRun.StageStatus.FAILED : PipelineRun.StageStatus.RAN;
            exec.stages.add(new PipelineRun.StageRecord(s.name, status));
        }
    }

    /** Input, when and agent in Jenkins' order; false when the when condition was not met. */
    private boolean stageBody(Root root, AgentDef parentAgent, StageDef s, WhenCollector when, boolean whenChecked, Throwable[] first)
            throws Exception {
        if (when != null && !whenChecked && when.beforeInput && !evaluate(when)) {
            return false;
        }
        boolean checked = whenChecked || (when != null && when.beforeInput);
        boolean[] passed = {true};
        stageInput(s, () -> {
            Callable<Object> run = () -> withEnvironment(s.environment, () -> {
                if (s.stages != null) {
                    Throwable nested = sequential(root, s.stages, first[0], s, null);
                    if (nested != null) {
                        throw PipelineExecution.<Exception>sneaky(nested);
                    }
                } else if (s.parallel != null) {
                    parallelStages(root, parentAgent, s, first[0], null);
                } else {
                    executeSingleStage(root, s, parentAgent);
                }
                return null;
            });
            if (when == null || checked) {
                return inAgent(s.agent, run);
            }
            if (when.beforeAgent) {
                passed[0] = evaluate(when);
                return passed[0] ? inAgent(s.agent, run) : null;
            }
            return inAgent(s.agent, () -> {
                passed[0] = evaluate(when);
                return passed[0] ? run.call() : null;
            });
        });
        return passed[0];
    }

    private void stageInput(StageDef s, Callable<Object> body) throws Exception {
        if (s.input == null) {
            body.call();
            return;
        }
        Map<String, Object> a = new LinkedHashMap<>(s.input.fields);
        List<Object> params = new ArrayList<>();
        for (RecordedCall p : s.input.parameters) {
            params.add(new SymbolCall(p.name(), p.named()));
        }
        a.put("parameters", params);
        exec.console.println("[Pipeline] input");
        Object submitted = exec.steps.input(s.name, a);
        String submitterParameter = (String) s.input.fields.get("submitterParameter");
        if (params.isEmpty() && submitterParameter == null) {
            body.call();
            return;
        }
        List<String> inputEnv = new ArrayList<>();
        if (submitted instanceof Map<?, ?> m) {
            m.forEach((k, v) -> inputEnv.add(k + "=" + v));
        } else if (submitterParameter != null) {
            inputEnv.add(submitterParameter + "=" + submitted);
        } else if (params.size() == 1) {
            inputEnv.add(((SymbolCall) params.get(0)).string("name") + "=" + submitted);
        }
        exec.console.println("[Pipeline] withEnv");
        exec.steps.withEnv(inputEnv, body);
    }

    private void skipStage(Root root, AgentDef parentAgent, StageDef s, Throwable firstError, Skip reason) throws Exception {
        exec.console.println(String.format(reason.format(), s.name));
        if (s.parallel != null) {
            parallelStages(root, parentAgent, s, firstError, reason);
        } else if (s.stages != null) {
            sequential(root, s.stages, firstError, s, reason);
        }
    }

    /** Parallel stages, run one after the other, each printed as a branch. */
    private void parallelStages(Root root, AgentDef parentAgent, StageDef s, Throwable firstError, Skip reason) throws Exception {
        exec.console.println("[Pipeline] parallel");
        Throwable first = null;
        for (StageDef child : s.parallel) {
            exec.console.println("[Pipeline] { (Branch: " + child.name + ")");
            try {
                evaluateStage(root, reason != null ? parentAgent : (s.agent != null ? s.agent : parentAgent), child, firstError, reason);
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                }
            } finally {
                exec.console.println("[Pipeline] }");
            }
        }
        exec.console.println("[Pipeline] // parallel");
        if (first != null && reason == null) {
            throw PipelineExecution.<Exception>sneaky(first);
        }
    }

    private void executeSingleStage(Root root, StageDef s, AgentDef parentAgent) throws Exception {
        AgentDef agent = s.agent != null ? s.agent : parentAgent;
        Throwable stageError = null;
        try {
            catchRequiredContextForNode(agent, () -> exec.runClosure(s.steps));
        } catch (Throwable e) {
            exec.run.setResult(PipelineExecution.resultOf(e));
            stageError = e;
        } finally {
            if (s.post != null && anySatisfied(s.post, stageError)) {
                exec.console.println("Post stage");
                stageError = runPost(s.post, agent, stageError, s.name);
            }
        }
        if (stageError != null) {
            throw PipelineExecution.<Exception>sneaky(stageError);
        }
    }

    /** With {@code agent none}, a step that needs a node fails with Jenkins' explanation (after the two lines the step printed). */
    private Object catchRequiredContextForNode(AgentDef agent, Callable<Object> body) throws Exception {
        try {
            return body.call();
        } catch (MissingContextVariableException e) {
            if ((e.getType() == FilePath.class || e.getType() == Launcher.class) && agent != null && !agent.hasAgent()) {
                exec.dispatch("error", new Object[] {NO_NODE});
            }
            throw e;
        }
    }

    private void postBuild(Root root) throws Throwable {
        if (root.post == null || !anySatisfied(root.post, null)) {
            return;
        }
        Throwable[] error = {null};
        exec.console.println("[Pipeline] stage");
        exec.steps.stage("Declarative: Post Actions", () -> {
            error[0] = runPost(root.post, root.agent, null, null);
            return null;
        });
        if (error[0] != null) {
            throw error[0];
        }
    }

    /** Runs the satisfied conditions in Jenkins' order, each checked against the result at that moment. */
    private Throwable runPost(PostDef post, AgentDef agent, Throwable stageError, String stageName) {
        Throwable error = stageError;
        for (String condition : POST_ORDER) {
            Closure<?> c = post.conditions.get(condition);
            try {
                if (c != null && satisfied(condition, error)) {
                    exec.postRuns.add((stageName == null ? "pipeline" : stageName) + ":" + condition);
                    catchRequiredContextForNode(agent, () -> exec.runClosure(c));
                }
            } catch (Throwable e) {
                exec.run.setResult(PipelineExecution.resultOf(e));
                exec.console.println("Error when executing " + condition + " post condition:");
                PipelineExecution.printStackTrace(e, exec.console.getLogger());
                if (error == null) {
                    error = e;
                }
            }
        }
        return error;
    }

    private boolean anySatisfied(PostDef post, Throwable error) {
        for (String condition : post.conditions.keySet()) {
            if (satisfied(condition, error)) {
                return true;
            }
        }
        return false;
    }

    /** A post condition against the build's result so far, combined with the stage's error (BuildCondition). */
    private boolean satisfied(String condition, Throwable error) {
        Result combined = exec.run.currentResult().combine(error == null ? Result.SUCCESS : PipelineExecution.resultOf(error));
        TestRun prev = exec.run.getPreviousBuild();
        Result prevResult = prev == null ? null : prev.getResult();
        return switch (condition) {
            case "always", "cleanup" -> true;
            case "changed" -> prevResult == null || combined != prevResult;
            case "fixed" -> prevResult != null && combined == Result.SUCCESS && (prevResult == Result.FAILURE || prevResult == Result.UNSTABLE);
            case "regression" -> prevResult != null && combined.isWorseThan(prevResult);
            case "aborted" -> combined == Result.ABORTED;
            case "failure" -> combined == Result.FAILURE;
            case "success" -> combined == Result.SUCCESS;
            case "unstable" -> combined == Result.UNSTABLE;
            case "notBuilt" -> combined == Result.NOT_BUILT;
            case "unsuccessful" -> combined != Result.SUCCESS;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- when

    /** Reads the stage's {@code when} block into conditions (at run time, as Jenkins instantiates them). */
    private WhenCollector readWhen(StageDef s) {
        if (s.when == null) {
            return null;
        }
        WhenCollector w = new WhenCollector();
        exec.readSection(new Frame(Kind.WHEN, w), s.when);
        return w;
    }

    private boolean evaluate(WhenCollector w) throws Exception {
        for (Condition c : w.conditions) {
            if (!evaluate(c)) {
                return false;
            }
        }
        return true;
    }

    private boolean evaluate(Condition c) throws Exception {
        if (c instanceof BranchCondition b) {
            return matches(b.pattern(), exec.env.string("BRANCH_NAME"), b.comparator(), false);
        } else if (c instanceof TagCondition t) {
            String tag = exec.env.string("TAG_NAME");
            return tag != null && (t.pattern() == null || matches(t.pattern(), tag, t.comparator(), false));
        } else if (c instanceof EnvironmentCondition e) {
            return matches(e.value(), exec.env.string(e.name()), e.comparator(), e.ignoreCase());
        } else if (c instanceof ExpressionCondition x) {
            return DefaultTypeTransformation.castToBoolean(exec.runClosure(x.expression()));
        } else if (c instanceof NotCondition n) {
            return !evaluate(n.condition());
        } else if (c instanceof AllOfCondition all) {
            for (Condition x : all.conditions()) {
                if (!evaluate(x)) {
                    return false;
                }
            }
            return true;
        } else if (c instanceof AnyOfCondition any) {
            for (Condition x : any.conditions()) {
                if (evaluate(x)) {
                    return true;
                }
            }
            return false;
        } else if (c instanceof BuildingTagCondition) {
            return exec.env.string("TAG_NAME") != null;
        } else if (c instanceof ChangeRequestCondition) {
            return exec.env.string("CHANGE_ID") != null;
        } else if (c instanceof TriggeredByCondition t) {
            return t.cause().equals("UserIdCause") || t.cause().equals("user");
        }
        throw new IllegalStateException("unknown condition " + c);
    }

    /** GLOB (Ant-style), REGEXP or EQUALS, as Declarative's comparators. */
    static boolean matches(String pattern, String actual, String comparator, boolean ignoreCase) {
        if (actual == null || pattern == null) {
            return false;
        }
        String p = ignoreCase ? pattern.toLowerCase() : pattern;
        String a = ignoreCase ? actual.toLowerCase() : actual;
        return switch (comparator) {
            case "EQUALS" -> a.equals(p);
            case "REGEXP" -> Pattern.compile(p).matcher(a).matches();
            default -> Pattern.compile(globToRegex(p)).matcher(a).matches();
        };
    }

    private static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (ch == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    sb.append(".*");
                    i++;
                } else {
                    sb.append("[^/]*");
                }
            } else if (ch == '?') {
                sb.append("[^/]");
            } else {
                sb.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return sb.toString();
    }
}
