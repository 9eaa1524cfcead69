package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.SwarmFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code squad deploy} and {@code squad rollback} with a Swarm target, against a real single-node swarm on this machine. */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadSwarmCliTest {
    static SwarmFixture swarm;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() {
        swarm = new SwarmFixture();
    }

    @AfterAll
    static void stop() {
        swarm.close();
    }

    private static Run squad(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        System.out.println(out);
        System.out.println(err);
        return new Run(exit, out.toString(), err.toString());
    }

    static String versionOn(int port) {
        try {
            String body = Http.get("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(2)).body();
            int i = body.indexOf("\"version\":\"");
            return i < 0 ? body : body.substring(i + 11, body.indexOf('"', i + 11));
        } catch (Exception e) {
            return "down";
        }
    }

    @Test
    void deploysToASwarmServiceRollsItBackThenFindsNothingToDoAndNamesBadFlags() {
        String v1 = SampleServiceImage.ensure(swarm.docker, "6.3.0");
        String v2 = SampleServiceImage.ensure(swarm.docker, "6.3.1");
        int port = FreePorts.next();
        String svc = swarm.createService(swarm.newName("api"), v1, port);

        Run bad = squad("deploy", "--service", "shop", "--image", v2, "--swarm-service", svc, "--update-delay", "5 sec");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid parameter '--update-delay'").contains("a Docker duration such as '0s', '5s'");
        Run stray = squad("deploy", "--service", "shop", "--image", v2, "--update-monitor", "1s");
        assertThat(stray.exit()).isEqualTo(2);
        assertThat(stray.err()).contains("Invalid parameter '--update-monitor': --update-monitor belongs to an orchestrated target");
        Run ports = squad("deploy", "--service", "shop", "--image", v2, "--swarm-service", svc, "--ports", "8001");
        assertThat(ports.exit()).isEqualTo(2);
        assertThat(ports.err()).contains("Invalid parameter '--ports': --ports is not used with an orchestrated target");
        assertThat(swarm.specImage(svc)).isEqualTo(v1);

        Run deploy = squad("deploy", "--service", "shop", "--environment", "test", "--image", v2, "--swarm-service", svc, "--update-monitor", "1s",
                "--json");
        assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();
        assertThat(deploy.out()).contains("squadDeploy: swarm: " + svc + " converged on 6.3.1")
                .contains("\"previousImage\" : \"" + v1 + "\"").contains("\"target\" : \"swarm\"");
        assertThat(versionOn(port)).isEqualTo("6.3.1");

        Run back = squad("rollback", "--service", "shop", "--environment", "test", "--swarm-service", svc, "--reason", "smoke test failed");
        assertThat(back.exit()).as(back.out() + back.err()).isZero();
        assertThat(back.out()).contains("autoRollback: test/shop: ROLLED_BACK: docker service rollback " + svc + ": " + svc + " on " + v1 + ", converged")
                .contains("was ROLLED BACK: test/shop 6.3.1 → 6.3.0");
        Poll.until(svc + " serving 6.3.0", Duration.ofSeconds(30), () -> "6.3.0".equals(versionOn(port)));

        long version = swarm.specVersion(svc);
        Run again = squad("rollback", "--service", "shop", "--environment", "test", "--swarm-service", svc);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("autoRollback: nothing to roll back");
        assertThat(swarm.specVersion(svc)).isEqualTo(version);
    }
}
