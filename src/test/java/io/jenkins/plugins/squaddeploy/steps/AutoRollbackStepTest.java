package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * autoRollback as Jenkins runs it, through the pipeline harness (real step binding, CPS, a workspace behind a channel
 * that serialises every callable): squadDeploy and blueGreenSwitch record what they did on the build, a failing
 * verifyHealth records what it measured, and {@code autoRollback()} — in {@code post { failure { } }} or triggered by
 * {@code verifyHealth(rollbackOnFailure: true)} — undoes it against the real Docker daemon and nginx, and tells a
 * webhook receiver on 127.0.0.1.
 */
@Timeout(150)
@ExtendWith(TestbedExtension.class)
class AutoRollbackStepTest {
    static DeployTestbed bed;
    static HttpServer receiver;
    static final List<String> received = Collections.synchronizedList(new ArrayList<>());
    static String webhookUrl;

    @BeforeAll
    static void start() throws IOException {
        bed = new DeployTestbed();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String token = TestSecrets.generate("hook").replaceAll("[^A-Za-z0-9]", "");
        receiver.createContext("/services/" + token, ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        receiver.start();
        webhookUrl = TestSecrets.register("http://127.0.0.1:" + receiver.getAddress().getPort() + "/services/" + token);
        TestCredentials.add(new TestCredentials.StringSecret("rollback-webhook", webhookUrl));
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        TestCredentials.clear();
        bed.close();
    }

    @AfterEach
    void forget() {
        received.clear();
    }

    private static String labels() {
        return DeployTestbed.testLabels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    /** The Deploy stage of a build that releases 2.0.0 (failing every request on /) to green and switches nginx to it. */
    static String deployAndSwitch(RollbackBed b) {
        return "squadDeploy service: '" + b.service + "', image: '" + bed.image("2.0.0") + "', environment: 'test', strategy: 'blueGreen',\n"
                + "    target: dockerTarget(ports: '" + b.ports() + "', env: ['ERROR_RATE=100']), stateDir: '" + b.stateDir + "',\n"
                + "    healthTimeout: 30, labels: " + labels() + "\n"
                + "blueGreenSwitch service: 'api', to: 'green', keepOldColour: true, samples: 5,\n"
                + "    router: nginxRouter(config: '" + b.upstream + "', nginx: '" + b.routerSpec.argv().get(0) + "', nginxArgs: ["
                + b.routerSpec.argv().subList(1, b.routerSpec.argv().size()).stream().map(a -> "'" + a + "'").collect(Collectors.joining(", ")) + "]),\n"
                + "    colours: [colour(name: 'blue', servers: ['127.0.0.1:" + b.bluePort + "'], containers: ['" + b.service + "-blue']),\n"
                + "              colour(name: 'green', servers: ['127.0.0.1:" + b.greenPort + "'], containers: ['" + b.service + "-green'])],\n"
                + "    publicUrl: '" + b.publicUrl() + "', expectVersion: '2.0.0'\n";
    }

    /** blue 1.0.0 serves through nginx, released by an earlier build. */
    static RollbackBed blueServes() throws Exception {
        RollbackBed b = RollbackBed.create(bed);
        b.deploy("1.0.0");
        b.awaitServing("1.0.0");
        return b;
    }

    @Test
    void declarativePostFailureRollsBackWhatTheBuildReleasedTellsTheWebhookAndTheBuildIsAFailure() throws Exception {
        try (RollbackBed b = blueServes()) {
            String jenkinsfile = "pipeline {\n"
                    + "  agent any\n"
                    + "  stages {\n"
                    + "    stage('Deploy') {\n"
                    + "      steps {\n" + deployAndSwitch(b).indent(8)
                    + "      }\n"
                    + "    }\n"
                    + "    stage('Watch') {\n"
                    + "      steps {\n"
                    + "        verifyHealth checks: [httpCheck(name: 'app', url: 'http://127.0.0.1:" + b.greenPort + "/')],\n"
                    + "            watch: 60, interval: 1, failureThreshold: 2, failureLimit: 10\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "  post {\n"
                    + "    failure {\n"
                    + "      script {\n"
                    + "        def r = autoRollback webhookCredentialsId: 'rollback-webhook'\n"
                    + "        echo \"rollback: ${r.status} ${r.units[0].fromVersion} -> ${r.units[0].toVersion} restored in ${r.timeToRestoreMs != null} ms\"\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "}\n";

            PipelineRun r = new PipelineHarness().jobName("shop").buildNumber(7).runScript(jenkinsfile);

            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            assertThat(r.postRuns()).contains("pipeline:failure");
            assertThat(r.console()).contains("verifyHealth failed: 1 of 1 check(s) did not pass")
                    .contains("autoRollback: test/" + b.service + ": nginx " + b.upstream + " routes to the failed green (2.0.0); going back to blue (1.0.0)")
                    .contains("autoRollback: blue is warm: 127.0.0.1:" + b.bluePort + " answered HTTP 200 version '1.0.0'")
                    .contains("autoRollback: incident summary")
                    .contains("  trigger:         verifyHealth failed: app (http http://127.0.0.1:" + b.greenPort + "/): FAILED: 2 failed measurements in a row")
                    .containsPattern("time to restore: [\\d.]+ (ms|s) \\(detection [\\d.]+ (ms|s) \\+ rollback [\\d.]+ (ms|s)\\)")
                    .contains("autoRollback: the release FAILED (verifyHealth failed: app (http http://127.0.0.1:" + b.greenPort + "/): FAILED: 2 failed "
                            + "measurements in a row, failureThreshold 2; last: HTTP 500, expected 200")
                    .contains(") and was ROLLED BACK: test/" + b.service + " 2.0.0 (green) → 1.0.0 (blue), service restored ")
                    .contains("; the build result is FAILURE")
                    .contains("autoRollback: webhook notified (HTTP 200)")
                    .contains("rollback: ROLLED_BACK 2.0.0 -> 1.0.0 restored in true ms")
                    .doesNotContain(webhookUrl);
            b.awaitServing("1.0.0");
            assertThat(bed.isRunning(b.service + "-green")).isFalse();
            assertThat(received).hasSize(1);
            Map<?, ?> message = new ObjectMapper().readValue(received.get(0), Map.class);
            assertThat((String) message.get("text")).startsWith(":rotating_light: *Release failed and was rolled back* — shop #7")
                    .contains("*What failed:* verifyHealth failed: app (http http://127.0.0.1:" + b.greenPort + "/): FAILED")
                    .contains("*Rolled back:* test/" + b.service + " 2.0.0 (green) → 1.0.0 (blue): nginx routes api to blue (1.0.0) again")
                    .contains("*Timings:* first failure ").contains("*time to restore ");
        }
    }

    @Test
    void verifyHealthRollsBackWhenPrometheusCannotBeReachedNamingItAndASecondAutoRollbackChangesNothing() throws Exception {
        try (RollbackBed b = blueServes()) {
            int deadPort = FreePorts.next(); // nothing listens: Prometheus is unreachable
            String jenkinsfile = "node {\n" + deployAndSwitch(b).indent(2)
                    + "  try {\n"
                    + "    verifyHealth checks: [prometheusCheck(name: 'error-rate', url: 'http://127.0.0.1:" + deadPort + "', preset: 'error-rate', max: 0.05)],\n"
                    + "        watch: 60, interval: 1, consecutiveErrorLimit: 1, rollbackOnFailure: true\n"
                    + "  } catch (e) {\n"
                    + "    def again = autoRollback()\n"
                    + "    echo \"second call: ${again.status}\"\n"
                    + "    throw e\n"
                    + "  }\n"
                    + "}\n";

            PipelineRun r = new PipelineHarness().jobName("shop").buildNumber(8).runScript(jenkinsfile);

            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            assertThat(r.console()).contains("verifyHealth failed: 1 of 1 check(s) did not pass")
                    .contains("error-rate (prometheus http://127.0.0.1:" + deadPort)
                    .contains("2 measurement(s) in a row could not be taken, consecutiveErrorLimit 1")
                    .contains("autoRollback: the release FAILED (verifyHealth failed: error-rate (prometheus http://127.0.0.1:" + deadPort + " ")
                    .contains("ERROR: 2 measurement(s) in a row could not be taken, consecutiveErrorLimit 1; last: Prometheus unreachable: connection refused "
                            + "(127.0.0.1:" + deadPort + ")) and was ROLLED BACK: test/" + b.service + " 2.0.0 (green) → 1.0.0 (blue)")
                    .contains("it was ALREADY ROLLED BACK: test/" + b.service + " 2.0.0 (green) → 1.0.0 (blue); nothing was changed")
                    .contains("second call: ALREADY_ROLLED_BACK");
            b.awaitServing("1.0.0");
            assertThat(received).as("no webhook configured").isEmpty();
            // the deploy report: the failed watch, then the rollback it triggered, then the second call's finding
            io.jenkins.plugins.squaddeploy.engine.report.DeployReport report = io.jenkins.plugins.squaddeploy.engine.report.ReportFiles.read(
                    r.build().getRootDir().toPath().resolve(io.jenkins.plugins.squaddeploy.engine.report.ReportFiles.DIR_NAME));
            assertThat(report.events()).extracting(e -> e.type() + "/" + e.status() + "/" + e.details().get("result"))
                    .containsExactly("deploy/OK/null", "switch/OK/null", "watch/FAILED/FAILED", "rollback/OK/ROLLED_BACK", "rollback/OK/ALREADY_ROLLED_BACK");
            assertThat(report.summary().rolledBack()).isTrue();
        }
    }

    @Test
    void aReleaseSquadDeploySwitchedWithItsRouterParameterIsRolledBackThroughThatRouter() throws Exception {
        try (RollbackBed b = RollbackBed.create(bed, true)) {
            b.deployThroughRouter("1.0.0"); // an earlier build
            String nginxArgs = b.routerSpec.argv().subList(1, b.routerSpec.argv().size()).stream().map(a -> "'" + a + "'").collect(Collectors.joining(", "));
            String jenkinsfile = "pipeline {\n"
                    + "  agent any\n"
                    + "  stages {\n"
                    + "    stage('Deploy') {\n"
                    + "      steps {\n"
                    + "        squadDeploy service: '" + b.service + "', image: '" + bed.image("2.0.0") + "', environment: 'test', strategy: 'blueGreen',\n"
                    + "            target: dockerTarget(ports: '" + b.ports() + "'), stateDir: '" + b.stateDir + "', healthTimeout: 30, labels: " + labels() + ",\n"
                    + "            router: nginxRouter(config: '" + b.upstream + "', nginx: '" + b.routerSpec.argv().get(0) + "', nginxArgs: [" + nginxArgs + "]),\n"
                    + "            publicUrl: '" + b.publicUrl() + "', samples: 5, keepOldColour: true\n"
                    + "        error 'smoke tests failed'\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "  post { failure { autoRollback reason: 'smoke tests failed' } }\n"
                    + "}\n";

            PipelineRun r = new PipelineHarness().jobName("shop").buildNumber(9).runScript(jenkinsfile);

            // the earlier build took the colour the upstream file did not name (green); this one released 2.0.0 to blue
            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            assertThat(r.console()).contains("squadDeploy: traffic moved from green to blue")
                    .contains("autoRollback: the release FAILED (smoke tests failed) and was ROLLED BACK: test/" + b.service + " 2.0.0 (blue) → 1.0.0 (green)")
                    .contains("nginx routes " + b.service + " to green (1.0.0) again");
            b.awaitServing("1.0.0");
            assertThat(bed.isRunning(b.service + "-blue")).isFalse();
        }
    }

    @Test
    void nothingDeployedSucceedsSayingSoAndLeavesTheResultAlone() {
        PipelineRun r = new PipelineHarness().runScript("node {\n  def r = autoRollback()\n  echo \"status ${r.status}\"\n}\n");
        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.console()).contains("autoRollback: nothing to roll back: this build recorded no squadDeploy release and no blueGreenSwitch")
                .contains("status NOTHING_TO_ROLL_BACK");
    }

    @Test
    void parameterErrorsNameTheParameter() {
        PipelineRun r = new PipelineHarness().runScript("node {\n  autoRollback verifyDeadline: -1\n}\n");
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("ERROR: autoRollback: Invalid parameter 'verifyDeadline': got -1. Expected a number of seconds from 1 to 3600, "
                + "or 0 for the deadline the switch used.");
        PipelineRun db = new PipelineHarness().runScript("node {\n  autoRollback database: 'yesterday'\n}\n");
        assertThat(db.result()).isEqualTo(Result.FAILURE);
        assertThat(db.console()).contains("ERROR: autoRollback: Invalid parameter 'database': got 'yesterday'. Expected 'release'");
        PipelineRun hook = new PipelineHarness().runScript("node {\n  autoRollback webhookCredentialsId: 'no-such-id'\n}\n");
        assertThat(hook.result()).isEqualTo(Result.FAILURE);
        assertThat(hook.console()).contains("ERROR: autoRollback: Invalid parameter 'webhookCredentialsId': no credentials with ID 'no-such-id'");
    }
}
