package io.jenkins.plugins.squaddeploy.testbed;

import io.jenkins.plugins.squaddeploy.engine.deploy.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Clean-up of what squadDeploy started for a service in a test or the demo: every container with its release label. */
public final class ReleaseContainers {
    private ReleaseContainers() {
    }

    /** Removes (with volumes) every container labelled {@code io.squad-deploy.service=<service>}, whatever the target made it. */
    public static void remove(DockerFixture docker, String service) {
        Proc.Result ids = docker.run(Duration.ofSeconds(20), "ps", "-aq", "--filter", "label=" + Labels.SERVICE + "=" + service);
        List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
        ids.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(args::add);
        if (args.size() > 3) {
            docker.run(Duration.ofSeconds(60), args.toArray(String[]::new));
        }
    }
}
