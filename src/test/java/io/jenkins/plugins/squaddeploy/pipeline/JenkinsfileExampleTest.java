package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun.StageStatus;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.PrometheusFixture;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Jenkinsfile.example}, as it is in the repository, against the real testbed: PostgreSQL and Redis servers,
 * Docker with the sample service images {@code squad-sample:1.0.0} and {@code 2.0.0} built locally, and nginx in front
 * of the service, all on 127.0.0.1. Build 1 releases 1.0.0 (the first release: nothing serves yet, nothing to switch
 * from), build 2 releases 2.0.0 blue-green with the switch through nginx and watches it (API requests through nginx, and
 * the error rate from a real Prometheus scraping both colours: {@code PROMETHEUS_URL}), build 3 asks for a version whose image does
 * not exist (nothing to roll back), build 4 releases a bad 2.1.0 (ERROR_RATE=50: healthy healthcheck, failing requests)
 * that the Verify stage's watch catches and the post-failure autoRollback puts back to 2.0.0. Every plugin step ({@code verifyHealth}, {@code dbSnapshot}, {@code squadDeploy}), the {@code serviceHealth}
 * var and the credentials {@code app-db} / {@code redis-password} run for real through the harness.
 */
@Timeout(300)
@ExtendWith(TestbedExtension.class)
class JenkinsfileExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresFixture postgres;
    private static RedisFixture redis;
    private static NginxFixture nginx;
    private static PrometheusFixture prometheus;
    private static DockerFixture docker;
    private static Path dir;
    private static Path upstream;
    private static String service;
    private static int[] ports;

    @BeforeAll
    static void startTestbed() throws IOException {
        postgres = PostgresFixture.create();
        redis = RedisFixture.create();
        docker = DockerFixture.get();
        SampleServiceImage.ensure(docker, "1.0.0");
        SampleServiceImage.ensure(docker, "2.0.0");
        SampleServiceImage.ensure(docker, "2.1.0");
        // a service name of this run only (compose projects <service>-blue/-green; the testbed reaps squadtest-* leftovers)
        service = "squadtest-api-" + Testbed.newSecret(6).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
        ports = new int[] {io.jenkins.plugins.squaddeploy.testbed.FreePorts.next(), io.jenkins.plugins.squaddeploy.testbed.FreePorts.next()};
        dir = Testbed.newWorkDir("jenkinsfile");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = Files.createDirectories(dir.resolve("conf.d"));
        upstream = conf.resolve(service + "-upstream.conf");
        Files.writeString(upstream, "# " + service + ": no release yet\nupstream " + service + " { server 127.0.0.1:1 down; }\n");
        nginx = NginxFixture.create(String.join("\n",
                "include " + upstream + ";",
                "server {",
                "    listen 127.0.0.1:@PORT@;",
                "    location / { proxy_pass http://" + service + "; proxy_http_version 1.1; proxy_set_header Connection \"\"; "
                        + "proxy_next_upstream error timeout; }",
                "}"));
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db", postgres.user(), postgres.password()));
        TestCredentials.add(new TestCredentials.StringSecret("redis-password", redis.password()));
        // Prometheus scraping both colours' /metrics as job=<service>: the Verify watch's error-rate check (PROMETHEUS_URL)
        prometheus = PrometheusFixture.createWithConfig(
                PrometheusFixture.configFor(service, List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1])));
    }

    @AfterAll
    static void stopTestbed() {
        TestCredentials.clear();
        if (docker != null && service != null) {
            io.jenkins.plugins.squaddeploy.testbed.ReleaseContainers.remove(docker, service);
            docker.run(Duration.ofSeconds(30), "rmi", SampleServiceImage.REPOSITORY + ":previous"); // squadDeploy's tag of the outgoing image
        }
        for (AutoCloseable c : new AutoCloseable[] {prometheus, nginx, redis, postgres}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("could not close " + c + ": " + e);
            }
        }
        if (dir != null) {
            Testbed.deleteRecursively(dir);
        }
    }

    private static PipelineHarness harness(int build, String version) {
        return new PipelineHarness()
                .jobName("squad-api-release")
                .buildNumber(build)
                .param("VERSION", version)
                .param("SERVICE", service)
                .param("PORTS", "blue=" + ports[0] + ",green=" + ports[1])
                .param("COMPOSE_FILE", PipelineHarness.defaultRepoRoot().resolve("docs/examples/squad-api.docker-compose.yml").toString())
                .param("PUBLIC_URL", nginx.baseUrl())
                .param("ROUTER_CONFIG", upstream.toString())
                .param("NGINX", Binaries.nginx().toString())
                .param("NGINX_ARGS", "-p " + nginx.dir() + " -e " + nginx.dir().resolve("logs/error.log") + " -c " + nginx.configFile())
                .param("POSTGRES", "127.0.0.1:" + postgres.port())
                .param("POSTGRES_DB", postgres.database())
                .param("REDIS", "127.0.0.1:" + redis.port())
                .param("BACKUP_STORE", dir.resolve("backups").toString())
                .param("HEALTH_ATTEMPTS", "5")
                .param("APPROVERS", "release-managers")
                // started by bob; alice (release-managers) approves production releases with a reason and a ticket
                .user("bob").group("release-managers", "alice", "bob")
                .onInput(r -> InputAnswer.approve("alice", Map.of("REASON", "release notes reviewed", "TICKET", "CHG-" + build)));
    }

    private static Path jenkinsfile() {
        return PipelineHarness.defaultRepoRoot().resolve("Jenkinsfile.example");
    }

    private static String throughNginx() throws IOException {
        Http.Response r = Http.get(nginx.baseUrl() + "/health", Duration.ofSeconds(5));
        return r.status() + " " + JSON.readTree(r.body()).path("version").asText();
    }

    /** Whether the compose project (one per colour: {@code <service>-blue}) has a running container. */
    private static boolean running(String project) {
        Proc.Result r = docker.run(Duration.ofSeconds(20), "ps", "-q", "--filter", "label=com.docker.compose.project=" + project,
                "--filter", "status=running");
        return r.ok() && !r.stdout().isBlank();
    }


    private static void assertNoSecrets(PipelineRun run) {
        assertThat(run.console()).doesNotContain(postgres.password()).doesNotContain(redis.password()).doesNotContain("\tat ");
    }

    @Test
    void releasesOneThenTwoBlueGreenThroughNginxAndRefusesAVersionWithoutAnImage() throws Exception {
        // build 1: the first release; nothing serves yet, so the pre-flight checks PostgreSQL and Redis only
        PipelineRun one = harness(1, "1.0.0").run(jenkinsfile());
        assertResult(one, Result.SUCCESS);
        assertThat(one.stages()).extracting(PipelineRun.StageRecord::name)
                .containsExactly("Pre-flight", "Backup", "Prepare", "Approval", "Deploy", "Verify", "Release");
        assertThat(one.stages()).extracting(PipelineRun.StageRecord::status).containsOnly(StageStatus.RAN);
        assertThat(one.console())
                .contains("Loading library squad-deploy@main")
                .contains("Pre-flight: no release of " + service + " serves yet (nginx routes to no colour): checking PostgreSQL and Redis")
                .contains("verifyHealth: all 2 check(s) passed")
                .contains("Pre-flight passed: 2 checks in ")
                .contains("approvalGate: waiting for 1 approval(s) by distinct people among release-managers; bob started this build and cannot approve it")
                .contains("approvalGate: approval 1 of 1 by alice: release notes reviewed (CHG-1)")
                .contains("audit: [approval] APPROVED: 'Release " + service + " 1.0.0 to production?'; 1 of 1 approval(s): alice at ")
                .containsPattern("dbSnapshot: created \\S+-postgres-" + postgres.database() + ": ")
                .containsPattern("Backup: snapshot \\S+ of " + postgres.database() + ", \\d+ bytes, sha256 [0-9a-f]{64}")
                .contains("squadDeploy: live colour: none (no colour is running (first release)); the new release goes to blue")
                .contains("blueGreenSwitch: " + service + ": (no known colour) → blue through nginx")
                .contains("blueGreenSwitch: " + service + " now served by blue: 10 sample(s) in a row reported 1.0.0")
                .containsPattern("Deploy: 1\\.0\\.0 serves from blue through nginx \\(first release, switched in \\d+ ms\\)")
                .containsPattern("latency api-via-nginx: \\d+ ms \\(PASSED, 1 attempt\\(s\\)\\)")
                .contains("Release pipeline finished: SUCCESS (build #1)")
                .endsWith("[Pipeline] End of Pipeline\nFinished: SUCCESS\n");
        assertNoSecrets(one);
        assertThat(throughNginx()).isEqualTo("200 1.0.0");
        assertThat(one.options()).contains("timeout(time: 8, unit: 'HOURS')", "disableConcurrentBuilds()", "timestamps()");
        assertThat(one.inputs()).singleElement().satisfies(i -> assertThat(i.submitter()).isEqualTo("release-managers"));
        assertThat(one.artifacts()).contains("squad-deploy-report/report.json", "squad-deploy-report/report.html");

        // build 2: 2.0.0 blue-green; 1.0.0 is live, so the pre-flight checks it through nginx too; the switch goes through nginx;
        // the watch after the switch measures API requests through nginx and the error rate from the real Prometheus
        PipelineRun two = harness(2, "2.0.0").param("WATCH_SECONDS", "6").param("PROMETHEUS_URL", prometheus.baseUrl()).run(jenkinsfile());
        assertResult(two, Result.SUCCESS);
        assertThat(two.console())
                .contains("Pre-flight: " + service + " is live in blue (nginx routes to it): checking it through nginx, with PostgreSQL and Redis")
                .contains("verifyHealth: 3 check(s) [app http " + nginx.baseUrl() + "/health, postgres postgres ")
                .contains("squadDeploy: live colour: blue (the nginx router sends traffic to blue); the new release goes to green")
                .contains("blueGreenSwitch: " + service + ": blue → green through nginx")
                .contains("nginx -t passed, reload sent")
                .contains("blueGreenSwitch: " + service + " now served by green: 10 sample(s) in a row reported 2.0.0")
                .contains("squadDeploy: keepOldColour: blue (1.0.0) keeps running")
                .containsPattern("Deploy: 2\\.0\\.0 serves from green through nginx \\(switched from blue in \\d+ ms\\); 1\\.0\\.0 keeps running in blue for a rollback")
                .contains("Verify: watching 2.0.0 through nginx for 6 s")
                .containsPattern("verifyHealth: error-rate measurement \\d+: value 0(\\.0+)?, threshold <= 0\\.05 → PASSED")
                .containsPattern("Watch passed: \\S+ after 6 s")
                .contains("Release pipeline finished: SUCCESS (build #2)");
        // what the watch measured came from Prometheus scraping the released colour
        assertThat(prometheus.query("sum(http_requests_total{job=\"" + service + "\",status=\"200\"})").path(0).path("value").path(1).asDouble())
                .as("API requests Prometheus saw served with 200").isPositive();
        assertNoSecrets(two);
        // nginx's old worker generation may take a fresh connection for ~0.1 s after the reload (the old colour still runs)
        Poll.until("2.0.0 through nginx for a fresh client", Duration.ofSeconds(10), () -> throughNginx().equals("200 2.0.0"));
        assertThat(running(service + "-green")).isTrue();
        assertThat(running(service + "-blue")).as("the old colour is kept for a rollback").isTrue();
        // the router files and every verification sample went to the "agent" through the serialising channel
        assertThat(two.channel().callableTypes()).contains("io.jenkins.plugins.squaddeploy.steps.AgentRouterHost$Sample",
                "io.jenkins.plugins.squaddeploy.steps.AgentProbeRunner$NetworkProbe");

        // both builds are gone: the record beside the router config says what runs and what ran before
        Map<?, ?> record = JSON.readValue(upstream.resolveSibling(".squad-deploy/production/" + service + ".json").toFile(), Map.class);
        assertThat(String.valueOf(record)).contains("version=2.0.0").contains("http://127.0.0.1:8080/job/squad-api-release/2/")
                .contains("http://127.0.0.1:8080/job/squad-api-release/1/");
        try (Stream<Path> snapshots = Files.list(dir.resolve("backups"))) {
            assertThat(snapshots.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-postgres-" + postgres.database())).toList()).hasSize(2);
        }

        // build 3: a version whose image is not on the agent fails the Deploy before anything changes; 2.0.0 keeps serving
        PipelineRun three = harness(3, "9.9.9").run(jenkinsfile());
        assertResult(three, Result.FAILURE);
        assertThat(three.stages()).extracting(PipelineRun.StageRecord::status)
                .containsExactly(StageStatus.RAN, StageStatus.RAN, StageStatus.RAN, StageStatus.RAN, StageStatus.FAILED,
                        StageStatus.SKIPPED_FOR_FAILURE, StageStatus.FAILED);
        List<String> lines = three.consoleLines();
        assertThat(lines).anyMatch(l -> l.startsWith("ERROR: squadDeploy failed: the image squad-sample:9.9.9 is not on the Docker host and imageSource is 'local'"));
        assertThat(three.console()).contains("Release of " + service + " 9.9.9 FAILED: the stage above says why.")
                .contains("Release pipeline finished: FAILURE (build #3)");
        assertThat(three.postRuns()).containsExactly("pipeline:always", "pipeline:failure");
        assertThat(three.console()).contains("Rollback: NOTHING_TO_ROLL_BACK");
        assertNoSecrets(three);
        assertThat(throughNginx()).isEqualTo("200 2.0.0");

        // build 4: a bad 2.1.0 passes its healthcheck and the switch, but half its API requests fail: the watch in Verify
        // fails the build, and the post-failure autoRollback switches nginx back to 2.0.0 (kept warm in green)
        PipelineRun four = harness(4, "2.1.0").param("CONTAINER_ENV", "ERROR_RATE=50").param("WATCH_SECONDS", "10").run(jenkinsfile());
        assertResult(four, Result.FAILURE);
        assertThat(four.stages()).extracting(PipelineRun.StageRecord::status)
                .containsExactly(StageStatus.RAN, StageStatus.RAN, StageStatus.RAN, StageStatus.RAN, StageStatus.RAN, StageStatus.FAILED,
                        StageStatus.FAILED);
        assertThat(four.console())
                .contains("squadDeploy: live colour: green (the nginx router sends traffic to green); the new release goes to blue")
                .contains("Verify: watching 2.1.0 through nginx for 10 s")
                .contains("failureLimit 1; last: HTTP 500, expected 200")
                .contains("and was ROLLED BACK: production/" + service + " 2.1.0 (blue) → 2.0.0 (green)")
                .containsPattern("Rollback: 2\\.1\\.0 \\(blue\\) → 2\\.0\\.0 \\(green\\); time to restore \\d+ ms")
                .contains("Release pipeline finished: FAILURE (build #4)");
        assertNoSecrets(four);
        assertThat(four.artifacts()).as("the deploy report is archived").contains("squad-deploy-report/report.html", "squad-deploy-report/report.json");
        String report = java.nio.file.Files.readString(four.build().getRootDir().toPath().resolve("squad-deploy-report/report.json"));
        assertThat(report).contains("\"type\" : \"snapshot\"").contains("\"type\" : \"deploy\"").contains("\"type\" : \"watch\"")
                .contains("\"result\" : \"ROLLED_BACK\"");
        Poll.until("2.0.0 through nginx after the rollback", Duration.ofSeconds(10), () -> throughNginx().equals("200 2.0.0"));
        assertThat(running(service + "-blue")).as("the failed colour is stopped").isFalse();
    }
}
