package io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code docker} commands of the Swarm target, as argv lists, and the parsing of what they print. */
final class SwarmClient {
    static final Duration SHORT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;

    SwarmClient(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * A service as {@code docker service inspect} shows it.
     *
     * @param image         the image of the current spec
     * @param previousImage the image of Swarm's previous spec ({@code docker service rollback} goes there), null when there is none
     *                      (a new service, or right after a rollback: Swarm then drops the previous spec)
     * @param updateState   {@code UpdateStatus.State}: updating, completed, paused, rollback_started, rollback_paused,
     *                      rollback_completed; null when the service was never updated
     * @param replicas      replicated mode: the desired replicas; null for global mode
     * @param taskTemplate  {@code Spec.TaskTemplate} as JSON text, to tell whether a stack deploy changed the service
     * @param specKey       what a stack file sets in {@code Spec} ({@link #specKey}), to compare with another spec
     * @param previousSpecKey the same of {@code PreviousSpec} (what {@code docker service rollback} puts back), null when there is none
     * @param updateStartedAt {@code UpdateStatus.StartedAt}: which update the state belongs to (Swarm sets the new one a moment
     *                      after {@code service update} returned, so until then the state is the previous update's)
     */
    record Service(String name, String id, String image, String previousImage, long version, String updateState, String updateMessage,
                   Integer replicas, String taskTemplate, Map<String, String> labels, String updateStartedAt, String specKey, String previousSpecKey) {
        boolean rolledBackBySwarm() {
            return updateState != null && updateState.startsWith("rollback_") ;
        }
    }

    /** One task of a service, as {@code docker service ps} shows it; {@code current} is like {@code Running 5 seconds ago}. */
    record Task(String name, String image, String desired, String current, String error) {
        boolean running() {
            return "Running".equals(desired) && current.startsWith("Running");
        }

        String state() {
            int i = current.indexOf(' ');
            return (i < 0 ? current : current.substring(0, i)).toLowerCase(java.util.Locale.ROOT);
        }
    }

    CommandResult docker(List<String> args, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("docker");
        argv.addAll(args);
        try {
            return runner.run(new CommandRequest(argv, env, null, timeout));
        } catch (IOException e) {
            throw new DeployException.DockerUnavailable("cannot run the docker command line (" + e.getMessage()
                    + "); install the Docker CLI (Debian package docker.io) on the machine that runs the deploy. Nothing was changed.");
        }
    }

    String ok(String what, List<String> args, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        CommandResult r = docker(args, env, timeout);
        if (!r.succeeded()) {
            String why = r.timedOut() ? "timed out after " + r.elapsedMs() / 1000 + " s" : "exit " + r.exitCode() + ": " + lastLines(r.stderr().isBlank() ? r.stdout() : r.stderr());
            throw new DeployException(what + " failed (" + why + ")");
        }
        return r.stdout();
    }

    /** Fails unless the daemon answers and is an active swarm manager. */
    void checkManager() throws IOException, InterruptedException {
        CommandResult r = docker(List.of("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"), Map.of(), Duration.ofSeconds(30));
        if (!r.succeeded()) {
            throw new DeployException.DockerUnavailable("the Docker daemon does not answer (docker info: " + (r.timedOut() ? "no answer within 30 s" : lastLines(r.stderr()))
                    + "). Nothing was changed; start dockerd or point DOCKER_HOST at a swarm manager, then deploy again.");
        }
        String out = r.stdout().strip();
        if (!out.startsWith("active")) {
            throw new DeployException.DockerUnavailable("this Docker engine is not part of a swarm (Swarm.LocalNodeState: " + out.split(" ")[0]
                    + "); nothing was changed. Run the deploy on a swarm manager (docker swarm init, or DOCKER_HOST of a manager).");
        }
        if (!out.endsWith("true")) {
            throw new DeployException.DockerUnavailable("this Docker engine is a swarm worker, not a manager; nothing was changed. Run the deploy on a manager"
                    + " (DOCKER_HOST of a manager node).");
        }
    }

    /** The service, or null when it does not exist. */
    Service inspect(String name) throws IOException, InterruptedException {
        CommandResult r = docker(List.of("service", "inspect", name), Map.of(), SHORT);
        if (!r.succeeded()) {
            if ((r.stderr() + r.stdout()).toLowerCase(java.util.Locale.ROOT).contains("no such service")) {
                return null;
            }
            throw new DeployException("docker service inspect " + name + " failed (exit " + r.exitCode() + ": " + lastLines(r.stderr()) + ")");
        }
        JsonNode arr = JSON.readTree(r.stdout());
        if (!arr.isArray() || arr.isEmpty()) {
            return null;
        }
        return parseService(arr.get(0));
    }

    static Service parseService(JsonNode s) {
        JsonNode spec = s.path("Spec");
        JsonNode prev = s.path("PreviousSpec");
        JsonNode us = s.path("UpdateStatus");
        JsonNode repl = spec.path("Mode").path("Replicated");
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        spec.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new Service(spec.path("Name").asText(), s.path("ID").asText(), text(spec.path("TaskTemplate").path("ContainerSpec").path("Image")),
                prev.isMissingNode() || prev.isNull() ? null : text(prev.path("TaskTemplate").path("ContainerSpec").path("Image")),
                s.path("Version").path("Index").asLong(), us.isMissingNode() || us.isNull() ? null : text(us.path("State")),
                us.isMissingNode() || us.isNull() ? null : text(us.path("Message")),
                repl.isMissingNode() ? null : repl.path("Replicas").asInt(1), spec.path("TaskTemplate").toString(), labels,
                us.isMissingNode() || us.isNull() ? null : text(us.path("StartedAt")),
                specKey(spec), prev.isMissingNode() || prev.isNull() || prev.path("TaskTemplate").isMissingNode() ? null : specKey(prev));
    }

    private static final List<String> CONTAINER_FIELDS = List.of("Image", "Env", "Labels", "Command", "Args", "Dir", "User", "Mounts",
            "Secrets", "Configs", "Hosts", "Healthcheck");

    /**
     * The parts of a service spec that a stack file or {@code docker service update} sets (container image, environment,
     * labels, command, mounts, secrets, configs, healthcheck; resources; placement constraints; replicas), as canonical text.
     * Swarm keeps {@code PreviousSpec} without the defaults it fills into {@code Spec} (stop grace period, restart policy,
     * DNS config), so the two are compared through this, not as raw JSON. Empty values count as absent; the environment
     * is sorted; an image digest Swarm appended is dropped.
     */
    static String specKey(JsonNode spec) {
        com.fasterxml.jackson.databind.node.ObjectNode key = JSON.createObjectNode();
        JsonNode tt = spec.path("TaskTemplate");
        JsonNode cs = tt.path("ContainerSpec");
        for (String f : CONTAINER_FIELDS) {
            JsonNode v = cs.path(f);
            if (f.equals("Image") && v.isTextual()) {
                String image = v.asText();
                key.put(f, image.contains("@") ? image.substring(0, image.indexOf('@')) : image);
            } else if (f.equals("Env") && v.isArray() && !v.isEmpty()) {
                List<String> env = new ArrayList<>();
                v.forEach(e -> env.add(e.asText()));
                env.sort(null);
                key.set(f, JSON.valueToTree(env));
            } else if (present(v)) {
                key.set(f, v);
            }
        }
        if (present(tt.path("Resources"))) {
            key.set("Resources", tt.path("Resources"));
        }
        if (present(tt.path("Placement").path("Constraints"))) {
            key.set("Constraints", tt.path("Placement").path("Constraints"));
        }
        if (present(spec.path("Mode").path("Replicated").path("Replicas"))) {
            key.set("Replicas", spec.path("Mode").path("Replicated").path("Replicas"));
        }
        if (present(spec.path("Labels"))) {
            key.set("ServiceLabels", spec.path("Labels"));
        }
        return key.toString();
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isMissingNode() && !v.isNull() && !(v.isContainerNode() && v.isEmpty());
    }

    /** The current task of every slot (the newest, not the history lines). */
    List<Task> tasks(String service) throws IOException, InterruptedException {
        CommandResult r = docker(List.of("service", "ps", service, "--no-trunc", "--format",
                "{{.Name}}\t{{.Image}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}"), Map.of(), SHORT);
        if (!r.succeeded()) {
            throw new DeployException("docker service ps " + service + " failed (exit " + r.exitCode() + ": " + lastLines(r.stderr()) + ")");
        }
        return parseTasks(r.stdout());
    }

    static List<Task> parseTasks(String out) {
        List<Task> tasks = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 4) {
                continue;
            }
            String name = f[0].strip();
            if (name.startsWith("\\_")) {
                continue; // history of the slot above
            }
            tasks.add(new Task(name, f[1].strip(), f[2].strip(), f[3].strip(), f.length > 4 ? f[4].strip() : ""));
        }
        return tasks;
    }

    /** The services of a stack (empty when the stack does not exist). */
    List<String> stackServices(String stack) throws IOException, InterruptedException {
        CommandResult r = docker(List.of("service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack, "--format", "{{.Name}}"), Map.of(), SHORT);
        if (!r.succeeded()) {
            throw new DeployException("docker service ls (stack " + stack + ") failed (exit " + r.exitCode() + ": " + lastLines(r.stderr()) + ")");
        }
        List<String> names = new ArrayList<>();
        for (String l : r.stdout().split("\n")) {
            if (!l.isBlank()) {
                names.add(l.strip());
            }
        }
        names.sort(null);
        return names;
    }

    /** The ID of a running container of {@code service} on this node, or null. */
    String runningContainer(String service) throws IOException, InterruptedException {
        CommandResult r = docker(List.of("ps", "--filter", "label=com.docker.swarm.service.name=" + service, "--filter", "status=running",
                "--format", "{{.ID}}"), Map.of(), SHORT);
        if (!r.succeeded()) {
            throw new DeployException("docker ps (service " + service + ") failed (exit " + r.exitCode() + ": " + lastLines(r.stderr()) + ")");
        }
        for (String l : r.stdout().split("\n")) {
            if (!l.isBlank()) {
                return l.strip();
            }
        }
        return null;
    }

    static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    static String lastLines(String s) {
        if (s == null || s.isBlank()) {
            return "no output";
        }
        String[] lines = s.strip().split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, lines.length - 3); i < lines.length; i++) {
            b.append(b.length() == 0 ? "" : " | ").append(lines[i].strip());
        }
        return b.toString();
    }
}
