package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker Compose through the command line: {@code docker compose} (v2, a docker CLI plugin) when the docker CLI has
 * it, else {@code docker-compose} (v1, e.g. 1.29 from Debian). Both take the same arguments for what squadDeploy
 * uses ({@code -p}, {@code -f}, {@code --env-file}, {@code config -q}, {@code config --services},
 * {@code up -d --no-deps --force-recreate}, {@code exec -T}); everything else (finding, stopping, removing
 * containers) goes through {@link DockerClient} by the {@code com.docker.compose.*} labels both versions set.
 */
public final class ComposeClient {
    /** Which compose command line answered. */
    public enum Flavour {
        V2(List.of("docker", "compose")), V1(List.of("docker-compose"));

        private final List<String> argv;

        Flavour(List<String> argv) {
            this.argv = argv;
        }

        public List<String> argv() {
            return argv;
        }
    }

    public static final String PROJECT_LABEL = "com.docker.compose.project";
    public static final String SERVICE_LABEL = "com.docker.compose.service";
    public static final String ONEOFF_LABEL = "com.docker.compose.oneoff";

    private final CommandRunner runner;
    private final Map<String, String> env;
    private final Flavour flavour;
    private final String version;
    private final List<String> files;
    private final String envFile;

    private ComposeClient(CommandRunner runner, Map<String, String> env, Flavour flavour, String version, List<String> files, String envFile) {
        this.runner = runner;
        this.env = env;
        this.flavour = flavour;
        this.version = version;
        this.files = List.copyOf(files);
        this.envFile = envFile;
    }

    /**
     * Finds the compose command line: {@code docker compose version --short}, then {@code docker-compose version --short}.
     *
     * @param files   the compose files (resolved paths)
     * @param envFile the env file (resolved path) or null
     */
    public static ComposeClient detect(DockerClient docker, List<String> files, String envFile) throws IOException, InterruptedException {
        List<String> tried = new ArrayList<>();
        for (Flavour f : Flavour.values()) {
            List<String> argv = new ArrayList<>(f.argv());
            argv.add("version");
            argv.add("--short");
            CommandResult r;
            try {
                r = docker.runner().run(new CommandRequest(argv, docker.env(), null, Duration.ofSeconds(30)));
            } catch (IOException notInstalled) {
                tried.add(String.join(" ", f.argv()) + ": " + notInstalled.getMessage());
                continue;
            }
            if (r.succeeded() && !r.stdout().isBlank()) {
                return new ComposeClient(docker.runner(), docker.env(), f, r.stdout().strip(), files, envFile);
            }
            tried.add(String.join(" ", f.argv()) + ": " + (r.lastLine().isEmpty() ? "exit " + r.exitCode() : r.lastLine()));
        }
        throw new DeployException("neither 'docker compose' (v2) nor 'docker-compose' (v1) answers on the machine that runs the deploy ("
                + String.join("; ", tried) + "). Install one (Debian: docker-compose). Nothing was changed.");
    }

    public Flavour flavour() {
        return flavour;
    }

    public String version() {
        return version;
    }

    /** {@code docker-compose} or {@code docker compose}, for messages. */
    public String command() {
        return String.join(" ", flavour.argv());
    }

    /**
     * {@code config -q} of the files (plus {@code extraFile}), then {@code config --services}: every service of
     * {@code services} must be defined. A ParameterException on {@code target.files} / {@code target.services} otherwise.
     */
    public void validate(String project, String extraFile, List<String> services, Map<String, String> variables)
            throws IOException, InterruptedException {
        CommandResult q = compose(project, extraFile, List.of("config", "-q"), variables, DockerClient.SHORT);
        if (!q.succeeded()) {
            String out = (q.stderr() + "\n" + q.stdout()).strip();
            throw new ParameterException(extraFile == null ? "target.files" : "target",
                    "'" + command() + " config -q' rejects " + String.join(", ", files) + (extraFile == null ? "" : " with squadDeploy's override " + extraFile)
                            + (envFile == null ? "" : " and env file " + envFile) + ": " + ContainerInfo.oneLine(out.isEmpty() ? "exit " + q.exitCode() : out),
                    "compose files that '" + command() + " config' accepts");
        }
        CommandResult s = compose(project, extraFile, List.of("config", "--services"), variables, DockerClient.SHORT);
        DockerClient.check(command() + " config --services", s);
        List<String> defined = s.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = 0; i < services.size(); i++) {
            if (!defined.contains(services.get(i))) {
                throw new ParameterException("target.services[" + i + "]", "service " + ParameterException.show(services.get(i))
                        + " is not defined in " + String.join(", ", files), "one of the compose file's services " + defined);
            }
        }
    }

    /** {@code up -d --no-deps --force-recreate services} in project {@code project}, with {@code override} as the last file. */
    public void up(String project, String override, List<String> services, Map<String, String> variables) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("up", "-d", "--no-deps", "--force-recreate"));
        a.addAll(services);
        CommandResult r = compose(project, override, a, variables, DockerClient.LONG);
        if (!r.succeeded()) {
            throw new DeployException(command() + " -p " + project + " up " + String.join(" ", services) + " failed (exit " + r.exitCode()
                    + "): " + ContainerInfo.oneLine((r.stderr() + "\n" + r.stdout()).strip()));
        }
    }

    /** {@code exec -T service argv…} in project {@code project}: the result, whatever the exit code. */
    public CommandResult exec(String project, String override, String service, List<String> argv, Map<String, String> variables,
                              Duration timeout) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("exec", "-T", service));
        a.addAll(argv);
        return compose(project, override, a, variables, timeout);
    }

    private CommandResult compose(String project, String extraFile, List<String> sub, Map<String, String> variables, Duration timeout)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(flavour.argv());
        argv.add("-p");
        argv.add(project);
        for (String f : files) {
            argv.add("-f");
            argv.add(f);
        }
        if (extraFile != null) {
            argv.add("-f");
            argv.add(extraFile);
        }
        if (envFile != null) {
            argv.add("--env-file");
            argv.add(envFile);
        }
        argv.addAll(sub);
        Map<String, String> e = new LinkedHashMap<>(env);
        e.putAll(variables);
        return runner.run(new CommandRequest(argv, e, null, timeout));
    }
}
