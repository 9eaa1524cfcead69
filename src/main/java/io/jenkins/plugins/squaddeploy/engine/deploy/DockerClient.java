package io.jenkins.plugins.squaddeploy.engine.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The docker command line, driven through the engine's {@link CommandRunner} (argv only, never a shell), as the
 * Docker Pipeline plugin's {@code DockerClient} drives it through {@code Launcher.ProcStarter}: so it talks to the
 * daemon the build's agent talks to ({@code DOCKER_HOST} of the build environment or the default socket).
 * {@code docker inspect} output is parsed as JSON. Values that could be secrets (container environment) travel in
 * the command's environment ({@code -e NAME} without a value), never on the command line.
 */
public final class DockerClient {
    static final Duration SHORT = Duration.ofSeconds(60);
    static final Duration LONG = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final Map<String, String> env;

    /** @param env extra environment for every docker command, e.g. {@code DOCKER_HOST}; may be empty */
    public DockerClient(CommandRunner runner, Map<String, String> env) {
        this.runner = runner;
        this.env = env == null ? Map.of() : Map.copyOf(env);
    }

    public DockerClient(CommandRunner runner) {
        this(runner, Map.of());
    }

    CommandRunner runner() {
        return runner;
    }

    Map<String, String> env() {
        return env;
    }

