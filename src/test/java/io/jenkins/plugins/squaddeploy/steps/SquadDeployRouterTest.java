package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.EnvVars;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.cli.SquadCli;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterTemplate;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.pipeline.TestBuild;
import io.jenkins.plugins.squaddeploy.pipeline.TestStepContext;
import io.jenkins.plugins.squaddeploy.steps.deploy.DockerTarget;
import io.jenkins.plugins.squaddeploy.steps.traffic.NginxRouterConfig;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.HaproxyFixture;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import picocli.CommandLine;

/**
 * squadDeploy handing healthy blue-green releases to a router, through the pipeline harness (real step classes,
 * CPS, a workspace behind a channel that serialises every callable), against the real Docker daemon and a real
 * nginx (docker target) or HAProxy (compose target) from the testbed in front of the colours. Each test is one
 * service's life: release 1.0.0 (nothing to switch from), release 2.0.0 (switched, verified through the router, the
 * old colour stopped after the delay), a release that never becomes healthy (never served: a load of requests
 * through the router during that deploy all come from the live version), a release kept beside the old colour
 * (keepOldColour) or switched back (it does not serve its version), and the record read back after the builds are gone.
 */
@Timeout(300)
@ExtendWith(TestbedExtension.class)
class SquadDeployRouterTest {
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

