package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.HaproxyFixture;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HAProxy router against a real HAProxy 2.6 in master-worker mode (the testbed fixture) whose backend
 * {@code api} is blueGreenSwitch's managed block in the fixture's haproxy.cfg; colours are real sample-service
 * containers. Every test starts from the initial config (only blue-1, enabled) reloaded into HAProxy.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class HaproxyRouterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SampleService blue;
    private static SampleService green;
    private static HaproxyFixture haproxy;
    private static String initialConfig;

    @BeforeAll
    static void start() throws Exception {
        DockerFixture docker = DockerFixture.get();
        blue = SampleService.run(docker, "1.0.0", 0, Map.of());
        green = SampleService.run(docker, "2.0.0", 0, Map.of());
        HaproxyRouter r = new HaproxyRouter("api", HaproxyRouterSpec.of("router", "api", "/x.sock", "api", "/x.cfg", null, null, null),
                new LocalRouterHost(), null, null);
        String block = r.renderBlock("blue",
                List.of(new RouterTemplate.Server("blue-1", NginxRouterTest.upstream(blue), false)));
        haproxy = HaproxyFixture.create(String.join("\n",
                "frontend fe_main",
                "    bind 127.0.0.1:@PORT@",
                "    default_backend api",
                "",
                block));
        initialConfig = Files.readString(haproxy.configFile());
    }

    @AfterAll
    static void stop() {
        if (haproxy != null) {
            haproxy.close();
        }
    }

    @BeforeEach
    void blueIsLive() throws Exception {
        Files.deleteIfExists(previous());
        Files.writeString(haproxy.configFile(), initialConfig);
        haproxy.reload(); // a new worker: runtime changes of the test before (drained or added servers) are gone
        Poll.until("blue to serve through haproxy", Duration.ofSeconds(20), () -> "1.0.0".equals(versionThroughHaproxy()));
    }

    private static Path previous() {
        return Path.of(haproxy.configFile() + ".previous");
    }

    static HaproxyRouter router(RecordingRunner runner, RecordingLog log, String template) {
        HaproxyRouterSpec spec = HaproxyRouterSpec.of("router", "api", haproxy.adminSocket().toString(), "api", haproxy.configFile().toString(),
                Binaries.haproxy().toString(), null, template);
        return new HaproxyRouter("api", spec, new LocalRouterHost(), runner, log);
    }

    private static SwitchRequest request(String colour, SampleService target, String version, int deadlineSeconds) {
        return new SwitchRequest("api", colour, List.of(NginxRouterTest.upstream(target)), URI.create(haproxy.baseUrl() + "/health"), version,
                "$.version", Duration.ofSeconds(deadlineSeconds), 5);
    }

    static String versionThroughHaproxy() throws IOException {
        Http.Response r = Http.get(haproxy.baseUrl() + "/health", Duration.ofSeconds(5));
        return r.status() == 200 ? JSON.readTree(r.body()).path("version").asText() : "HTTP " + r.status();
    }

    @Test
    void switchesAtRuntimeAndTheConfigBlockKeepsTheColourAcrossAReload() throws Exception {
        RecordingLog log = new RecordingLog();
        RecordingRunner runner = new RecordingRunner();
        HaproxyRouter router = router(runner, log, null);
        long workerBefore = haproxy.workerPid();

        SwitchResult r = new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("green", green, "2.0.0", 20));

        assertThat(r.from()).isEqualTo("blue");
        assertThat(r.to()).isEqualTo("green");
        assertThat(r.verifiedAt()).isNotNull();
        assertThat(haproxy.workerPid()).as("switched without a reload").isEqualTo(workerBefore);
        assertThat(runner.commands).as("only haproxy -c ran").singleElement().satisfies(c -> assertThat(c).endsWith("-c"));
        for (int i = 0; i < 5; i++) {
            assertThat(versionThroughHaproxy()).isEqualTo("2.0.0");
        }
        assertThat(router(new RecordingRunner(), null, null).activeColour()).as("a new router object asks HAProxy").isEqualTo("green");
        String cfg = Files.readString(haproxy.configFile());
        assertThat(cfg).contains("server green-1 127.0.0.1:" + green.port() + " check inter 2s fall 3 rise 2\n")
                .contains("server blue-1 127.0.0.1:" + blue.port() + " check inter 2s fall 3 rise 2 disabled\n")
                .contains("colour=green");
        assertThat(Files.readString(previous())).isEqualTo(initialConfig);

        haproxy.reload(); // anybody's reload (certificates, other backends) keeps green: the block says so
        assertThat(haproxy.workerPid()).isNotEqualTo(workerBefore);
        assertThat(router(new RecordingRunner(), null, null).activeColour()).isEqualTo("green");
        Poll.until("green to serve after the reload", Duration.ofSeconds(20), () -> "2.0.0".equals(versionThroughHaproxy()));

        router(new RecordingRunner(), log, null).restorePrevious();
        assertThat(router(new RecordingRunner(), null, null).activeColour()).isEqualTo("blue");
        for (int i = 0; i < 5; i++) {
            assertThat(versionThroughHaproxy()).isEqualTo("1.0.0");
        }
        assertThat(Files.readString(haproxy.configFile())).isEqualTo(initialConfig);
    }

    @Test
    void whenHaproxyCheckFailsNothingChangesInTheFileOrAtRuntime() throws Exception {
        Path template = haproxy.dir().resolve("broken.tmpl");
        Files.writeString(template, "backend {{backend}}\n    server {{name}} {{address}} no-such-keyword{{disabled}}\n");
        RecordingLog log = new RecordingLog();
        HaproxyRouter router = router(new RecordingRunner(), log, template.toString());

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("green", green, "2.0.0", 10)))
                .isInstanceOf(RouterException.class)
                .hasMessageContaining("haproxy -c rejected")
                .hasMessageContaining("no-such-keyword")
                .hasMessageContaining("nothing was changed in the running HAProxy");

        assertThat(Files.readString(haproxy.configFile())).isEqualTo(initialConfig);
        assertThat(previous()).doesNotExist();
        assertThat(haproxy.admin("show servers state api")).doesNotContain("green-1");
        assertThat(router.activeColour()).isEqualTo("blue");
        assertThat(versionThroughHaproxy()).isEqualTo("1.0.0");
    }

    @Test
    void aNewColourWithTheWrongVersionIsSwitchedBackAtRuntimeAndInTheFile() throws Exception {
        RecordingLog log = new RecordingLog();
        HaproxyRouter router = router(new RecordingRunner(), log, null);

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("green", green, "3.0.0", 2)))
                .isInstanceOf(SwitchFailedException.class)
                .hasMessageMatching("(?s).*\\d+ of \\d+ sample\\(s\\) answered HTTP 200 version '2\\.0\\.0'.*")
                .hasMessageContaining("Switched back to blue");
        assertThat(haproxy.admin("show servers state api")).as("green-1 was added, then drained")
                .containsPattern("api \\d+ green-1 127\\.0\\.0\\.1 \\d+ 8 ");

        assertThat(router.activeColour()).isEqualTo("blue");
        assertThat(Files.readString(haproxy.configFile())).isEqualTo(initialConfig);
        Poll.until("blue to serve again", Duration.ofSeconds(10), () -> "1.0.0".equals(versionThroughHaproxy()));
    }

    @Test
    void aColourThatDoesNotPassHaproxysCheckYetIsWaitedForAndNoRequestIsRefused() throws Exception {
        // green-1 is in the managed block with HAProxy's own health check (the built-in template's "check inter 2s
        // rise 2") and nothing listens on its port yet. Draining blue before HAProxy marks green-1 UP would make HAProxy
        // answer 503 to everyone; the switch must wait, blue serving meanwhile, until green answers.
        int port = io.jenkins.plugins.squaddeploy.testbed.FreePorts.next();
        TrafficRouter.Upstream late = new TrafficRouter.Upstream("127.0.0.1", port);
        HaproxyRouter setup = router(new RecordingRunner(), null, null);
        String block = setup.renderBlock("blue", List.of(new RouterTemplate.Server("blue-1", NginxRouterTest.upstream(blue), false),
                new RouterTemplate.Server("green-1", late, true)));
        Files.writeString(haproxy.configFile(), setup.withBlock(initialConfig, block));
        haproxy.reload();
        Poll.until("blue to serve with green-1 known", Duration.ofSeconds(20), () -> "1.0.0".equals(versionThroughHaproxy()));

        RecordingLog log = new RecordingLog();
        java.util.concurrent.CompletableFuture<SwitchResult> switching = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new BlueGreenSwitcher(router(new RecordingRunner(), log, null), log, new Masker())
                        .switchTo(new SwitchRequest("api", "green", List.of(late), URI.create(haproxy.baseUrl() + "/health"), "2.0.0",
                                "$.version", Duration.ofSeconds(30), 5));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        // enabled (admin state 0, or 4: "disabled" in the file, now ready) but DOWN (operational state 0) by its check
        Poll.until("HAProxy's check to mark green-1 DOWN while the switch waits", Duration.ofSeconds(20),
                () -> haproxy.admin("show servers state api").lines().anyMatch(l -> l.matches("\\d+ api \\d+ green-1 127\\.0\\.0\\.1 0 [04] .*")));
        for (int i = 0; i < 20; i++) {
            assertThat(versionThroughHaproxy()).as("blue keeps serving while green-1 is DOWN").isEqualTo("1.0.0");
        }
        assertThat(switching).isNotDone();

        com.sun.net.httpserver.HttpServer green2 = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", port), 50);
        green2.createContext("/", x -> {
            byte[] body = "{\"status\":\"healthy\",\"version\":\"2.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        green2.start();
        try {
            SwitchResult r = switching.get(40, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.to()).isEqualTo("green");
            assertThat(log.text()).contains("passed HAProxy's health check after");
            for (int i = 0; i < 5; i++) {
                assertThat(versionThroughHaproxy()).isEqualTo("2.0.0");
            }
        } finally {
            green2.stop(0);
        }
    }

    @Test
    void aColourThatNeverPassesHaproxysCheckIsNotSwitchedToAndBlueKeepsServing() throws Exception {
        int nothingListens = io.jenkins.plugins.squaddeploy.testbed.FreePorts.next();
        TrafficRouter.Upstream dead = new TrafficRouter.Upstream("127.0.0.1", nothingListens);
        HaproxyRouter setup = router(new RecordingRunner(), null, null);
        String block = setup.renderBlock("blue", List.of(new RouterTemplate.Server("blue-1", NginxRouterTest.upstream(blue), false),
                new RouterTemplate.Server("green-1", dead, true)));
        Files.writeString(haproxy.configFile(), setup.withBlock(initialConfig, block));
        haproxy.reload();
        Poll.until("blue to serve with green-1 known", Duration.ofSeconds(20), () -> "1.0.0".equals(versionThroughHaproxy()));
        String before = Files.readString(haproxy.configFile());

        HaproxyRouter router = router(new RecordingRunner(), new RecordingLog(), null).upTimeout(Duration.ofSeconds(3));
        assertThatThrownBy(() -> router.route("green", List.of(dead)))
                .isInstanceOf(RouterException.class)
                .hasMessageContaining("still marks green-1 of backend api DOWN after 3 s, so the old colour was not drained");

        assertThat(router.activeColour()).isEqualTo("blue");
        assertThat(Files.readString(haproxy.configFile())).isEqualTo(before);
        for (int i = 0; i < 5; i++) {
            assertThat(versionThroughHaproxy()).isEqualTo("1.0.0");
        }
    }

    @Test
    void anUnknownBackendIsARouterErrorBeforeAnythingChanges() throws Exception {
        HaproxyRouterSpec spec = HaproxyRouterSpec.of("router", "api", haproxy.adminSocket().toString(), "web", haproxy.configFile().toString(),
                Binaries.haproxy().toString(), null, null);
        RecordingRunner runner = new RecordingRunner();
        HaproxyRouter router = new HaproxyRouter("api", spec, new LocalRouterHost(), runner, new RecordingLog());

        assertThatThrownBy(() -> router.route("green", List.of(NginxRouterTest.upstream(green))))
                .isInstanceOf(RouterException.class)
                .hasMessageContaining("has no backend 'web'");
        assertThat(runner.commands).isEmpty();
        assertThat(Files.readString(haproxy.configFile())).isEqualTo(initialConfig);
    }
}
