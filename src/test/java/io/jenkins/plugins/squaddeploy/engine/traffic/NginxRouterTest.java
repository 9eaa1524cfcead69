package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The nginx router against a real nginx (the testbed fixture, master + worker) proxying to real sample-service
 * containers on the host network: blue answers 1.0.0, green 2.0.0. Every test starts from blue being live.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class NginxRouterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SampleService blue;
    private static SampleService green;
    private static NginxFixture nginx;
    private static Path dir;
    private static Path config;
    private static String blueFile;

    @BeforeAll
    static void start() throws Exception {
        DockerFixture docker = DockerFixture.get();
        blue = SampleService.run(docker, "1.0.0", 0, Map.of());
        green = SampleService.run(docker, "2.0.0", 0, Map.of());
        dir = Testbed.newWorkDir("switch-nginx");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        config = dir.resolve("api-upstream.conf");
        blueFile = new NginxRouter("api", NginxRouterSpec.of("router", config.toString(), null, List.of(), null), new LocalRouterHost(), null, null)
                .render("blue", List.of(upstream(blue)));
        Files.writeString(config, blueFile);
        nginx = NginxFixture.create(proxyConfig(config));
    }

    /** The http-block content of the test nginx: the upstream include and a server proxying to it as the docs say. */
    static String proxyConfig(Path include) {
        return String.join("\n",
                "include " + include + ";",
                "server {",
                "    listen 127.0.0.1:@PORT@;",
                "    location / {",
                "        proxy_pass http://api;",
                "        proxy_http_version 1.1;",
                "        proxy_set_header Connection \"\";",
                "        proxy_next_upstream error timeout;",
                "    }",
                "}");
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        Testbed.deleteRecursively(dir);
    }

    @BeforeEach
    void blueIsLive() throws Exception {
        Files.deleteIfExists(previous());
        if (!Files.readString(config).equals(blueFile)) {
            Files.writeString(config, blueFile);
            nginx.reload();
        }
        Poll.until("blue to serve through nginx", Duration.ofSeconds(20), () -> "1.0.0".equals(versionThroughNginx()));
    }

    static TrafficRouter.Upstream upstream(SampleService s) {
        return new TrafficRouter.Upstream("127.0.0.1", s.port());
    }

    private static Path previous() {
        return Path.of(config + ".previous");
    }

    private static NginxRouter router(RecordingRunner runner, RecordingLog log, String template) {
        NginxRouterSpec spec = NginxRouterSpec.of("router", config.toString(), NginxFixtureArgs.nginx(),
                NginxFixtureArgs.args(nginx), template);
        return new NginxRouter("api", spec, new LocalRouterHost(), runner, log);
    }

    private static SwitchRequest request(String colour, SampleService target, String version, int deadlineSeconds, int samples) {
        return new SwitchRequest("api", colour, List.of(upstream(target)), URI.create(nginx.baseUrl() + "/health"), version, "$.version",
                Duration.ofSeconds(deadlineSeconds), samples);
    }

    static String versionThroughNginx() throws IOException {
        Http.Response r = Http.get(nginx.baseUrl() + "/health", Duration.ofSeconds(5));
        return r.status() == 200 ? JSON.readTree(r.body()).path("version").asText() : "HTTP " + r.status();
    }

    @Test
    void switchesBlueToGreenVerifiedThroughNginxAndAFreshRouterReadsItBack() throws Exception {
        RecordingLog log = new RecordingLog();
        RecordingRunner runner = new RecordingRunner();
        NginxRouter router = router(runner, log, null);
        assertThat(router.activeColour()).isEqualTo("blue");

        SwitchResult r = new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("green", green, "2.0.0", 20, 5));

        assertThat(r.from()).isEqualTo("blue");
        assertThat(r.to()).isEqualTo("green");
        assertThat(r.switched()).isTrue();
        assertThat(r.verifiedAt()).isNotNull();
        assertThat(r.switchMillis()).isPositive().isLessThan(20_000);
        assertThat(r.toMap()).containsKeys("from", "to", "verifiedAt", "switchMillis");
        for (int i = 0; i < 5; i++) {
            assertThat(versionThroughNginx()).isEqualTo("2.0.0");
        }
        assertThat(router(new RecordingRunner(), new RecordingLog(), null).activeColour()).as("a new router object reads the file").isEqualTo("green");
        assertThat(Files.readString(config)).contains("colour=green").contains("server 127.0.0.1:" + green.port() + " ")
                .doesNotContain(":" + blue.port());
        assertThat(Files.readString(previous())).isEqualTo(blueFile);
        assertThat(runner.commands).extracting(c -> c.subList(c.size() - (c.contains("-s") ? 2 : 1), c.size()))
                .containsExactly(List.of("-t"), List.of("-s", "reload"));
        assertThat(log.text()).contains("blue → green").contains("nginx -t passed").contains("now served by green");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left").noneMatch(n -> n.endsWith(".squad-tmp"));
        }

        // rollback from a fresh object: the .previous file is all it needs
        router(new RecordingRunner(), log, null).restorePrevious();
        Poll.until("blue to serve again", Duration.ofSeconds(20), () -> "1.0.0".equals(versionThroughNginx()));
        assertThat(router(new RecordingRunner(), log, null).activeColour()).isEqualTo("blue");
        assertThat(Files.readString(config)).isEqualTo(blueFile);
    }

    @Test
    void whenNginxTestFailsTheFileIsPutBackAndBlueKeepsServing() throws Exception {
        Path template = dir.resolve("broken.tmpl");
        Files.writeString(template, "upstream {{service}} {\n    server {{address}} no_such_parameter;\n}\n");
        RecordingLog log = new RecordingLog();
        RecordingRunner runner = new RecordingRunner();
        NginxRouter router = router(runner, log, template.toString());

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("green", green, "2.0.0", 10, 3)))
                .isInstanceOf(RouterException.class)
                .hasMessageContaining("nginx -t rejected")
                .hasMessageContaining("no_such_parameter")
                .hasMessageContaining("put back");

        assertThat(Files.readString(config)).as("the live file is unchanged").isEqualTo(blueFile);
        assertThat(previous()).as("no .previous from a failed switch").doesNotExist();
        assertThat(runner.commands).as("no reload was sent").noneMatch(c -> c.contains("reload"));
        assertThat(router.activeColour()).isEqualTo("blue");
        for (int i = 0; i < 3; i++) {
            assertThat(versionThroughNginx()).isEqualTo("1.0.0");
        }
    }

    @Test
    void aNewColourWithTheWrongVersionIsSwitchedBackAndTheErrorSaysWhatItSaw() throws Exception {
        RecordingLog log = new RecordingLog();
        NginxRouter router = router(new RecordingRunner(), log, null);

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("green", green, "3.0.0", 2, 3),
                SwitchOptions.defaults().withProgressEvery(Duration.ofMillis(500))))
                .isInstanceOf(SwitchFailedException.class)
                .hasMessageContaining("green did not serve 3.0.0")
                .hasMessageMatching("(?s).*\\d+ of \\d+ sample\\(s\\) answered HTTP 200 version '2\\.0\\.0'.*")
                .hasMessageContaining("0 reported 3.0.0")
                .hasMessageContaining("Switched back to blue")
                .satisfies(e -> assertThat(((SwitchFailedException) e).switchedBack()).isTrue());

        assertThat(Files.readString(config)).isEqualTo(blueFile);
        assertThat(router.activeColour()).isEqualTo("blue");
        Poll.until("blue to serve again", Duration.ofSeconds(20), () -> "1.0.0".equals(versionThroughNginx()));
        assertThat(log.text()).contains("verifying green: 0/3 in a row report 3.0.0");
    }

    @Test
    void anUnhealthyNewColourIsSwitchedBack() throws Exception {
        try (SampleService sick = SampleService.run(DockerFixture.get(), "2.1.0", 0, Map.of("HEALTH_STATUS", "unhealthy"))) {
            RecordingLog log = new RecordingLog();
            NginxRouter router = router(new RecordingRunner(), log, null);

            assertThatThrownBy(() -> new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("green", sick, "2.1.0", 2, 3)))
                    .isInstanceOf(SwitchFailedException.class)
                    .hasMessageContaining("answered HTTP 503 version '2.1.0'")
                    .hasMessageContaining("Switched back to blue");
            assertThat(Files.readString(config)).isEqualTo(blueFile);
            Poll.until("blue to serve again", Duration.ofSeconds(20), () -> "1.0.0".equals(versionThroughNginx()));
        }
    }

    @Test
    void switchingToTheLiveColourIsRefusedUnlessForced() throws Exception {
        RecordingLog log = new RecordingLog();
        RecordingRunner runner = new RecordingRunner();
        NginxRouter router = router(runner, log, null);

        SwitchResult same = new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("blue", blue, "1.0.0", 10, 3));
        assertThat(same.switched()).isFalse();
        assertThat(same.from()).isEqualTo("blue");
        assertThat(same.verifiedAt()).isNull();
        assertThat(runner.commands).isEmpty();
        assertThat(log.text()).contains("already goes to blue; nothing switched");

        SwitchResult forced = new BlueGreenSwitcher(router, log, new Masker()).switchTo(request("blue", blue, "1.0.0", 10, 3),
                SwitchOptions.defaults().withForce(true));
        assertThat(forced.switched()).isTrue();
        assertThat(forced.verifiedAt()).isNotNull();
        assertThat(runner.commands).hasSize(2);
    }

    @Test
    void aTemplateWithoutServerLineIsAParameterErrorBeforeAnythingChanges() throws Exception {
        Path template = dir.resolve("no-server.tmpl");
        Files.writeString(template, "upstream {{service}} { server 127.0.0.1:1; }\n");
        RecordingRunner runner = new RecordingRunner();
        NginxRouter router = router(runner, new RecordingLog(), template.toString());

        assertThatThrownBy(() -> router.route("green", List.of(upstream(green))))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("router.template")
                .hasMessageContaining("0 server lines");
        assertThat(runner.commands).isEmpty();
        assertThat(Files.readString(config)).isEqualTo(blueFile);
    }
}
