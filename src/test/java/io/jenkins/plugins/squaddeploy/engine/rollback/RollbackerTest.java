package io.jenkins.plugins.squaddeploy.engine.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.health.DirectProbeRunner;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.health.HealthVerifier;
import io.jenkins.plugins.squaddeploy.engine.health.VerifyOptions;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PrometheusFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * autoRollback's engine against real components: squadDeploy releases of the sample-service image on the real
 * Docker daemon, a real nginx in front (blueGreenSwitch's upstream file, {@code nginx -t}, graceful reload), a real
 * Prometheus scraping the releases. Every test builds its own service: blue 1.0.0 (the previous release) and green
 * 2.0.0 (the failing one), with traffic on green, as a build leaves it after squadDeploy + blueGreenSwitch.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class RollbackerTest {
    static DeployTestbed bed;

    @BeforeAll
    static void images() {
        bed = new DeployTestbed();
    }

    @AfterAll
    static void cleanUp() {
        bed.close();
    }

    /** blue 1.0.0 released by an earlier build; this build released 2.0.0 to green and switched nginx to it. */
    static List<Deployment> greenIsLive(RollbackBed b) throws Exception {
        b.deploy("1.0.0");
        b.switchTo("blue", "1.0.0");
        Deployment.Released green = b.deploy("2.0.0");
        Deployment.Switched sw = b.switchTo("green", "2.0.0");
        assertThat(sw.from()).isEqualTo("blue");
        settled(b, "2.0.0");
        return List.of(green, sw);
    }

    /** nginx serves {@code version} on new connections, 5 times in a row (old workers of a reload accept for a moment). */
    static void settled(RollbackBed b, String version) {
        b.awaitServing(version);
    }

    @Test
    void aReleaseThatStartsFailingIsRolledBackByTheErrorRateThresholdWithoutAFailedRequestAndASecondCallChangesNothing() throws Exception {
        try (RollbackBed b = RollbackBed.create(bed)) {
            List<Deployment> recorded = greenIsLive(b);
            String green = b.service + "-green";
            // users on green (direct, ~20 req/s, for its error rate) and on the public address (through nginx)
            AtomicBoolean users = new AtomicBoolean(true);
            Thread direct = new Thread(() -> {
                HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (users.get() && System.nanoTime() < end) {
                    try {
                        c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.greenPort + "/")).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // green stopped by the rollback
                    }
                }
            }, "users-on-green");
            direct.setDaemon(true);
            direct.start();
            try (PrometheusFixture prometheus = PrometheusFixture.create(List.of("127.0.0.1:" + b.greenPort))) {
                Poll.until("Prometheus has green's request rate", Duration.ofSeconds(60),
                        () -> prometheus.query("sum(rate(http_requests_total[30s])) > 0").size() == 1);
                // the watch window of verifyHealth: error rate every second, 3 failures in a row fail it
                VerifyOptions watch = VerifyOptions.ofSeconds(10, 1, 2, 120, 1, 3).withWatch(90, 100, 4, 0);
                HealthVerifier verifier = new HealthVerifier(new DirectProbeRunner(new LocalCommandRunner()), b.log, new Masker());
                Instant watchStart = Instant.now();
                CompletableFuture<HealthReport> watching = CompletableFuture.supplyAsync(() -> {
                    try {
                        return verifier.run(List.of(CheckSpecs.prometheus("checks[0]", "error-rate", prometheus.baseUrl(), null, "error-rate",
                                "instance=\"127.0.0.1:" + b.greenPort + "\"", "30s", null, 0.05, null, null)), watch);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Poll.until("two good measurements of green", Duration.ofSeconds(30),
                        () -> b.log.text().contains("error-rate measurement 2: value 0, threshold <= 0.05 → PASSED"));
                b.setKnob(green, "ERROR_RATE", "50"); // green starts failing half of its requests
                HealthReport report = watching.get(60, TimeUnit.SECONDS);
                Instant detected = Instant.now();
                assertThat(report.healthy()).isFalse();
                assertThat(report.checks().get(0).message()).contains("3 failed measurements in a row, failureThreshold 3");
                Incident incident = Incident.fromReport(report, watchStart, detected);

                RollbackReport r;
                try (RouterLoad load = new RouterLoad(b.nginx.baseUrl() + "/health", 3, 200, Duration.ofSeconds(60))) {
                    Poll.until("load through nginx", Duration.ofSeconds(10), () -> load.requests() > 20);
                    r = new AutoRollback(recorded, incident, RollbackOptions.defaults(), null, null, null, "shop #7")
                            .run(b.rollbacker(), b.log, new Masker(), Clock.systemUTC());
                    long before = load.requests();
                    Poll.until("load after the rollback", Duration.ofSeconds(10), () -> load.requests() > before + 20);
                    load.close();
                    assertThat(load.failures()).as("requests through nginx that failed during the switch back, of " + load.requests()).isEmpty();
                }
                users.set(false);

                assertThat(r.status()).as(b.log.text()).isEqualTo(RollbackReport.Status.ROLLED_BACK);
                settled(b, "1.0.0");
                assertThat(b.router().activeColour()).isEqualTo("blue");
                assertThat(bed.isRunning(green)).as("the failed colour is stopped").isFalse();
                assertThat(bed.isRunning(b.service + "-blue")).isTrue();
                RollbackReport.Unit u = r.units().get(0);
                assertThat(u.fromVersion()).isEqualTo("2.0.0");
                assertThat(u.fromColour()).isEqualTo("green");
                assertThat(u.toVersion()).isEqualTo("1.0.0");
                assertThat(u.toColour()).isEqualTo("blue");
                assertThat(u.action()).contains("nginx routes api to blue (1.0.0) again, verified through " + b.publicUrl()).contains("green stopped");
                // the incident summary: trigger, measured values, times
                assertThat(r.incident().trigger()).startsWith("verifyHealth failed: error-rate (prometheus ").contains("3 failed measurements in a row");
                assertThat(r.incident().measurements().get(0).value()).isGreaterThan(0.05);
                assertThat(r.incident().firstFailureAt()).isBefore(r.incident().detectedAt());
                assertThat(r.rolledBackAt()).isAfter(r.incident().detectedAt());
                assertThat(r.timeToRestore()).isEqualTo(r.detection().plus(r.rollbackTime()));
                assertThat(b.log.text()).contains("autoRollback: incident summary").containsPattern("measured: +error-rate 0\\.\\d+ \\(threshold <= 0\\.05\\)")
                        .contains("time to restore: ").contains("autoRollback: the release FAILED (verifyHealth failed: error-rate")
                        .contains("and was ROLLED BACK: test/" + b.service + " 2.0.0 (green) → 1.0.0 (blue)");
                System.out.println("time to restore " + r.timeToRestore().toMillis() + " ms = detection " + r.detection().toMillis() + " ms + rollback "
                        + r.rollbackTime().toMillis() + " ms");
                // the target says so too: state file and journal
                ReleaseStore.State st = b.state();
                assertThat(st.current().version()).isEqualTo("1.0.0");
                assertThat(st.previous().version()).isEqualTo("2.0.0");
                assertThat(b.journal()).containsEntry("status", "done");

                // a second call (post { failure { autoRollback() } } after verifyHealth(rollbackOnFailure: true))
                String upstreamBefore = Files.readString(b.upstream);
                RollbackReport again = b.rollbacker().rollBack(recorded, incident, RollbackOptions.defaults());
                assertThat(again.status()).isEqualTo(RollbackReport.Status.ALREADY_ROLLED_BACK);
                assertThat(again.units().get(0).action()).startsWith("nginx already routes api to blue (1.0.0)");
                assertThat(again.summaryLine()).contains("it was ALREADY ROLLED BACK").contains("nothing was changed");
                assertThat(Files.readString(b.upstream)).isEqualTo(upstreamBefore);
                assertThat(b.versionThroughRouter()).isEqualTo("1.0.0");
            } finally {
                users.set(false);
                direct.interrupt();
            }
        }
    }

    @Test
    void aBrokenNginxConfigRefusesTheSwitchBackKeepsTheOldConfigAndTheLiveColourServesThenAFixedRouterRollsBackAndStartsAStoppedColour()
            throws Exception {
        try (RollbackBed b = RollbackBed.create(bed)) {
            List<Deployment> recorded = greenIsLive(b);
            String upstreamBefore = Files.readString(b.upstream);
            Files.writeString(b.extraConf, "this_is_not_a_directive on;\n"); // someone broke nginx's configuration

            RollbackReport r = b.rollbacker().rollBack(recorded, Incident.of("error rate over 5 %", Instant.now()), RollbackOptions.defaults());

            assertThat(r.status()).isEqualTo(RollbackReport.Status.FAILED);
            assertThat(r.summaryLine()).contains("ROLLBACK FAILED").contains("the router refused the switch back to blue")
                    .contains("nginx -t rejected the configuration").contains("this_is_not_a_directive")
                    .contains("is still served by green (2.0.0), which keeps running");
            assertThat(Files.readString(b.upstream)).as("the old upstream file is kept").isEqualTo(upstreamBefore);
            assertThat(b.versionThroughRouter()).as("the live colour serves").isEqualTo("2.0.0");
            assertThat(bed.isRunning(b.service + "-green")).isTrue();
            assertThat(b.journal()).containsEntry("status", "failed");
            assertThat((String) b.journal().get("next")).startsWith("fix the router, then run autoRollback again");
            assertThat(b.state().current().version()).as("the state file still says what runs").isEqualTo("2.0.0");

            // fixed; meanwhile blue was stopped (as blueGreenSwitch does after stopOldAfter): it is started again
            Files.writeString(b.extraConf, "# fixed\n");
            bed.docker.ok(Duration.ofSeconds(30), "stop", "-t", "2", b.service + "-blue");
            RollbackReport again = b.rollbacker().rollBack(recorded, Incident.of("error rate over 5 %", Instant.now()), RollbackOptions.defaults());
            assertThat(again.status()).as(b.log.text()).isEqualTo(RollbackReport.Status.ROLLED_BACK);
            assertThat(b.log.text()).contains("autoRollback: docker start " + b.service + "-blue");
            settled(b, "1.0.0");
            assertThat(bed.isRunning(b.service + "-green")).isFalse();
        }
    }

    @Test
    void aDeadDockerDaemonMidRollbackFailsClearlyTheStateSaysWhatToDoAndAGoneColourIsReleasedAgainOnceDockerIsBack() throws Exception {
        try (RollbackBed b = RollbackBed.create(bed)) {
            List<Deployment> recorded = greenIsLive(b);
            bed.docker.ok(Duration.ofSeconds(30), "rm", "-f", b.service + "-blue"); // the previous colour is gone
            DockerClient dead = new DockerClient(new LocalCommandRunner(), Map.of("DOCKER_HOST", "unix://" + b.dir.resolve("no-docker.sock")));

            RollbackReport r = b.rollbacker(dead).rollBack(recorded, Incident.of("health check failures > 3", Instant.now()), RollbackOptions.defaults());

            assertThat(r.status()).isEqualTo(RollbackReport.Status.FAILED);
            assertThat(r.summaryLine()).contains("blue (1.0.0) could not be brought back").contains("Cannot connect to the Docker daemon")
                    .contains("Nothing was switched: api is still served by green (2.0.0)")
                    .contains("Next: start blue (1.0.0), wait until it is healthy, then run autoRollback again");
            assertThat(b.versionThroughRouter()).isEqualTo("2.0.0");
            Map<String, Object> journal = b.journal();
            assertThat(journal).containsEntry("status", "failed");
            assertThat((String) journal.get("next")).contains("api is still served by green (2.0.0)");
            ReleaseStore.State st = b.state();
            assertThat(st.current().version()).isEqualTo("2.0.0");
            assertThat(st.previous().version()).as("what to roll back to is still on the target").isEqualTo("1.0.0");

            // Docker is back: 1.0.0 is released to blue again, then traffic switched to it
            RollbackReport again = b.rollbacker().rollBack(recorded, Incident.of("health check failures > 3", Instant.now()), RollbackOptions.defaults());
            assertThat(again.status()).as(b.log.text()).isEqualTo(RollbackReport.Status.ROLLED_BACK);
            assertThat(again.units().get(0).action()).contains("1.0.0 was released to blue again");
            settled(b, "1.0.0");
            assertThat(b.state().current().version()).isEqualTo("1.0.0");
            assertThat(b.state().current().colour()).isEqualTo("blue");
            assertThat(bed.isRunning(b.service + "-green")).isFalse();
        }
    }

    @Test
    void aReleaseSquadDeploySwitchedThroughItsOwnRouterIsSwitchedBackThroughIt() throws Exception {
        try (RollbackBed b = RollbackBed.create(bed, true)) {
            b.deployThroughRouter("1.0.0");
            Deployment.Released failed = b.deployThroughRouter("2.0.0");
            assertThat(failed.record().trafficSwitched()).isTrue();
            String bad = failed.record().colour();
            String good = failed.record().previous().colour();
            settled(b, "2.0.0");

            RollbackReport r = b.rollbacker().rollBack(List.of(failed), Incident.of("p95 latency over 2 s", Instant.now()), RollbackOptions.defaults());

            assertThat(r.status()).as(b.log.text()).isEqualTo(RollbackReport.Status.ROLLED_BACK);
            assertThat(r.units().get(0).action()).startsWith("nginx routes " + b.service + " to " + good + " (1.0.0) again, verified through " + b.publicUrl());
            settled(b, "1.0.0");
            assertThat(bed.isRunning(b.service + "-" + bad)).isFalse();
            assertThat(b.state().current().version()).isEqualTo("1.0.0");
        }
    }

    @Test
    void recreateAndRollingReleaseThePreviousImageAgainAndWaitUntilHealthy() throws Exception {
        try (RollbackBed b = RollbackBed.create(bed)) {
            b.deploy(b.request("1.0.0", "recreate", Integer.toString(b.bluePort)).build());
            Deployment.Released bad = b.deploy(b.request("2.0.0", "recreate", Integer.toString(b.bluePort)).build());
            assertThat(DeployTestbed.versionOn(b.bluePort)).isEqualTo("2.0.0");

            RollbackReport r = b.rollbacker().rollBack(List.of(bad), null, RollbackOptions.defaults());
            assertThat(r.status()).as(b.log.text()).isEqualTo(RollbackReport.Status.ROLLED_BACK);
            assertThat(r.units().get(0).action()).contains(b.service + " runs 1.0.0 again (" + bed.image("1.0.0") + ", recreate, healthy");
            assertThat(DeployTestbed.versionOn(b.bluePort)).isEqualTo("1.0.0");
            assertThat(b.state().current().version()).isEqualTo("1.0.0");
            assertThat(b.rollbacker().rollBack(List.of(bad), null, RollbackOptions.defaults()).status())
                    .isEqualTo(RollbackReport.Status.ALREADY_ROLLED_BACK);
        }
        try (RollbackBed b = RollbackBed.create(bed)) {
            int[] p = DeployTestbed.consecutivePorts(2);
            String range = p[0] + "-" + p[1];
            b.deploy(b.request("1.0.0", "rolling", range).build());
            Deployment.Released bad = b.deploy(b.request("2.0.0", "rolling", range).build());
            RollbackReport r = b.rollbacker().rollBack(List.of(bad), null, RollbackOptions.defaults());
            assertThat(r.status()).as(b.log.text()).isEqualTo(RollbackReport.Status.ROLLED_BACK);
            int port = b.state().current().instances().get(0).port();
            assertThat(DeployTestbed.versionOn(port)).isEqualTo("1.0.0");
        }
    }

    @Test
    void nothingRecordedSucceedsSayingSo() throws Exception {
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        Rollbacker r = new Rollbacker(null, null, null, null, log, new Masker());
        RollbackReport report = r.rollBack(List.of(), Incident.of("stage Build failed", Instant.now()), RollbackOptions.defaults());
        assertThat(report.status()).isEqualTo(RollbackReport.Status.NOTHING_TO_ROLL_BACK);
        assertThat(report.summaryLine()).isEqualTo("autoRollback: nothing to roll back: this build recorded no squadDeploy release and no blueGreenSwitch"
                + " (nothing was deployed, or the deploy failed and undid itself)");
        assertThat(report.toMap()).containsEntry("status", "NOTHING_TO_ROLL_BACK");
    }
}
