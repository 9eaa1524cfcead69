package io.jenkins.plugins.squaddeploy.engine.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PrometheusFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Metric analysis against a real Prometheus scraping two real sample services under a bounded request load on
 * loopback: a good release (no errors) and a bad one (50 % of requests answer 500). Watch windows stop at the
 * first measurement over a threshold; "could not measure" and "no data" are told apart from "measured and bad".
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class PrometheusAnalysisTest {
    static SampleService good;
    static SampleService bad;
    static PrometheusFixture prometheus;
    static final AtomicBoolean LOAD = new AtomicBoolean(true);
    static Thread load;

    final List<String> console = Collections.synchronizedList(new ArrayList<>());
    final ConsoleLog log = new ConsoleLog() {
        @Override
        public void info(String line) {
            console.add(line);
            System.out.println(line);
        }

        @Override
        public void warn(String line) {
            info("WARNING: " + line);
        }
    };

    @BeforeAll
    static void start() {
        good = SampleService.run(DockerFixture.get(), "5.0.0", 0, Map.of());
        bad = SampleService.run(DockerFixture.get(), "5.0.1", 0, Map.of("ERROR_RATE", "50"));
        prometheus = PrometheusFixture.create(List.of("127.0.0.1:" + good.port(), "127.0.0.1:" + bad.port()));
        // Bounded load: about 20 requests a second to each service, for at most 150 s, loopback only.
        load = new Thread(() -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long end = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (LOAD.get() && System.nanoTime() < end) {
                for (SampleService s : List.of(good, bad)) {
                    try {
                        client.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/")).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        if (e instanceof InterruptedException) {
                            return;
                        }
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-load");
        load.setDaemon(true);
        load.start();
        Poll.until("Prometheus has request rates for both services", Duration.ofSeconds(60), () ->
                prometheus.query("sum by (instance) (rate(http_requests_total[1m])) > 0").size() == 2);
    }

    @AfterAll
    static void stop() throws Exception {
        LOAD.set(false);
        load.interrupt();
        prometheus.close();
        bad.close();
        good.close();
    }

    private HealthReport verify(VerifyOptions o, CheckSpec... checks) throws InterruptedException {
        return new HealthVerifier(new DirectProbeRunner(new LocalCommandRunner()), log, new Masker()).run(List.of(checks), o);
    }

    private static CheckSpec.Prometheus preset(String name, String preset, SampleService s, Double max) {
        return CheckSpecs.prometheus("checks[0]", name, prometheus.baseUrl(), null, preset, "instance=\"127.0.0.1:" + s.port() + "\"",
                "1m", null, max, null, null);
    }

    private static VerifyOptions watch(double seconds, int consecutiveErrorLimit, int inconclusiveLimit) {
        return VerifyOptions.ofSeconds(10, 1, 2, 60, 1, 0).withWatch(seconds, 0, consecutiveErrorLimit, inconclusiveLimit);
    }

    @Test
    void badReleaseIsCaughtAtTheFirstMeasurementAndEveryOtherCheckStops() throws Exception {
        long start = System.nanoTime();
        HealthReport r = verify(watch(60, 4, 0),
                preset("error-rate", "error-rate", bad, 0.05),
                CheckSpecs.http("checks[1]", "api", bad.baseUrl() + "/health", null, List.of("$.status == 'healthy'"), Map.of(), null, null));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.healthy()).isFalse();
        assertThat(r.status()).isEqualTo("FAILED");
        CheckResult rate = r.checks().get(0);
        assertThat(rate.status()).isEqualTo("FAILED");
        assertThat(rate.value()).isBetween(0.3, 0.7);
        assertThat(rate.threshold()).isEqualTo("<= 0.05");
        assertThat(rate.message()).matches("1 failed measurement\\(s\\), failureLimit 0; last: value 0\\.\\d+, threshold <= 0\\.05");
        assertThat(r.checks().get(1).status()).isEqualTo("STOPPED");
        assertThat(r.failed()).extracting(CheckResult::name).containsExactly("error-rate");
        assertThat(tookMs).as("stopped early, not after the 60 s window").isLessThan(15_000);
        assertThat(console).anyMatch(l -> l.matches("verifyHealth: error-rate measurement 1: value 0\\.\\d+, threshold <= 0\\.05 → FAILED"));
        Map<String, Object> map = r.toMap();
        assertThat(map).containsEntry("status", "FAILED");
        @SuppressWarnings("unchecked")
        Map<String, Object> checkMap = (Map<String, Object>) ((Map<String, Object>) map.get("checks")).get("error-rate");
        assertThat(checkMap).containsEntry("threshold", "<= 0.05").containsKey("value").containsKey("samples");
    }

    @Test
    void goodReleasePassesTheWholeWindowWithEveryValueKept() throws Exception {
        HealthReport r = verify(watch(4, 4, 0),
                preset("error-rate", "error-rate", good, 0.05),
                preset("p95", "p95-latency", good, null));
        assertThat(r.healthy()).as(String.join("\n", console)).isTrue();
        CheckResult p95 = r.checks().get(1);
        assertThat(p95.threshold()).isEqualTo("<= 2");
        assertThat(p95.samples()).hasSizeGreaterThanOrEqualTo(3).allSatisfy(s -> assertThat(s.status()).isEqualTo("PASSED"));
        assertThat(r.checks().get(0).message()).matches("\\d+ measurement\\(s\\) over 4 s within limits \\(0 failed, 0 errors\\); last: value 0, threshold <= 0\\.05");
    }

    @Test
    void noDataFollowsThePolicyInsteadOfPassingSilently() throws Exception {
        String none = "sum(rate(no_such_metric_total[1m]))";
        CheckSpec fail = CheckSpecs.prometheus("checks[0]", "nodata-fail", prometheus.baseUrl(), none, null, null, null, null, 1.0, null, null);
        CheckSpec pass = CheckSpecs.prometheus("checks[1]", "nodata-pass", prometheus.baseUrl(), none, null, null, null, null, 1.0, "pass", null);
        HealthReport r = verify(VerifyOptions.ofSeconds(1, 0, 2, 20, 1, 0), fail, pass);
        assertThat(r.checks().get(0).status()).isEqualTo("FAILED");
        assertThat(r.checks().get(0).message()).isEqualTo("no data for the query (noData: fail)");
        assertThat(r.checks().get(1).status()).isEqualTo("PASSED");
        CheckSpec inconclusive = CheckSpecs.prometheus("checks[0]", "nodata", prometheus.baseUrl(), none, null, null, null, null, 1.0, "inconclusive", null);
        HealthReport w = verify(watch(10, 4, 1), inconclusive);
        assertThat(w.status()).isEqualTo("INCONCLUSIVE");
        assertThat(w.checks().get(0).message()).startsWith("2 inconclusive measurement(s), inconclusiveLimit 1");
    }

    @Test
    void couldNotMeasureIsAnErrorWithItsOwnLimit() throws Exception {
        int dead = FreePorts.next();
        CheckSpec down = CheckSpecs.prometheus("checks[0]", "rate", "http://127.0.0.1:" + dead, "up", null, null, null, null, 1.0, null, null);
        HealthReport r = verify(watch(30, 2, 0), down);
        CheckResult c = r.checks().get(0);
        assertThat(c.status()).isEqualTo("ERROR");
        assertThat(c.errors()).isEqualTo(3);
        assertThat(c.failures()).isZero();
        assertThat(c.message()).isEqualTo("3 measurement(s) in a row could not be taken, consecutiveErrorLimit 2; last: "
                + "Prometheus unreachable: connection refused (127.0.0.1:" + dead + ")");
        CheckSpec badQuery = CheckSpecs.prometheus("checks[0]", "q", prometheus.baseUrl(), "sum(rate(http_requests_total[1m])) by", null, null, null, null, 1.0, null, null);
        assertThat(verify(VerifyOptions.ofSeconds(1, 0, 2, 20, 1, 0), badQuery).checks().get(0).message()).startsWith("Prometheus query failed: bad_data: ");
        CheckSpec notPrometheus = CheckSpecs.prometheus("checks[0]", "q", good.baseUrl(), "up", null, null, null, null, 1.0, null, null);
        assertThat(verify(VerifyOptions.ofSeconds(1, 0, 2, 20, 1, 0), notPrometheus).checks().get(0).status()).isEqualTo("FAILED");
    }

    @Test
    void badAnalysisParametersAreRefusedBeforeAnyQuery() {
        String url = prometheus.baseUrl();
        assertThatThrownBy(() -> CheckSpecs.prometheus("checks[0]", null, url, "sum(rate(x[1m])", null, null, null, null, 1.0, null, null))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'checks[0].query'").hasMessageContaining("unclosed '('");
        assertThatThrownBy(() -> CheckSpecs.prometheus("checks[0]", null, url, null, "error-ratio", null, null, null, null, null, null))
                .hasMessageContaining("'checks[0].preset'").hasMessageContaining("one of 'error-rate', 'p95-latency'");
        assertThatThrownBy(() -> CheckSpecs.prometheus("checks[0]", null, url, null, "error-rate", "job=api", null, null, null, null, null))
                .hasMessageContaining("'checks[0].selector'");
        assertThatThrownBy(() -> CheckSpecs.prometheus("checks[0]", null, url, "up", null, null, null, null, null, null, null))
                .hasMessageContaining("'checks[0].max'").hasMessageContaining("no threshold");
        assertThatThrownBy(() -> CheckSpecs.prometheus("checks[0]", null, url, "up", null, null, null, null, 1.0, "ignore", null))
                .hasMessageContaining("'checks[0].noData'").hasMessageContaining("'fail', 'pass', 'inconclusive'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, 1, 2, 60, 1, 0).withWatch(-1, 0, 4, 0)).hasMessageContaining("'watch'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, 1, 2, 60, 1, 0).withWatch(60, -1, 4, 0)).hasMessageContaining("'failureLimit'");
    }
}
