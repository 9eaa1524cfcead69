package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import java.util.List;

/** The nginx arguments that select the testbed fixture's instance, as a user gives them in {@code nginxArgs}. */
final class NginxFixtureArgs {
    private NginxFixtureArgs() {
    }

    static String nginx() {
        return Binaries.nginx().toString();
    }

    static List<String> args(NginxFixture n) {
        return List.of("-p", n.dir().toString(), "-e", n.dir().resolve("logs/error.log").toString(), "-c", n.configFile().toString());
    }
}
