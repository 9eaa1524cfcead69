package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code squad deploy --router …}: the CLI twin of squadDeploy's router hand-over, with the flags of {@code squad switch},
 * against the real Docker daemon and a real nginx from the testbed.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class SquadDeployRouterCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static DeployTestbed bed;

    @BeforeAll
    static void images() {
        bed = new DeployTestbed();
    }

    @AfterAll
    static void cleanUp() {
        bed.close();
    }

    record Run(int exit, String out, String err) {
    }

    private static Run squad(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args.toArray(String[]::new));
        System.out.println(out);
        System.out.println(err);
        return new Run(exit, out.toString(), err.toString());
    }

    private static List<String> deploy(String svc, String version, int[] p, String... more) {
        List<String> a = new ArrayList<>(List.of("deploy", "--service", svc, "--image", bed.image(version), "--environment", "test", "--docker",
                "--ports", "blue=" + p[0] + ",green=" + p[1], "--build-url", "cli://ops/laptop"));
        for (String l : DeployTestbed.testLabels()) {
            a.add("--label");
            a.add(l);
        }
        a.addAll(List.of(more));
        return a;
    }

    private static Map<?, ?> json(String out) throws Exception {
        return JSON.readValue(out.substring(out.lastIndexOf("\n{\n") + 1), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void deploysSwitchesVerifiesAndStopsTheOldColourWithTheFlagsOfSquadSwitch() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        Path dir = Testbed.newWorkDir("deploy-cli");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path upstream = dir.resolve(svc + "-upstream.conf");
        Files.writeString(upstream, "upstream " + svc + " { server 127.0.0.1:1 down; }\n");
        try (NginxFixture nginx = NginxFixture.create("include " + upstream + ";\nserver {\n    listen 127.0.0.1:@PORT@;\n"
                + "    location / { proxy_pass http://" + svc + "; }\n}")) {
            List<String> router = List.of("--router", "nginx", "--nginx-config", upstream.toString(), "--nginx", Binaries.nginx().toString(),
                    "--nginx-arg=-p", "--nginx-arg=" + nginx.dir(), "--nginx-arg=-e", "--nginx-arg=" + nginx.dir().resolve("logs/error.log"),
                    "--nginx-arg=-c", "--nginx-arg=" + nginx.configFile(), "--public-url", nginx.baseUrl() + "/health", "--samples", "5");

            List<String> one = deploy(svc, "1.0.0", p, "--json");
            one.addAll(router);
            Run first = squad(one);
            assertThat(first.exit()).as(first.err()).isZero();
            Map<?, ?> r1 = json(first.out());
            assertThat(r1.get("colour")).isEqualTo("blue");
            assertThat(r1.get("trafficSwitched")).isEqualTo(true);
            assertThat(r1.get("oldColourStopped")).isEqualTo(false);
            assertThat(r1.get("stateFile")).isEqualTo(dir.resolve(".squad-deploy/test/" + svc + ".json").toString());

            List<String> two = deploy(svc, "2.0.0", p, "--json", "--stop-old-after", "0");
            two.addAll(router);
            Run second = squad(two);
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.out()).contains("squadDeploy: live colour: blue (the nginx router sends traffic to blue)")
                    .contains("blueGreenSwitch: " + svc + ": blue → green through nginx")
                    .contains("squadDeploy: blue (1.0.0) keeps running for 0 s, for a quick rollback; then: docker stop " + svc + "-blue.")
                    .contains("squadDeploy: stopped the old colour blue (1.0.0): " + svc + "-blue");
            Map<?, ?> r2 = json(second.out());
            assertThat(r2.get("colour")).isEqualTo("green");
            assertThat(r2.get("oldColourStopped")).isEqualTo(true);
            assertThat((Map<Object, Object>) r2.get("traffic")).containsEntry("from", "blue").containsEntry("to", "green").containsEntry("switched", true);
            // fresh clients may reach nginx's old worker generation for ~0.1 s after the reload (see SquadDeployRouterTest)
            Poll.until("2.0.0 through nginx for a fresh client", Duration.ofSeconds(10),
                    () -> Http.get(nginx.baseUrl() + "/health", Duration.ofSeconds(5)).body().contains("\"version\":\"2.0.0\""));
            assertThat(bed.isRunning(svc + "-blue")).isFalse();

            Run status = squad(List.of("deploy", "--status", "--service", svc, "--environment", "test", "--router", "nginx", "--nginx-config", upstream.toString()));
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(((Map<?, ?>) JSON.readValue(status.out(), Map.class).get("current")).get("version")).isEqualTo("2.0.0");
        } finally {
            Testbed.deleteRecursively(dir);
        }
    }

    @Test
    void badRouterFlagsExitTwoNamingTheFlag() {
        String svc = bed.newService();
        int[] p = {8001, 8002};
        Run noUrl = squad(concat(deploy(svc, "2.0.0", p), "--router", "nginx", "--nginx-config", "/tmp/squadtest-none/api.conf"));
        assertThat(noUrl.exit()).isEqualTo(2);
        assertThat(noUrl.err()).startsWith("squad deploy: Invalid parameter '--public-url': no URL given.");
        Run relative = squad(concat(deploy(svc, "2.0.0", p), "--router", "nginx", "--nginx-config", "api.conf", "--public-url", "http://127.0.0.1:1/health"));
        assertThat(relative.err()).startsWith("squad deploy: Invalid parameter '--nginx-config': got 'api.conf'.");
        Run deadline = squad(concat(deploy(svc, "2.0.0", p), "--router", "haproxy", "--haproxy-socket", "/run/x.sock", "--haproxy-config", "/etc/x.cfg",
                "--public-url", "http://127.0.0.1:1/health", "--verify-deadline", "0"));
        assertThat(deadline.err()).startsWith("squad deploy: Invalid parameter '--verify-deadline': got 0. Expected a number of seconds from 1 to 3600.");
        Run withoutRouter = squad(concat(deploy(svc, "2.0.0", p), "--samples", "3"));
        assertThat(withoutRouter.exit()).isEqualTo(2);
        assertThat(withoutRouter.err()).startsWith("squad deploy: Invalid parameter '--samples': it only applies when squadDeploy switches the router");
        Run kind = squad(concat(deploy(svc, "2.0.0", p), "--router", "traefik"));
        assertThat(kind.err()).startsWith("squad deploy: Invalid parameter '--router': unknown router 'traefik'. Expected nginx or haproxy.");
        Run rolling = squad(List.of("deploy", "--service", svc, "--image", bed.image("2.0.0"), "--strategy", "rolling", "--ports", "8001-8003",
                "--router", "nginx", "--nginx-config", "/tmp/x.conf", "--public-url", "http://127.0.0.1:1/health"));
        assertThat(rolling.exit()).isEqualTo(2);
        assertThat(rolling.err()).startsWith("squad deploy: Invalid parameter '--router': only the blueGreen strategy hands traffic to a router, this is rolling.");
        assertThat(Path.of("/tmp/squadtest-none")).doesNotExist();
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }
}
