package io.jenkins.plugins.squaddeploy.engine.deploy;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Where a release runs: a Docker Compose project or plain Docker containers, on the Docker host of the build. */
public sealed interface TargetSpec extends Serializable {
    /** {@code compose} or {@code docker}. */
    String kind();

    /**
     * Docker Compose ({@code docker compose} v2 or {@code docker-compose} v1, detected).
     *
     * @param files    compose files in order, as given (relative ones resolve against the working directory); later ones override
     * @param project  base project name; each instance is project {@code <project>-<instance>} (recreate: {@code <project>})
     * @param envFile  an env file for variable substitution ({@code --env-file}), or null
     * @param services the compose services that make up the release (started with {@code --no-deps})
     */
    record Compose(List<String> files, String project, String envFile, List<String> services) implements TargetSpec {
        public Compose {
            files = List.copyOf(files);
            services = List.copyOf(services);
        }

        @Override
        public String kind() {
            return "compose";
        }
    }

    /**
     * Plain containers: {@code docker run -d --name <service>-<instance> --network <network> ...}.
     *
     * @param env     environment for the container; values reach docker through its environment, never argv
     * @param network {@code host} (default) or another Docker network
     * @param volumes {@code -v} arguments, {@code source:target[:options]}
     */
    record Docker(Map<String, String> env, String network, List<String> volumes) implements TargetSpec {
        public Docker {
            env = Map.copyOf(env);
            volumes = List.copyOf(volumes);
        }

        @Override
        public String kind() {
            return "docker";
        }

        @Override
        public String toString() {
            return "Docker[env keys " + env.keySet() + ", network " + network + ", volumes " + volumes + "]";
        }
    }
}
