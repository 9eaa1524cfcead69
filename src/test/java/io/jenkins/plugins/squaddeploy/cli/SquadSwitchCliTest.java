package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code squad switch}: the CLI twin of blueGreenSwitch, against a real nginx from the testbed. The colours are two
 * small HTTP servers in this JVM (the CLI's translation of flags is what is tested here; the routers are tested
 * against sample-service containers in engine/traffic).
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadSwitchCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static HttpServer blue;
    static HttpServer green;
    static NginxFixture nginx;
    static Path dir;
    static Path upstream;
    static String blueFile;

    record Run(int exit, String out, String err) {
    }

    static HttpServer server(String version) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.createContext("/", ex -> {
            byte[] b = ("{\"status\":\"healthy\",\"version\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        return s;
    }

    static String address(HttpServer s) {
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    @BeforeAll
    static void start() throws Exception {
        blue = server("1.0.0");
        green = server("2.0.0");
        dir = Testbed.newWorkDir("switch-cli");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        upstream = dir.resolve("api-upstream.conf");
        blueFile = new NginxRouter("api", NginxRouterSpec.of("router", upstream.toString(), null, List.of(), null), new LocalRouterHost(), null, null)
                .render("blue", List.of(new TrafficRouter.Upstream("127.0.0.1", blue.getAddress().getPort())));
        Files.writeString(upstream, blueFile);
        nginx = NginxFixture.create(String.join("\n", "include " + upstream + ";", "server {", "    listen 127.0.0.1:@PORT@;",
                "    location / { proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection \"\"; }", "}"));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        blue.stop(0);
        green.stop(0);
        Testbed.deleteRecursively(dir);
    }

    @BeforeEach
    void blueIsLive() throws Exception {
        Files.deleteIfExists(Path.of(upstream + ".previous"));
        if (!Files.readString(upstream).equals(blueFile)) {
            Files.writeString(upstream, blueFile);
            nginx.reload();
        }
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

    /** {@code squad switch} with the nginx flags of the test nginx, the two colours, and {@code more}. */
    private static Run squadSwitch(String... more) {
        List<String> args = new ArrayList<>(List.of("switch", "--service", "api", "--router", "nginx",
                "--nginx-config", upstream.toString(), "--nginx", Binaries.nginx().toString(),
                "--nginx-arg=-p", "--nginx-arg=" + nginx.dir(), "--nginx-arg=-e", "--nginx-arg=" + nginx.dir().resolve("logs/error.log"),
                "--nginx-arg=-c", "--nginx-arg=" + nginx.configFile(),
                "--colour", "blue=" + address(blue), "--colour", "green=" + address(green)));
        if (!List.of(more).contains("--public-url")) {
            args.addAll(List.of("--public-url", nginx.baseUrl() + "/health"));
        }
        args.addAll(List.of(more));
        return squad(args.toArray(String[]::new));
    }

    @Test
    void switchesToGreenAndBackAndReadsTheLiveColourFromNginx() throws Exception {
        assertThat(squadSwitch("--active").out().strip()).isEqualTo("blue");

        Run r = squadSwitch("--to", "green", "--expect-version", "2.0.0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("blueGreenSwitch: api: blue → green through nginx").contains("blueGreenSwitch: api now served by green");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = JSON.readValue(r.out().substring(r.out().indexOf('{')), Map.class);
        assertThat(json).containsEntry("from", "blue").containsEntry("to", "green").containsEntry("switched", true)
                .containsEntry("oldColourStopped", false);
        assertThat(squadSwitch("--active").out().strip()).isEqualTo("green");

        Run back = squadSwitch("--to", "blue", "--expect-version", "1.0.0");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(squadSwitch("--active").out().strip()).isEqualTo("blue");
    }

    @Test
    void aWrongVersionSwitchesBackAndExitsWithOne() throws Exception {
        Run r = squadSwitch("--to", "green", "--expect-version", "3.0.0", "--verify-deadline", "1", "--samples", "3");
        assertThat(r.exit()).isEqualTo(SwitchCommand.FAILED);
        assertThat(r.err()).contains("green did not serve 3.0.0").contains("answered HTTP 200 version '2.0.0'").contains("Switched back to blue.");
        assertThat(Files.readString(upstream)).isEqualTo(blueFile);
    }

    @Test
    void badParametersExitWithTwoNamingTheFlagAndChangeNothing() throws Exception {
        Run router = squad("switch", "--service", "api", "--router", "traefik", "--to", "green");
        assertThat(router.exit()).isEqualTo(SwitchCommand.BAD_PARAMETERS);
        assertThat(router.err()).contains("squad switch: Invalid parameter '--router': unknown router 'traefik'. Expected nginx or haproxy.");

        Run colour = squadSwitch("--to", "purple", "--expect-version", "2.0.0");
        assertThat(colour.exit()).isEqualTo(SwitchCommand.BAD_PARAMETERS);
        assertThat(colour.err()).contains("Invalid parameter '--to': colour 'purple' is not one of the colours [blue, green].");

        Run server = squad("switch", "--service", "api", "--router", "nginx", "--nginx-config", upstream.toString(), "--to", "green",
                "--colour", "blue=" + address(blue), "--colour", "green=127.0.0.1:70000", "--public-url", nginx.baseUrl() + "/health",
                "--expect-version", "2.0.0");
        assertThat(server.exit()).isEqualTo(SwitchCommand.BAD_PARAMETERS);
        assertThat(server.err()).contains("Invalid parameter '--colour green[0]': got '70000'. Expected a port number from 1 to 65535.");

        Run url = squadSwitch("--to", "green", "--expect-version", "2.0.0", "--public-url", "ftp://x/health");
        assertThat(url.exit()).isEqualTo(SwitchCommand.BAD_PARAMETERS);
        assertThat(url.err()).contains("Invalid parameter '--public-url': 'ftp://x/health' is not an http(s) URL with a host.");

        Run arg = squadSwitch("--to", "green", "--expect-version", "2.0.0", "--nginx-arg=-s");
        assertThat(arg.exit()).isEqualTo(SwitchCommand.BAD_PARAMETERS);
        assertThat(arg.err()).contains("Invalid parameter '--nginx-arg #7': '-s' is added by blueGreenSwitch itself.");

        assertThat(Files.readString(upstream)).isEqualTo(blueFile);
        assertThat(Path.of(upstream + ".previous")).doesNotExist();
    }
}
