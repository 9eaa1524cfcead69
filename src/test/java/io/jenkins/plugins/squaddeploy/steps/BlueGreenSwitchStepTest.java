package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.EnvVars;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.TestBuild;
import io.jenkins.plugins.squaddeploy.pipeline.TestStepContext;
import io.jenkins.plugins.squaddeploy.steps.traffic.Colour;
import io.jenkins.plugins.squaddeploy.steps.traffic.NginxRouterConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterTemplate;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.HaproxyFixture;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * blueGreenSwitch as a pipeline step (the harness: real step classes, CPS, a workspace behind a serialising
 * channel): nginx and HAProxy from the testbed in front of two sample-service containers, blue (1.0.0) and green
 * (2.0.0). Every test starts with blue live and both containers running.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class BlueGreenSwitchStepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static SampleService blue;
    static SampleService green;
    static NginxFixture nginx;
    static Path dir;
    static Path upstreamFile;
    static String blueFile;

    @BeforeAll
    static void start() throws Exception {
        DockerFixture docker = DockerFixture.get();
        blue = SampleService.run(docker, "1.0.0", 0, Map.of());
        green = SampleService.run(docker, "2.0.0", 0, Map.of());
        dir = Testbed.newWorkDir("switch-step");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        upstreamFile = dir.resolve("api-upstream.conf");
        blueFile = new NginxRouter("api", NginxRouterSpec.of("router", upstreamFile.toString(), null, List.of(), null), new LocalRouterHost(), null, null)
                .render("blue", List.of(upstream(blue)));
        Files.writeString(upstreamFile, blueFile);
        nginx = NginxFixture.create(String.join("\n",
                "include " + upstreamFile + ";",
                "server {",
                "    listen 127.0.0.1:@PORT@;",
                "    location / { proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection \"\"; }",
                "}"));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        Testbed.deleteRecursively(dir);
    }

    @BeforeEach
    void blueIsLiveAndBothRun() throws Exception {
        for (SampleService s : List.of(blue, green)) {
            if (!s.isRunning()) {
                s.start();
            }
        }
        Files.deleteIfExists(Path.of(upstreamFile + ".previous"));
        if (!Files.readString(upstreamFile).equals(blueFile)) {
            Files.writeString(upstreamFile, blueFile);
            nginx.reload();
        }
        Poll.until("blue to serve through nginx", Duration.ofSeconds(20), () -> "1.0.0".equals(version(nginx.baseUrl())));
    }

    static TrafficRouter.Upstream upstream(SampleService s) {
        return new TrafficRouter.Upstream("127.0.0.1", s.port());
    }

    static String version(String base) throws IOException {
        Http.Response r = Http.get(base + "/health", Duration.ofSeconds(5));
        return r.status() == 200 ? JSON.readTree(r.body()).path("version").asText() : "HTTP " + r.status();
    }

    static String nginxRouter() {
        return "nginxRouter(config: '" + upstreamFile + "', nginx: '" + Binaries.nginx() + "', nginxArgs: ['-p', '" + nginx.dir() + "', '-e', '"
                + nginx.dir().resolve("logs/error.log") + "', '-c', '" + nginx.configFile() + "'])";
    }

    static String colours(String greenServer) {
        return "[colour(name: 'blue', servers: ['127.0.0.1:" + blue.port() + "'], containers: ['" + blue.containerName() + "']), "
                + "colour(name: 'green', servers: ['" + greenServer + "'], containers: ['" + green.containerName() + "'])]";
    }

    static String call(String to, String router, String colours, String version, String extra) {
        return "def r = blueGreenSwitch service: 'api', to: '" + to + "', router: " + router + ",\n"
                + "    colours: " + colours + ",\n"
                + "    publicUrl: '" + nginx.baseUrl() + "/health', expectVersion: '" + version + "'" + extra + "\n"
                + "echo \"result: from=${r.from} to=${r.to} switched=${r.switched} oldColourStopped=${r.oldColourStopped} verified=${r.verifiedAt != null} ms=${r.switchMillis > 0}\"";
    }

    static PipelineRun run(String steps) {
        return new PipelineHarness().runScript("node {\n" + steps + "\n}");
    }

    @Test
    void switchesToGreenThroughNginxThenStopsBlueAfterTheDelay() throws Exception {
        PipelineRun r = run(call("green", nginxRouter(), colours("127.0.0.1:" + green.port()), "2.0.0", ", stopOldAfter: 1"));

        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.consoleLines()).contains("result: from=blue to=green switched=true oldColourStopped=true verified=true ms=true");
        assertThat(r.console()).contains("blueGreenSwitch: api: blue → green through nginx")
                .contains("nginx -t passed, reload sent")
                .contains("blueGreenSwitch: api now served by green")
                .contains("blueGreenSwitch: blue keeps running for 1 s, for a quick rollback")
                .contains("blueGreenSwitch: stopped " + blue.containerName());
        assertThat(version(nginx.baseUrl())).isEqualTo("2.0.0");
        assertThat(blue.isRunning()).as("the old colour was stopped").isFalse();
        assertThat(green.isRunning()).isTrue();
    }

    @Test
    void keepOldColourLeavesItRunningAndReturnsAtOnce() throws Exception {
        PipelineRun r = run(call("green", nginxRouter(), colours("127.0.0.1:" + green.port()), "2.0.0", ", keepOldColour: true"));

        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.consoleLines()).contains("result: from=blue to=green switched=true oldColourStopped=false verified=true ms=true");
        assertThat(r.console()).contains("keepOldColour: blue keeps running (docker stop " + blue.containerName() + " is left to you)");
        assertThat(blue.isRunning()).isTrue();
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void switchingToTheLiveColourChangesNothing() throws Exception {
        PipelineRun r = run(call("blue", nginxRouter(), colours("127.0.0.1:" + green.port()), "1.0.0", ""));

        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.consoleLines()).anyMatch(l -> l.startsWith("result: from=blue to=blue switched=false oldColourStopped=false verified=false"));
        assertThat(r.console()).contains("blueGreenSwitch: api already goes to blue; nothing switched").doesNotContain("blue → blue");
        assertThat(Path.of(upstreamFile + ".previous")).doesNotExist();
    }

    private void assertUserError(String steps, String expectedLine) throws Exception {
        PipelineRun r = run(steps);
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.consoleLines()).contains(expectedLine);
        assertThat(r.console()).doesNotContain("\tat ").doesNotContain("blueGreenSwitch: api:");
        assertThat(Files.readString(upstreamFile)).as("nothing changed").isEqualTo(blueFile);
        assertThat(Path.of(upstreamFile + ".previous")).doesNotExist();
    }

    @Test
    void parameterErrorsNameTheParameterAndChangeNothing() throws Exception {
        String greenOk = "127.0.0.1:" + green.port();
        assertUserError(call("purple", nginxRouter(), colours(greenOk), "2.0.0", ""),
                "ERROR: blueGreenSwitch: Invalid parameter 'to': colour 'purple' is not one of the colours [blue, green]. "
                        + "Expected the name of one of the colours given in 'colours'.");
        assertUserError(call("green", nginxRouter(), colours("127.0.0.1:99999"), "2.0.0", ""),
                "ERROR: blueGreenSwitch: Invalid parameter 'colours[1].servers[0]': got '99999'. Expected a port number from 1 to 65535.");
        assertUserError(call("green", "nginxRouter(config: 'relative/api.conf')", colours(greenOk), "2.0.0", ""),
                "ERROR: blueGreenSwitch: Invalid parameter 'router.config': got 'relative/api.conf'. "
                        + "Expected an absolute file path without quotes, ';', braces or control characters, e.g. /etc/nginx/conf.d/api-upstream.conf.");
        assertUserError(call("green", nginxRouter(), colours(greenOk), "2.0.0", ", verifyDeadline: 0"),
                "ERROR: blueGreenSwitch: Invalid parameter 'verifyDeadline': got 0. Expected a number of seconds from 1 to 3600.");
        assertUserError(call("green", nginxRouter(), colours(greenOk), "2.0.0", ", versionPath: '$..version'"),
                "ERROR: blueGreenSwitch: Invalid parameter 'versionPath': '$..version' may match several values. "
                        + "Expected a JSONPath to one value, e.g. $.version or $.build.version.");
        assertUserError(call("green", "haproxyRouter(socket: '/run/x.sock', config: '/etc/haproxy/haproxy.cfg')",
                        "[colour(name: 'blue', servers: ['localhost:1']), colour(name: 'green', servers: ['127.0.0.1:2'])]", "2.0.0", ""),
                "ERROR: blueGreenSwitch: Invalid parameter 'colours[0].servers[0]': 'localhost' is a host name. "
                        + "Expected an IP address and port such as 127.0.0.1:8002: HAProxy's runtime API cannot resolve names.");

        PipelineRun unknown = run(call("green", "traefikRouter(config: '/x')", colours(greenOk), "2.0.0", ""));
        assertThat(unknown.result()).isEqualTo(Result.FAILURE);
        assertThat(unknown.console()).contains("No such DSL method 'traefikRouter'");
        assertThat(Files.readString(upstreamFile)).isEqualTo(blueFile);
    }

    @Test
    void aFailedNginxCheckFailsTheBuildAndBlueKeepsServing() throws Exception {
        Path template = dir.resolve("broken.tmpl");
        Files.writeString(template, "upstream {{service}} {\n    server {{address}} no_such_parameter;\n}\n");
        String router = nginxRouter().replace("])", "], template: '" + template + "')");

        PipelineRun r = run(call("green", router, colours("127.0.0.1:" + green.port()), "2.0.0", ""));

        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("ERROR: blueGreenSwitch: nginx -t rejected the configuration with the new upstream (switch to green)")
                .contains("no_such_parameter").doesNotContain("\tat ");
        assertThat(Files.readString(upstreamFile)).isEqualTo(blueFile);
        assertThat(version(nginx.baseUrl())).isEqualTo("1.0.0");
        assertThat(blue.isRunning()).isTrue();
    }

    @Test
    void aNewColourWithTheWrongVersionIsSwitchedBackAndNothingIsStopped() throws Exception {
        PipelineRun r = run(call("green", nginxRouter(), colours("127.0.0.1:" + green.port()), "9.9.9", ", verifyDeadline: 2, stopOldAfter: 0"));

        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).containsPattern("ERROR: blueGreenSwitch: api: green did not serve 9\\.9\\.9 through http://127\\.0\\.0\\.1:\\d+/health "
                + "within 2 s: \\d+ of \\d+ sample\\(s\\) answered HTTP 200 version '2\\.0\\.0'")
                .contains("Switched back to blue.");
        assertThat(Files.readString(upstreamFile)).isEqualTo(blueFile);
        Poll.until("blue to serve again", Duration.ofSeconds(20), () -> "1.0.0".equals(version(nginx.baseUrl())));
        assertThat(blue.isRunning()).isTrue();
        assertThat(green.isRunning()).isTrue();
    }

    @Test
    void switchesThroughHaproxyInAPipeline() throws Exception {
        HaproxyRouter r0 = new HaproxyRouter("api", HaproxyRouterSpec.of("router", "api", "/x.sock", null, "/x.cfg", null, null, null),
                new LocalRouterHost(), null, null);
        String block = r0.renderBlock("blue", List.of(new RouterTemplate.Server("blue-1", upstream(blue), false)));
        try (HaproxyFixture haproxy = HaproxyFixture.create(String.join("\n", "frontend fe_main", "    bind 127.0.0.1:@PORT@",
                "    default_backend api", "", block))) {
            String router = "haproxyRouter(socket: '" + haproxy.adminSocket() + "', config: '" + haproxy.configFile() + "', haproxy: '"
                    + Binaries.haproxy() + "')";
            String steps = call("green", router, colours("127.0.0.1:" + green.port()), "2.0.0", ", keepOldColour: true")
                    .replace(nginx.baseUrl(), haproxy.baseUrl());

            PipelineRun r = run(steps);

            assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
            assertThat(r.consoleLines()).contains("result: from=blue to=green switched=true oldColourStopped=false verified=true ms=true");
            assertThat(r.console()).contains("blueGreenSwitch: haproxy: backend api now sends api to green");
            assertThat(version(haproxy.baseUrl())).isEqualTo("2.0.0");
            assertThat(haproxy.admin("show servers state api")).contains(" green-1 ");
        }
    }

    // ---- the wait for stopping the old colour, across a controller restart (as VerifyHealthResumeTest does it)

    @TempDir
    Path tmp;

    private static BlueGreenSwitchStep step(int stopOldAfter) {
        NginxRouterConfig router = new NginxRouterConfig(upstreamFile.toString());
        router.setNginx(Binaries.nginx().toString());
        router.setNginxArgs(List.of("-p", nginx.dir().toString(), "-e", nginx.dir().resolve("logs/error.log").toString(), "-c",
                nginx.configFile().toString()));
        Colour b = new Colour("blue", List.of("127.0.0.1:" + blue.port()));
        b.setContainers(List.of(blue.containerName()));
        Colour g = new Colour("green", List.of("127.0.0.1:" + green.port()));
        g.setContainers(List.of(green.containerName()));
        BlueGreenSwitchStep step = new BlueGreenSwitchStep("api", "green", router);
        step.setColours(List.of(b, g));
        step.setPublicUrl(nginx.baseUrl() + "/health");
        step.setExpectVersion("2.0.0");
        step.setStopOldAfter(stopOldAfter);
        return step;
    }

    private static byte[] save(StepExecution e) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        return bytes.toByteArray();
    }

    private static StepExecution load(byte[] saved) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(saved))) {
            return (StepExecution) in.readObject();
        }
    }

    /** Starts the step and returns once it waits to stop blue (the switch to green is done and verified). */
    private StepExecution startAndWait(TestBuild build, TestStepContext context, int stopOldAfter) throws Exception {
        StepExecution running = step(stopOldAfter).start(context);
        assertThat(running.start()).as("asynchronous: the CPS thread is not held").isFalse();
        Poll.until("the switch to be verified and the wait to start", Duration.ofSeconds(30),
                () -> build.console().text().contains("blueGreenSwitch: blue keeps running for " + stopOldAfter + " s"));
        assertThat(running.getStatus()).startsWith("waiting until ").endsWith(" to stop the old colour blue");
        return running;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWaitSurvivesARestartAndStopsTheOldColourAtTheSavedTime() throws Exception {
        TestBuild before = new TestBuild("switch-resume", 1, null, System.out, tmp.resolve("before"));
        TestStepContext first = before.context(new EnvVars(), true);
        long started = System.nanoTime();
        StepExecution running = startAndWait(before, first, 4);
        byte[] saved = save(running);
        running.stop(new InterruptedException("controller shutting down"));
        assertThatThrownBy(() -> first.outcome().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        TestBuild after = new TestBuild("switch-resume", 1, null, System.out, tmp.resolve("after"));
        TestStepContext resumed = after.context(new EnvVars(), true);
        first.resumeAs(resumed);
        StepExecution restored = load(saved);
        restored.onResume();
        assertThat(blue.isRunning()).as("still waiting after the restart").isTrue();

        Object result = resumed.outcome().get(60, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - started).as("not stopped before the saved time").isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(4));
        assertThat(result).isInstanceOf(Map.class);
        assertThat((Map<Object, Object>) result).containsEntry("from", "blue").containsEntry("to", "green").containsEntry("switched", true)
                .containsEntry("oldColourStopped", true).containsKeys("verifiedAt", "switchMillis");
        assertThat(after.console().text()).contains("blueGreenSwitch: resumed after a restart; blue is stopped at")
                .contains("blueGreenSwitch: stopped " + blue.containerName());
        assertThat(blue.isRunning()).isFalse();
    }

    @Test
    void abortingWhileWaitingKeepsTheOldColourRunning() throws Exception {
        TestBuild build = new TestBuild("switch-abort", 1, null, System.out, tmp);
        TestStepContext context = build.context(new EnvVars(), true);
        StepExecution running = startAndWait(build, context, 1);
        long stoppedAt = System.nanoTime();
        running.stop(new InterruptedException("aborted by user"));
        assertThatThrownBy(() -> context.outcome().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        Poll.until("the stop time to pass", Duration.ofSeconds(10), () -> System.nanoTime() - stoppedAt > TimeUnit.MILLISECONDS.toNanos(2000));
        assertThat(blue.isRunning()).isTrue();
        assertThat(build.console().text()).contains("blueGreenSwitch: stopped while waiting: blue keeps running");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSwitchBackDuringTheWaitKeepsTheOldColourRunning() throws Exception {
        TestBuild build = new TestBuild("switch-back", 1, null, System.out, tmp);
        TestStepContext context = build.context(new EnvVars(), true);
        startAndWait(build, context, 3);
        Files.writeString(upstreamFile, blueFile); // someone rolls back by hand while the step waits
        nginx.reload();

        Object result = context.outcome().get(60, TimeUnit.SECONDS);
        assertThat((Map<Object, Object>) result).containsEntry("to", "green").containsEntry("oldColourStopped", false);
        assertThat(build.console().text()).contains("blueGreenSwitch: blue is not stopped: api goes to blue now, not green (switched back meanwhile?)");
        assertThat(blue.isRunning()).isTrue();
    }
}