    /** Fails with {@link DeployException.DockerUnavailable} unless the daemon answers {@code docker version}. */
    public String ping() throws IOException, InterruptedException {
        CommandResult r;
        try {
            r = run(List.of("version", "--format", "{{.Server.Version}}"), Map.of(), Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new DeployException.DockerUnavailable("cannot run the docker command line (" + e.getMessage()
                    + "); install the Docker CLI (Debian package docker.io) on the machine that runs the deploy. Nothing was changed.");
        }
        String version = r.stdout().strip();
        if (!r.succeeded() || version.isEmpty()) {
            String why = r.timedOut() ? "no answer within 30 s" : r.lastLine();
            throw new DeployException.DockerUnavailable("the Docker daemon does not answer (docker version: " + why + ")."
                    + " Nothing was stopped or changed; start dockerd or point DOCKER_HOST at a running daemon, then deploy again.");
        }
        return version;
    }

    /** The image as the daemon has it, or null when it has no such image. */
    public ImageInfo inspectImage(String ref) throws IOException, InterruptedException {
        CommandResult r = run(List.of("image", "inspect", "--format", "{{json .}}", ref), Map.of(), SHORT);
        if (!r.succeeded()) {
            if (r.stderr().toLowerCase(java.util.Locale.ROOT).contains("no such image")) {
                return null;
            }
            throw failure("docker image inspect " + ref, r);
        }
        JsonNode n = JSON.readTree(r.stdout());
        List<String> digests = new ArrayList<>();
        n.path("RepoDigests").forEach(d -> digests.add(d.asText()));
        JsonNode hc = n.path("Config").path("Healthcheck").path("Test");
        boolean healthcheck = hc.isArray() && hc.size() > 0 && !"NONE".equals(hc.get(0).asText());
        return new ImageInfo(n.path("Id").asText(), digests, healthcheck);
    }

    /** What squadDeploy needs to know about an image. */
    public record ImageInfo(String id, List<String> repoDigests, boolean hasHealthcheck) {
        /** The repo digest of {@code repository}, or the first one, or null for an image that never came from a registry. */
        public String digestFor(String repository) {
            for (String d : repoDigests) {
                if (d.startsWith(repository + "@")) {
                    return d;
                }
            }
            return repoDigests.isEmpty() ? null : repoDigests.get(0);
        }
    }

    public void pull(String ref) throws IOException, InterruptedException {
        check("docker pull " + ref, run(List.of("pull", "-q", ref), Map.of(), LONG));
    }

    public void build(String tag, String context, String dockerfile, Map<String, String> buildArgs) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("build", "-q", "-t", tag));
        if (dockerfile != null) {
            a.add("-f");
            a.add(dockerfile);
        }
        // the values reach docker through its environment: "--build-arg NAME" takes the value from there
        buildArgs.keySet().forEach(k -> {
            a.add("--build-arg");
            a.add(k);
        });
        a.add(context);
        check("docker build -t " + tag + " " + context, run(a, buildArgs, LONG));
    }

    public void tag(String source, String target) throws IOException, InterruptedException {
        check("docker tag " + source + " " + target, run(List.of("tag", source, target), Map.of(), SHORT));
    }

    /** IDs of containers matching every filter ({@code label=k=v}, {@code name=…}); stopped ones too when {@code all}. */
    public List<String> ps(List<String> filters, boolean all) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("ps", "-q", "--no-trunc"));
        if (all) {
            a.add("-a");
        }
        for (String f : filters) {
            a.add("--filter");
            a.add(f);
        }
        CommandResult r = run(a, Map.of(), SHORT);
        check("docker ps", r);
        List<String> ids = new ArrayList<>();
        for (String line : r.stdout().split("\\R")) {
            if (!line.isBlank()) {
                ids.add(line.strip());
            }
        }
        return ids;
    }

    /** Containers (running or not) with all the given labels, oldest first. */
    public List<ContainerInfo> containersWithLabels(Map<String, String> labels) throws IOException, InterruptedException {
        List<String> filters = new ArrayList<>();
        labels.forEach((k, v) -> filters.add("label=" + k + "=" + v));
        return inspect(ps(filters, true));
    }

    /** The container named exactly {@code name}, or null. */
    public ContainerInfo byName(String name) throws IOException, InterruptedException {
        for (ContainerInfo c : inspect(ps(List.of("name=^/" + name + "$"), true))) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** {@code docker inspect} of containers, oldest first; containers that vanished meanwhile are left out. */
    public List<ContainerInfo> inspect(List<String> ids) throws IOException, InterruptedException {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> a = new ArrayList<>(List.of("inspect", "--type", "container"));
        a.addAll(ids);
        CommandResult r = run(a, Map.of(), SHORT);
        if (!r.succeeded() && !r.stderr().toLowerCase(java.util.Locale.ROOT).contains("no such")) {
            throw failure("docker inspect", r);
        }
        List<ContainerInfo> out = new ArrayList<>();
        String text = r.stdout().strip();
        if (text.isEmpty()) {
            return out;
        }
        for (JsonNode n : JSON.readTree(text)) {
            out.add(parse(n));
        }
        out.sort(java.util.Comparator.comparing(ContainerInfo::created).thenComparing(ContainerInfo::name));
        return out;
    }

    static ContainerInfo parse(JsonNode n) {
        JsonNode state = n.path("State");
        JsonNode health = state.path("Health");
        String hs = health.isMissingNode() || health.isNull() ? null : health.path("Status").asText(null);
        String out = null;
        Integer code = null;
        JsonNode log = health.path("Log");
        if (log.isArray() && log.size() > 0) {
            JsonNode last = log.get(log.size() - 1);
            out = last.path("Output").asText("");
            code = last.path("ExitCode").asInt();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode l = n.path("Config").path("Labels");
        for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            labels.put(e.getKey(), e.getValue().asText());
        }
        String name = n.path("Name").asText("");
        return new ContainerInfo(n.path("Id").asText(), name.startsWith("/") ? name.substring(1) : name, state.path("Status").asText(),
                state.path("ExitCode").asInt(), hs, out, code, n.path("Image").asText(), n.path("Config").path("Image").asText(), labels,
                n.path("Created").asText(""));
    }

    /**
     * {@code docker run -d args…}; returns the new container's ID. {@code env} holds values for the {@code -e NAME}
     * arguments in {@code args}, passed through the docker command's environment.
     */
    public String run(List<String> args, Map<String, String> env, String what) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("run", "-d"));
        a.addAll(args);
        CommandResult r = run(a, env, SHORT);
        check(what, r);
        return r.stdout().strip();
    }

    public void stop(String container, int graceSeconds) throws IOException, InterruptedException {
        CommandResult r = run(List.of("stop", "-t", Integer.toString(graceSeconds), container), Map.of(), SHORT.plusSeconds(graceSeconds));
        check("docker stop " + container, r);
    }

    public void start(String container) throws IOException, InterruptedException {
        check("docker start " + container, run(List.of("start", container), Map.of(), SHORT));
    }

    public void remove(String container) throws IOException, InterruptedException {
        CommandResult r = run(List.of("rm", "-f", container), Map.of(), SHORT);
        if (!r.succeeded() && !r.stderr().toLowerCase(java.util.Locale.ROOT).contains("no such container")) {
            throw failure("docker rm -f " + container, r);
        }
    }

    public void rename(String container, String newName) throws IOException, InterruptedException {
        check("docker rename " + container + " " + newName, run(List.of("rename", container, newName), Map.of(), SHORT));
    }

    /** {@code docker exec container argv…}; the result, whatever the exit code. */
    public CommandResult exec(String container, List<String> argv, Duration timeout) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("exec", container));
        a.addAll(argv);
        return run(a, Map.of(), timeout);
    }

    /** The last {@code lines} lines of the container's output, or a note why there are none. */
    public String logs(String container, int lines) throws InterruptedException {
        try {
            CommandResult r = run(List.of("logs", "--tail", Integer.toString(lines), container), Map.of(), Duration.ofSeconds(20));
            String s = (r.stdout() + r.stderr()).strip();
            return s.isEmpty() ? "(no output)" : s;
        } catch (IOException e) {
            return "(logs unavailable: " + e.getMessage() + ")";
        }
    }

    /** Runs {@code docker args…} with {@code extraEnv} on top of this client's environment. */
    public CommandResult run(List<String> args, Map<String, String> extraEnv, Duration timeout) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("docker");
        argv.addAll(args);
        Map<String, String> e = new LinkedHashMap<>(env);
        e.putAll(extraEnv);
        return runner.run(new CommandRequest(argv, e, null, timeout));
    }

    static void check(String what, CommandResult r) throws DeployException {
        if (!r.succeeded()) {
            throw failure(what, r);
        }
    }

    static DeployException failure(String what, CommandResult r) {
        String why = r.timedOut() ? "timed out after " + r.elapsedMs() / 1000 + " s" : "exit " + r.exitCode() + ": " + r.lastLine();
        return new DeployException(what + " failed (" + why + ")");
    }
}
