package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Puts a tool's argv inside a container when the source says so, as the seed runbooks do by hand:
 * {@code docker exec [-i] -e NAME... CONTAINER cmd...} or {@code docker compose [-f F] [-p P] exec -T -e NAME... SERVICE cmd...}
 * ({@code docker-compose} when the compose plugin is missing). Secrets cross with {@code -e NAME} and no value: the
 * docker CLI copies the value from its own environment, so it is never on a command line.
 */
final class ExecPrefix {
    private static volatile List<String> composeCommand;

    private ExecPrefix() {
    }

    static List<String> wrap(Ctx c, SnapshotSource.Exec exec, List<String> cmd, Collection<String> passEnv, boolean stdin)
            throws SnapshotException, InterruptedException {
        if (exec.local()) {
            return cmd;
        }
        List<String> argv = new ArrayList<>();
        String task = exec.swarmService() != null ? swarmTask(c, exec.swarmService()) : null;
        if (exec.container() != null || task != null) {
            argv.addAll(List.of("docker", "exec"));
            if (stdin) {
                argv.add("-i");
            }
        } else {
            argv.addAll(compose(c, exec));
            argv.addAll(List.of("exec", "-T"));
        }
        for (String name : passEnv) {
            argv.add("-e");
            argv.add(name);
        }
        argv.add(task != null ? task : exec.container() != null ? exec.container() : exec.composeService());
        argv.addAll(cmd);
        return argv;
    }

    /** {@code docker compose} (the plugin) when it answers, else {@code docker-compose}; plus -f and -p. */
    static List<String> compose(Ctx c, SnapshotSource.Exec exec) throws SnapshotException, InterruptedException {
        List<String> base = composeCommand;
        if (base == null) {
            base = List.of("docker-compose");
            if (c.tools.which("docker", Map.of()) != null) {
                CommandResult r = c.run(List.of("docker", "compose", "version"), Map.of(), null, Duration.ofSeconds(30));
                if (r.succeeded()) {
                    base = List.of("docker", "compose");
                }
            }
            composeCommand = base;
        }
        List<String> argv = new ArrayList<>(base);
        if (exec.composeFile() != null) {
            argv.addAll(List.of("-f", exec.composeFile()));
        }
        if (exec.composeProject() != null) {
            argv.addAll(List.of("-p", exec.composeProject()));
        }
        return argv;
    }

    /**
     * The container of a running task of Swarm service {@code service} on this node, found by the label Swarm puts on
     * every task container ({@code com.docker.swarm.service.name}); the first one when there are several replicas.
     */
    static String swarmTask(Ctx c, String service) throws SnapshotException, InterruptedException {
        CommandResult r = c.run(List.of("docker", "ps", "--filter", "label=com.docker.swarm.service.name=" + service, "--filter", "status=running",
                "--format", "{{.ID}}"), Map.of(), null, Duration.ofSeconds(60));
        if (!r.succeeded()) {
            throw new SnapshotException("cannot list the tasks of swarm service " + service + ": " + Ctx.failure(r));
        }
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        throw new SnapshotException("no running task of swarm service " + service + " on this node (docker ps --filter label=com.docker.swarm.service.name="
                + service + " found none): run dbSnapshot on the node where its task runs (docker service ps " + service + ")");
    }

    /** The ID of the container behind the source (for docker stop/cp/start). */
    static String containerId(Ctx c, SnapshotSource.Exec exec) throws SnapshotException, InterruptedException {
        if (exec.container() != null) {
            return exec.container();
        }
        if (exec.swarmService() != null) {
            return swarmTask(c, exec.swarmService());
        }
        List<String> argv = compose(c, exec);
        argv.addAll(List.of("ps", "-q", exec.composeService()));
        CommandResult r = c.run(argv, Map.of(), null, Duration.ofSeconds(60));
        String id = r.stdout().strip();
        if (!r.succeeded() || id.isEmpty() || id.contains("\n")) {
            throw new SnapshotException("cannot find the container of compose service " + exec.composeService() + ": "
                    + (r.succeeded() ? "no single running container" : Ctx.failure(r)));
        }
        return id;
    }
}
