package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Stops a colour's containers with the docker CLI (argv only): named containers with {@code docker stop}, or the
 * containers of a Compose service found by the labels Compose puts on them
 * ({@code com.docker.compose.project}, {@code com.docker.compose.service}), which works the same for
 * {@code docker compose} v2 and {@code docker-compose} v1 without knowing which one started them or where the
 * compose file is. Stopped, not removed: {@code docker start} brings a colour back for a rollback.
 */
public record DockerColourStopper(String docker, List<String> containers, String composeProject, String composeService,
                                  int graceSeconds) implements ColourStopper {
    private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(30);

    public DockerColourStopper {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /**
     * Validated stopper, or null when neither containers nor a compose service is given.
     * @param p where the colour stands in the step, e.g. {@code colours[0]}
     */
    public static DockerColourStopper of(String p, List<String> containers, String composeProject, String composeService) {
        List<String> names = containers == null ? List.of() : containers;
        boolean compose = (composeProject != null && !composeProject.isBlank()) || (composeService != null && !composeService.isBlank());
        if (names.isEmpty() && !compose) {
            return null;
        }
        if (!names.isEmpty() && compose) {
            throw new ParameterException(p + ".containers", "both containers and a compose project/service are given", "either containers or composeProject + composeService");
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || !CONTAINER.matcher(names.get(i)).matches()) {
                throw new ParameterException(p + ".containers[" + i + "]", "got " + ParameterException.show(names.get(i)),
                        "a container name or ID of letters, digits, '_', '.' or '-'");
            }
        }
        if (compose) {
            if (composeProject == null || !PROJECT.matcher(composeProject).matches()) {
                throw new ParameterException(p + ".composeProject", "got " + ParameterException.show(composeProject),
                        "a Compose project name of lower-case letters, digits, '_' or '-' (as docker compose -p takes it)");
            }
            if (composeService == null || !SERVICE.matcher(composeService).matches()) {
                throw new ParameterException(p + ".composeService", "got " + ParameterException.show(composeService),
                        "the name of the service in the compose file, e.g. 'api'");
            }
        }
        return new DockerColourStopper("docker", names, compose ? composeProject : null, compose ? composeService : null, 10);
    }

    @Override
    public String describe() {
        return containers.isEmpty()
                ? "docker stop of the containers of compose project " + composeProject + ", service " + composeService
                : "docker stop " + String.join(" ", containers);
    }

    @Override
    public void stop(CommandRunner commands, ConsoleLog log) throws IOException, InterruptedException {
        List<String> targets = new ArrayList<>(containers);
        if (targets.isEmpty()) {
            CommandResult ps = run(commands, List.of(docker, "ps", "-q", "--filter", "label=com.docker.compose.project=" + composeProject,
                    "--filter", "label=com.docker.compose.service=" + composeService), Duration.ofSeconds(60));
            for (String id : ps.stdout().split("\\s+")) {
                if (!id.isBlank()) {
                    targets.add(id.strip());
                }
            }
            if (targets.isEmpty()) {
                log.info("blueGreenSwitch: no running container of compose project " + composeProject + ", service " + composeService + ": nothing to stop");
                return;
            }
        }
        List<String> argv = new ArrayList<>(List.of(docker, "stop", "-t", Integer.toString(graceSeconds)));
        argv.addAll(targets);
        CommandResult r = run(commands, argv, Duration.ofSeconds(graceSeconds).plus(TIMEOUT_MARGIN).multipliedBy(Math.max(1, Math.min(targets.size(), 4))));
        log.info("blueGreenSwitch: stopped " + String.join(", ", r.stdout().strip().split("\\s+")) + " (" + r.elapsedMs() + " ms)");
    }

    private static CommandResult run(CommandRunner commands, List<String> argv, Duration timeout) throws IOException, InterruptedException {
        CommandResult r = commands.run(CommandRequest.of(argv, timeout));
        if (!r.succeeded()) {
            throw new IOException(String.join(" ", argv) + " failed: " + (r.timedOut() ? "timed out" : "exit " + r.exitCode() + ": " + r.lastLine()));
        }
        return r;
    }
}