    private static String labels() {
        return DeployTestbed.testLabels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    /** One build of job {@code job}: squadDeploy of {@code version} with {@code router} and {@code extra} parameters, echoing the result. */
    private static PipelineRun deploy(String job, int build, String svc, int[] ports, String version, String router, String publicUrl, String extra) {
        return deploy(job, build, svc, "dockerTarget(ports: 'blue=" + ports[0] + ",green=" + ports[1] + "')", version, router, publicUrl, extra);
    }

    /** The compose file every build of the compose test writes into its (fresh) workspace first. */
    private static final String COMPOSE_FILE = "writeFile file: 'docker-compose.prod.yml', text: '''version: \"3.8\"\nservices:\n  api:\n"
            + "    image: placeholder:1\n    network_mode: host\n'''\n";

    private static PipelineRun deploy(String job, int build, String svc, String target, String version, String router, String publicUrl, String extra) {
        String script = "node {\n"
                + (target.startsWith("composeTarget") ? "  " + COMPOSE_FILE : "")
                + "  def r = squadDeploy service: '" + svc + "', image: '" + bed.image(version) + "', environment: 'test',\n"
                + "      target: " + target + ", labels: " + labels() + ",\n"
                + "      router: " + router + ", publicUrl: '" + publicUrl + "/health', samples: 5" + extra + "\n"
                + "  echo \"released ${r.version} to ${r.colour} switched=${r.trafficSwitched} from=${r.traffic?.from} previous=${r.previous?.version} "
                + "stopped=${r.oldColourStopped} ms=${r.traffic?.switchMillis != null}\"\n"
                + "}\n";
        return new PipelineHarness().jobName(job).buildNumber(build).runScript(script);
    }

    static String versionThrough(String base) {
        Http.Response r;
        try {
            r = Http.get(base + "/health", Duration.ofSeconds(5));
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        }
        try {
            return r.status() + " " + JSON.readTree(r.body()).path("version").asText();
        } catch (IOException e) {
            return r.status() + " (not JSON)";
        }
    }

    /**
     * Requests through the router while {@code deploy} runs, one after the other with a 10 ms pause, on loopback only,
     * bounded to 6,000 requests and the deploy's duration; returns how often each answer ("200 2.0.0") was seen.
     */
    static Map<String, Integer> underLoad(String base, Runnable deploy) throws InterruptedException {
        Map<String, Integer> seen = Collections.synchronizedMap(new TreeMap<>());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            for (int i = 0; i < 6000 && running.get(); i++) {
                seen.merge(versionThrough(base), 1, Integer::sum);
                try {
                    TimeUnit.MILLISECONDS.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "router-load");
        load.start();
        try {
            deploy.run();
        } finally {
            running.set(false);
            load.join(TimeUnit.SECONDS.toMillis(30));
        }
        return seen;
    }

    private static CliRun squad(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        System.out.println(out);
        System.out.println(err);
        return new CliRun(exit, out.toString(), err.toString());
    }

    record CliRun(int exit, String out, String err) {
    }

    private static Path routerDir(String kind) throws IOException {
        Path dir = Testbed.newWorkDir(kind);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    @Test
    void behindNginxReleasesSwitchesVerifiesAndStopsTheOldColourAndABadReleaseNeverServes() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        Path dir = routerDir("deploy-nginx");
        Path conf = Files.createDirectories(dir.resolve("conf.d"));
        Path upstream = conf.resolve(svc + "-upstream.conf");
        // nginx as a team runs it before the first release: its include exists but routes nowhere (not written by squadDeploy)
        Files.writeString(upstream, "# " + svc + ": no release yet\nupstream " + svc + " { server 127.0.0.1:1 down; }\n");
        try (NginxFixture nginx = NginxFixture.create(String.join("\n",
                "include " + upstream + ";",
                "server {",
                "    listen 127.0.0.1:@PORT@;",
                "    location / { proxy_pass http://" + svc + "; proxy_http_version 1.1; proxy_set_header Connection \"\"; "
                        + "proxy_next_upstream error timeout; }",
                "}"))) {
            String router = "nginxRouter(config: '" + upstream + "', nginx: '" + Binaries.nginx() + "', nginxArgs: ['-p', '" + nginx.dir() + "', '-e', '"
                    + nginx.dir().resolve("logs/error.log") + "', '-c', '" + nginx.configFile() + "'])";
            assertThat(versionThrough(nginx.baseUrl())).startsWith("502");

            // build 1: the first release; nothing to switch from, the router goes to blue
            PipelineRun one = deploy("squad-api", 1, svc, p, "1.0.0", router, nginx.baseUrl(), ", stopOldAfter: 1");
            assertThat(one.result()).as(one.console()).isEqualTo(Result.SUCCESS);
            assertThat(one.consoleLines()).contains("released 1.0.0 to blue switched=true from=null previous=null stopped=false ms=true");
            assertThat(one.console()).contains("squadDeploy: live colour: none (no colour is running (first release)); the new release goes to blue")
                    .contains("was not written by blueGreenSwitch; it is replaced and kept as " + upstream + ".previous")
                    .contains("blueGreenSwitch: " + svc + ": (no known colour) → blue through nginx")
                    .contains("blueGreenSwitch: " + svc + " now served by blue: 5 sample(s) in a row reported 1.0.0");
            // nginx's old worker generation still takes new connections for ~0.1 s after the reload (the switch was verified on
            // the sampler's connection to a new worker): a fresh client may get the old configuration's 502 in that window
            Poll.until("1.0.0 through nginx for a fresh client", Duration.ofSeconds(10), () -> versionThrough(nginx.baseUrl()).equals("200 1.0.0"));
            // with a router and no stateDir, the record lives beside the router's configuration
            Path stateFile = conf.resolve(".squad-deploy/test/" + svc + ".json");
            assertThat(stateFile).exists();
            // every router file operation and verification sample went to the "agent"
            assertThat(one.channel().callableTypes()).contains("io.jenkins.plugins.squaddeploy.steps.AgentRouterHost$Sample",
                    "io.jenkins.plugins.squaddeploy.steps.AgentRouterHost$InstallFile");

            // build 2: 2.0.0 goes to green, the router switches after the healthcheck, blue is stopped after 1 s
            PipelineRun two = deploy("squad-api", 2, svc, p, "2.0.0", router, nginx.baseUrl(), ", stopOldAfter: 1");
            assertThat(two.result()).as(two.console()).isEqualTo(Result.SUCCESS);
            assertThat(two.consoleLines()).contains("released 2.0.0 to green switched=true from=blue previous=1.0.0 stopped=true ms=true");
            assertThat(two.console()).contains("squadDeploy: live colour: blue (the nginx router sends traffic to blue); the new release goes to green")
                    .contains("blueGreenSwitch: " + svc + ": blue → green through nginx")
                    .contains("squadDeploy: blue (1.0.0) keeps running for 1 s, for a quick rollback")
                    .contains("squadDeploy: stopped the old colour blue (1.0.0): " + svc + "-blue");
            assertThat(versionThrough(nginx.baseUrl())).isEqualTo("200 2.0.0");
            assertThat(bed.isRunning(svc + "-blue")).as("the old colour was stopped").isFalse();
            assertThat(bed.isRunning(svc + "-green")).isTrue();

            // build 3: a release that never becomes healthy; requests through nginx during the whole deploy
            PipelineRun[] three = new PipelineRun[1];
            Map<String, Integer> seen = underLoad(nginx.baseUrl(),
                    () -> three[0] = deploy("squad-api", 3, svc, p, "bad", router, nginx.baseUrl(), ", healthTimeout: 5, stopOldAfter: 1"));
            assertThat(three[0].result()).as(three[0].console()).isEqualTo(Result.FAILURE);
            assertThat(three[0].consoleLines()).anyMatch(l -> l.startsWith("ERROR: squadDeploy failed: ") && l.contains(svc + "-blue was stopped and got no traffic")
                    && l.contains("green (2.0.0) is untouched and still serving"));
            assertThat(three[0].console()).doesNotContain("blueGreenSwitch: " + svc + ": green → blue");
            assertThat(seen).as("every answer through nginx during the bad deploy").containsOnlyKeys("200 2.0.0");
            assertThat(seen.get("200 2.0.0")).as("requests during the bad deploy").isGreaterThan(100);
            assertThat(Files.readString(upstream)).contains("colour=green");
            assertThat(bed.isRunning(svc + "-blue")).isFalse();

            // build 4: 1.0.0 again (a roll-forward to blue) with keepOldColour: green (2.0.0) keeps running, left to the team
            PipelineRun four = deploy("squad-api", 4, svc, p, "1.0.0", router, nginx.baseUrl(), ", keepOldColour: true");
            assertThat(four.result()).as(four.console()).isEqualTo(Result.SUCCESS);
            assertThat(four.consoleLines()).contains("released 1.0.0 to blue switched=true from=green previous=2.0.0 stopped=false ms=true");
            assertThat(four.console()).contains("squadDeploy: removing the idle colour's container " + svc + "-blue (bad, exited)")
                    .contains("squadDeploy: keepOldColour: green (2.0.0) keeps running (docker stop " + svc + "-green is left to you)");
            Poll.until("1.0.0 through nginx for a fresh client", Duration.ofSeconds(10), () -> versionThrough(nginx.baseUrl()).equals("200 1.0.0"));
            assertThat(bed.isRunning(svc + "-green")).as("keepOldColour").isTrue();
            assertThat(four.duration()).isLessThan(Duration.ofSeconds(60));

            // all four builds are gone: the CLI finds the record beside the router config, without being told where
            CliRun status = squad("deploy", "--status", "--service", svc, "--environment", "test", "--router", "nginx", "--nginx-config", upstream.toString());
            assertThat(status.exit()).as(status.err()).isZero();
            Map<?, ?> st = JSON.readValue(status.out(), Map.class);
            assertThat(st.get("stateFile")).isEqualTo(stateFile.toString());
            Map<?, ?> current = (Map<?, ?>) st.get("current");
            assertThat(current.get("version")).isEqualTo("1.0.0");
            assertThat(current.get("colour")).isEqualTo("blue");
            assertThat(current.get("trafficSwitched")).isEqualTo(true);
            assertThat(current.get("buildUrl")).isEqualTo("http://127.0.0.1:8080/job/squad-api/4/");
            assertThat(((Map<?, ?>) current.get("previous")).get("buildUrl")).isEqualTo("http://127.0.0.1:8080/job/squad-api/2/");
            assertThat(String.valueOf(st.get("lastFailure"))).contains("bad").contains("http://127.0.0.1:8080/job/squad-api/3/");
            assertThat(((Map<?, ?>) st.get("runningByLabels")).get("version")).isEqualTo("1.0.0");
        } finally {
            Testbed.deleteRecursively(dir);
        }
    }

    /** Whether a container of compose project {@code project} runs. */
    private static boolean composeRunning(String project) {
        return !bed.docker.ok(Duration.ofSeconds(20), "ps", "-q", "--filter", "label=com.docker.compose.project=" + project).isBlank();
    }

    @Test
    void composeBehindHaproxyReleasesSwitchesRetiresTheOldColourAndABadReleaseNeverServes() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        String target = "composeTarget(files: ['docker-compose.prod.yml'], services: ['api'], ports: 'blue=" + p[0] + ",green=" + p[1] + "')";
        // HAProxy as a team runs it before the first release: the service's backend is the managed block, its server disabled
        HaproxyRouter render = new HaproxyRouter(svc, HaproxyRouterSpec.of("router", svc, "/x.sock", null, "/x.cfg", null, null, null),
                new LocalRouterHost(), null, null);
        String block = render.renderBlock("blue", List.of(new RouterTemplate.Server("blue-1", new TrafficRouter.Upstream("127.0.0.1", p[0]), true)));
        try (HaproxyFixture haproxy = HaproxyFixture.create(String.join("\n", "frontend fe_main", "    bind 127.0.0.1:@PORT@",
                "    default_backend " + svc, "", block))) {
            String router = "haproxyRouter(socket: '" + haproxy.adminSocket() + "', config: '" + haproxy.configFile() + "', haproxy: '"
                    + Binaries.haproxy() + "')";
            assertThat(versionThrough(haproxy.baseUrl())).startsWith("503");

            PipelineRun one = deploy("shop", 1, svc, target, "1.0.0", router, haproxy.baseUrl(), "");
            assertThat(one.result()).as(one.console()).isEqualTo(Result.SUCCESS);
            assertThat(one.consoleLines()).contains("released 1.0.0 to blue switched=true from=null previous=null stopped=false ms=true");
            assertThat(one.console()).contains("docker-compose -p " + svc + "-blue up -d --no-deps --force-recreate api");
            assertThat(versionThrough(haproxy.baseUrl())).isEqualTo("200 1.0.0");

            // build 2: 2.0.0 to green through HAProxy's runtime API; the compose project of blue is stopped after 1 s
            PipelineRun two = deploy("shop", 2, svc, target, "2.0.0", router, haproxy.baseUrl(), ", stopOldAfter: 1");
            assertThat(two.result()).as(two.console()).isEqualTo(Result.SUCCESS);
            assertThat(two.consoleLines()).contains("released 2.0.0 to green switched=true from=blue previous=1.0.0 stopped=true ms=true");
            assertThat(two.console()).contains("squadDeploy: live colour: blue (the haproxy router sends traffic to blue)")
                    .contains("blueGreenSwitch: haproxy: backend " + svc + " now sends " + svc + " to green (127.0.0.1:" + p[1] + ")")
                    .contains("squadDeploy: blue (1.0.0) keeps running for 1 s, for a quick rollback")
                    .containsPattern("squadDeploy: stopped the old colour blue \\(1\\.0\\.0\\): " + svc + "-blue[_-]api[_-]1 ");
            assertThat(versionThrough(haproxy.baseUrl())).isEqualTo("200 2.0.0");
            assertThat(composeRunning(svc + "-blue")).as("the old colour was stopped").isFalse();
            assertThat(composeRunning(svc + "-green")).isTrue();

            PipelineRun[] three = new PipelineRun[1];
            Map<String, Integer> seen = underLoad(haproxy.baseUrl(),
                    () -> three[0] = deploy("shop", 3, svc, target, "bad", router, haproxy.baseUrl(), ", healthTimeout: 5"));
            assertThat(three[0].result()).as(three[0].console()).isEqualTo(Result.FAILURE);
            assertThat(three[0].consoleLines()).anyMatch(l -> l.startsWith("ERROR: squadDeploy failed: ") && l.contains(svc + "-blue was stopped and got no traffic")
                    && l.contains("green (2.0.0) is untouched and still serving"));
            assertThat(seen).as("every answer through HAProxy during the bad deploy").containsOnlyKeys("200 2.0.0");
            assertThat(seen.get("200 2.0.0")).isGreaterThan(100);
            assertThat(haproxy.admin("show servers state " + svc)).contains(" green-1 ");

            // build 4: healthy, but it does not serve the version it claims through the router: switched back, stopped
            PipelineRun four = deploy("shop", 4, svc, target, "1.0.0", router, haproxy.baseUrl(), ", version: '9.9.9', verifyDeadline: 2");
            assertThat(four.result()).as(four.console()).isEqualTo(Result.FAILURE);
            assertThat(four.consoleLines()).anyMatch(l -> l.startsWith("ERROR: squadDeploy failed: switching traffic to blue failed: blueGreenSwitch: " + svc
                    + ": blue did not serve 9.9.9 through " + haproxy.baseUrl() + "/health within 2 s: ")
                    && l.contains("answered HTTP 200 version '1.0.0'") && l.endsWith("Switched back to green. The router now routes to green; " + svc + "-blue was stopped."));
            assertThat(versionThrough(haproxy.baseUrl())).isEqualTo("200 2.0.0");
            assertThat(composeRunning(svc + "-blue")).isFalse();
            assertThat(composeRunning(svc + "-green")).isTrue();
        }
    }

    @TempDir
    Path tmp;

    private static SquadDeployStep step(String svc, int[] p, String version, Path upstream, NginxFixture nginx, int stopOldAfter) {
        NginxRouterConfig router = new NginxRouterConfig(upstream.toString());
        router.setNginx(Binaries.nginx().toString());
        router.setNginxArgs(List.of("-p", nginx.dir().toString(), "-e", nginx.dir().resolve("logs/error.log").toString(), "-c",
                nginx.configFile().toString()));
        DockerTarget target = new DockerTarget();
        target.setPorts("blue=" + p[0] + ",green=" + p[1]);
        SquadDeployStep step = new SquadDeployStep(svc, bed.image(version));
        step.setEnvironment("test");
        step.setTarget(target);
        step.setLabels(DeployTestbed.testLabels());
        step.setRouter(router);
        step.setPublicUrl(nginx.baseUrl() + "/health");
        step.setSamples(5);
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

    @Test
    @SuppressWarnings("unchecked")
    void theWaitBeforeStoppingTheOldColourSurvivesARestart() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        Path dir = routerDir("deploy-resume");
        Path upstream = dir.resolve(svc + "-upstream.conf");
        Files.writeString(upstream, "upstream " + svc + " { server 127.0.0.1:1 down; }\n");
        try (NginxFixture nginx = NginxFixture.create("include " + upstream + ";\nserver {\n    listen 127.0.0.1:@PORT@;\n"
                + "    location / { proxy_pass http://" + svc + "; }\n}")) {
            TestBuild first = new TestBuild("resume", 1, null, System.out, tmp.resolve("one"));
            TestStepContext one = first.context(new EnvVars(), true);
            assertThat(step(svc, p, "1.0.0", upstream, nginx, 0).start(one).start()).isFalse();
            assertThat((Map<Object, Object>) one.outcome().get(120, TimeUnit.SECONDS)).containsEntry("trafficSwitched", true);

            TestBuild before = new TestBuild("resume", 2, null, System.out, tmp.resolve("before"));
            TestStepContext context = before.context(new EnvVars(), true);
            long started = System.nanoTime();
            StepExecution running = step(svc, p, "2.0.0", upstream, nginx, 4).start(context);
            assertThat(running.start()).as("asynchronous: the CPS thread is not held").isFalse();
            Poll.until("the switch to be verified and the wait to start", Duration.ofSeconds(90),
                    () -> before.console().text().contains("squadDeploy: blue (1.0.0) keeps running for 4 s"));
            assertThat(running.getStatus()).startsWith("waiting until ").endsWith(" to stop the old colour blue");
            byte[] saved = save(running);
            running.stop(new InterruptedException("controller shutting down"));
            assertThatThrownBy(() -> context.outcome().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(before.console().text()).contains("squadDeploy: stopped while waiting: blue keeps running");

            TestBuild after = new TestBuild("resume", 2, null, System.out, tmp.resolve("after"));
            TestStepContext resumed = after.context(new EnvVars(), true);
            context.resumeAs(resumed);
            load(saved).onResume();
            assertThat(bed.isRunning(svc + "-blue")).as("still waiting after the restart").isTrue();

            Map<Object, Object> result = (Map<Object, Object>) resumed.outcome().get(60, TimeUnit.SECONDS);
            assertThat(System.nanoTime() - started).as("not stopped before the saved time").isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(4));
            assertThat(result).containsEntry("version", "2.0.0").containsEntry("colour", "green").containsEntry("trafficSwitched", true)
                    .containsEntry("oldColourStopped", true);
            assertThat((Map<Object, Object>) result.get("traffic")).containsEntry("from", "blue").containsEntry("to", "green");
            assertThat(after.console().text()).contains("squadDeploy: resumed after a restart; blue is stopped at")
                    .contains("squadDeploy: stopped the old colour blue (1.0.0): " + svc + "-blue");
            assertThat(bed.isRunning(svc + "-blue")).isFalse();
            assertThat(versionThrough(nginx.baseUrl())).isEqualTo("200 2.0.0");
        } finally {
            Testbed.deleteRecursively(dir);
        }
    }

    @Test
    void switchSettingsAreCheckedWithBlueGreenSwitchsWordsBeforeAnythingChanges() throws Exception {
        String before = bed.snapshot();
        String svc = bed.newService();
        String nginx = "nginxRouter(config: '/tmp/squadtest-none/" + svc + "-upstream.conf')";
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"router: " + nginx,
                "ERROR: squadDeploy: Invalid parameter 'publicUrl': no URL given. Expected the http:// or https:// URL of the health endpoint through the router"});
        cases.add(new String[] {"router: " + nginx + ", publicUrl: 'http://127.0.0.1:1/health', verifyDeadline: 0",
                "ERROR: squadDeploy: Invalid parameter 'verifyDeadline': got 0. Expected a number of seconds from 1 to 3600."});
        cases.add(new String[] {"router: " + nginx + ", publicUrl: 'http://127.0.0.1:1/health', versionPath: '$..version'",
                "ERROR: squadDeploy: Invalid parameter 'versionPath': '$..version' may match several values."});
        cases.add(new String[] {"router: " + nginx + ", publicUrl: 'http://127.0.0.1:1/health', samples: 0",
                "ERROR: squadDeploy: Invalid parameter 'samples': got 0. Expected a number of samples in a row from 1 to 1000."});
        cases.add(new String[] {"router: nginxRouter(config: 'relative.conf'), publicUrl: 'http://127.0.0.1:1/health'",
                "ERROR: squadDeploy: Invalid parameter 'router.config': got 'relative.conf'."});
        cases.add(new String[] {"publicUrl: 'http://127.0.0.1:1/health'",
                "ERROR: squadDeploy: Invalid parameter 'publicUrl': it only applies when squadDeploy switches the router, and no router was given."});
        cases.add(new String[] {"keepOldColour: true",
                "ERROR: squadDeploy: Invalid parameter 'keepOldColour': it only applies when squadDeploy switches the router"});
        cases.add(new String[] {"router: haproxyRouter(socket: '/run/x.sock', config: '/etc/haproxy/haproxy.cfg'), publicUrl: 'http://127.0.0.1:1/health', "
                + "upstreamHost: 'localhost'",
                "ERROR: squadDeploy: Invalid parameter 'upstreamHost': 'localhost' is a host name. Expected an IP address and port such as 127.0.0.1:8002"});
        for (String[] c : cases) {
            PipelineRun r = new PipelineHarness().runScript("node {\n squadDeploy service: '" + svc + "', image: '" + bed.image("2.0.0")
                    + "', target: dockerTarget(ports: 'blue=8001,green=8002'), " + c[0] + "\n}\n");
            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            assertThat(r.consoleLines()).as(r.console()).anyMatch(l -> l.startsWith(c[1]));
            assertThat(r.console()).doesNotContain("\tat ").doesNotContain("squadDeploy: " + "default/" + svc);
        }
        PipelineRun rolling = new PipelineHarness().runScript("node {\n squadDeploy service: '" + svc + "', image: '" + bed.image("2.0.0")
                + "', strategy: 'rolling', target: dockerTarget(ports: '8001-8003'), router: " + nginx + ", publicUrl: 'http://127.0.0.1:1/health'\n}\n");
        assertThat(rolling.consoleLines()).anyMatch(l -> l.startsWith(
                "ERROR: squadDeploy: Invalid parameter 'router': only the blueGreen strategy hands traffic to a router, this is rolling."));
        assertThat(bed.snapshot()).isEqualTo(before);
        assertThat(Path.of("/tmp/squadtest-none")).doesNotExist();
    }
}
