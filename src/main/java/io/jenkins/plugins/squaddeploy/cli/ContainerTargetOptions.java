package io.jenkins.plugins.squaddeploy.cli;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags of the Docker Compose and plain Docker targets, shared by {@code squad deploy} and {@code squad rollback}
 * (rollback needs them to release the previous image again): {@code composeTarget(…)} and {@code dockerTarget(…)} of
 * the pipeline. Errors name the pipeline parameter ({@code target.env}); each command maps it to its flag.
 */
public final class ContainerTargetOptions {
    @Option(names = "--compose-file", paramLabel = "FILE", description = "compose file (repeatable, in order): target compose")
    List<String> composeFiles = new ArrayList<>();

    @Option(names = "--project", paramLabel = "NAME", description = "compose base project name (default: the service)")
    String project;

    @Option(names = "--env-file", paramLabel = "FILE", description = "compose --env-file")
    String envFile;

    @Option(names = "--compose-service", paramLabel = "NAME", description = "compose service that runs the image (repeatable; default: the service)")
    List<String> composeServices = new ArrayList<>();

    @Option(names = "--docker", description = "target plain Docker containers (the default without --compose-file)")
    boolean docker;

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "container environment for --docker (repeatable); prefer NAME=@VAR to read the value from variable VAR")
    List<String> env = new ArrayList<>();

    @Option(names = "--network", paramLabel = "NAME", description = "Docker network for --docker (default host)")
    String network;

    @Option(names = "--volume", paramLabel = "SRC:DST", description = "volume for --docker (repeatable)")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--ports", paramLabel = "SPEC", description = "blueGreen blue=8001,green=8002; rolling 8001-8004; recreate 8001")
    String ports;

    @Option(names = "--port-variable", paramLabel = "NAME", description = "variable that tells the container its port (default PORT)")
    String portVariable;

    /** The first flag of these that was given, or null (for targets that take none of them). */
    String firstGiven() {
        return !composeFiles.isEmpty() ? "--compose-file" : docker ? "--docker" : ports != null ? "--ports" : project != null ? "--project"
                : envFile != null ? "--env-file" : !composeServices.isEmpty() ? "--compose-service" : !env.isEmpty() ? "--env"
                : network != null ? "--network" : !volumes.isEmpty() ? "--volume" : null;
    }

    /**
     * Ports, port variable and the target (compose with --compose-file, else docker) into {@code b}; {@code NAME=@VAR}
     * environment items read VAR from {@code sysEnv} and register the value with the masker.
     */
    void applyTo(DeployRequest.Builder b, Map<String, String> sysEnv, Masker masker) {
        b.ports(ports).portVariable(portVariable);
        if (!composeFiles.isEmpty()) {
            if (docker) {
                throw new ParameterException("target", "both --docker and --compose-file were given", "one target");
            }
            b.compose(composeFiles, project, envFile, composeServices);
        } else {
            b.docker(containerEnv(sysEnv, masker), network, volumes);
        }
    }

    private List<String> containerEnv(Map<String, String> sysEnv, Masker masker) {
        List<String> out = new ArrayList<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq > 0 && e.startsWith("@", eq + 1)) {
                String from = sysEnv.get(e.substring(eq + 2));
                if (from == null) {
                    throw new ParameterException("target.env", "variable " + e.substring(eq + 2) + " (for " + e.substring(0, eq) + ") is not set", "NAME=@VAR with VAR set");
                }
                masker.add(from);
                out.add(e.substring(0, eq + 1) + from);
            } else {
                out.add(e);
            }
        }
        return out;
    }
}
