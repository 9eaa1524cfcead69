package io.jenkins.plugins.squaddeploy.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine's checks against real servers: a sample service in Docker, PostgreSQL 15 and Redis 7, each
 * started by the test on a free 127.0.0.1 port. Each failure names its cause the way a person needs it.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class HealthVerifierRealServicesTest {
    static final List<String> SEED_EXPECTATIONS = List.of("$.status == 'healthy'", "$.services.* in ['connected', 'healthy']");
    static PostgresFixture pg;
    static RedisFixture redis;
    static SampleService healthy;

    final List<String> console = Collections.synchronizedList(new ArrayList<>());
    final Masker masker = new Masker();
    final ConsoleLog log = new ConsoleLog() {
        @Override
        public void info(String line) {
            String masked = masker.mask(line);
            console.add(masked);
            System.out.println(masked);
        }

        @Override
        public void warn(String line) {
            info("WARNING: " + line);
        }
    };

    @BeforeAll
    static void startServices() {
        pg = PostgresFixture.create();
        redis = RedisFixture.create();
        healthy = SampleService.run(DockerFixture.get(), "1.4.2", 0, Map.of());
    }

    @AfterAll
    static void stopServices() {
        for (AutoCloseable c : new AutoCloseable[] {healthy, redis, pg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the extension cleans up what is left
            }
        }
    }

    private HealthReport verify(VerifyOptions options, CheckSpec... checks) throws InterruptedException {
        for (CheckSpec c : checks) {
            if (c.credential() != null) {
                c.credential().addTo(masker);
            }
        }
        return new HealthVerifier(new DirectProbeRunner(new LocalCommandRunner()), log, masker).run(List.of(checks), options);
    }

    private static VerifyOptions quick(int attempts) {
        return VerifyOptions.ofSeconds(attempts, 0.2, 1, 20, 1, 0);
    }

    private static CheckSpec.Http http(String name, SampleService s) {
        return CheckSpecs.http("checks[0]", name, s.baseUrl() + "/health", null, SEED_EXPECTATIONS, Map.of(), null, null);
    }

    private static Credential pgApp() {
        return new Credential("app-db", pg.user(), pg.password());
    }

    private static Credential redisPassword(String password) {
        return new Credential("redis-password", null, password);
    }

    @Test
    void healthyServiceAndItsDependenciesPass() throws Exception {
        HealthReport r = verify(quick(3),
                http("api", healthy),
                CheckSpecs.postgres("checks[1]", "db", "127.0.0.1", pg.port(), "app", pgApp()),
                CheckSpecs.redis("checks[2]", "cache", "127.0.0.1", redis.port(), redisPassword(redis.password())),
                CheckSpecs.tcp("checks[3]", "api-port", "127.0.0.1", healthy.port()),
                CheckSpecs.command("checks[4]", "pg_isready", List.of(pg.binDir().resolve("pg_isready").toString(), "-h", "127.0.0.1",
                        "-p", String.valueOf(pg.port())), Map.of()));
        assertThat(r.healthy()).as(String.join("\n", console)).isTrue();
        assertThat(r.checks()).extracting(CheckResult::name).containsExactly("api", "db", "cache", "api-port", "pg_isready");
        assertThat(r.checks()).allSatisfy(c -> assertThat(c.attempts()).isEqualTo(1));
        assertThat(r.checks().get(0).message()).isEqualTo("HTTP 200, 2 JSON expectation(s) met");
        Map<String, Object> map = r.toMap();
        assertThat(map).containsEntry("healthy", true).containsEntry("failed", List.of());
        assertThat(console).anyMatch(l -> l.startsWith("verifyHealth: 5 check(s)"));
        assertThat(console).anyMatch(l -> l.matches("verifyHealth: all 5 check\\(s\\) passed in .*"));
        assertThat(String.join("\n", console)).doesNotContain(pg.password()).doesNotContain(redis.password());
    }

    @Test
    void degradedHealthNamesTheJsonPathAndTheActualValue() throws Exception {
        try (SampleService degraded = SampleService.run(DockerFixture.get(), "1.4.3", 0, Map.of("HEALTH_STATUS", "degraded", "SERVICES_REDIS", "disconnected"))) {
            HealthReport r = verify(quick(2), http("api", degraded));
            assertThat(r.healthy()).isFalse();
            CheckResult api = r.checks().get(0);
            assertThat(api.attempts()).isEqualTo(2);
            assertThat(api.message()).isEqualTo("HTTP 503, expected 200; $.status == 'healthy' failed: actual 'degraded'; "
                    + "$.services.* in ['connected', 'healthy'] failed: actual 1 of 2 values 'disconnected'");
            assertThat(r.failureSummary()).contains("api (http " + degraded.baseUrl() + "/health)").contains("[2 attempts]");
        }
    }

    @Test
    void stoppedServiceFailsWithConnectionRefusedWithinTheTimeout() throws Exception {
        SampleService s = SampleService.run(DockerFixture.get(), "1.4.4", 0, Map.of());
        s.close();
        long start = System.nanoTime();
        HealthReport r = verify(VerifyOptions.ofSeconds(3, 0.5, 2, 30, 1, 0), http("api", s));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.healthy()).isFalse();
        assertThat(r.checks().get(0).message()).isEqualTo("connection refused (127.0.0.1:" + s.port() + ")");
        assertThat(tookMs).as("3 refused attempts 0.5 s apart end long before the 30 s deadline").isLessThan(10_000);
    }

    @Test
    void hangingEndpointTimesOutPerAttempt() throws Exception {
        try (SampleService hanging = SampleService.run(DockerFixture.get(), "1.4.5", 0, Map.of("HEALTH_LATENCY_MS", "60000"))) {
            HealthReport r = verify(VerifyOptions.ofSeconds(2, 0, 1, 20, 1, 0), http("api", hanging));
            assertThat(r.healthy()).isFalse();
            assertThat(r.checks().get(0).message()).isEqualTo("timed out after 1 s waiting for a response");
            assertThat(r.checks().get(0).attempts()).isEqualTo(2);
        }
    }

    @Test
    void deadlineStopsEveryCheckAndSaysSo() throws Exception {
        try (SampleService hanging = SampleService.run(DockerFixture.get(), "1.4.6", 0, Map.of("HEALTH_LATENCY_MS", "60000"))) {
            HealthReport r = verify(VerifyOptions.ofSeconds(100, 0, 5, 2, 1, 0), http("api", hanging));
            assertThat(r.checks().get(0).message()).startsWith("deadline of 2 s reached after 1 attempt; last: timed out after 2 s");
            assertThat(r.elapsedMs()).isLessThan(6_000);
        }
    }

    @Test
    void postgresDownAndWrongPasswordAreNamed() throws Exception {
        try (PostgresFixture own = PostgresFixture.create()) {
            Credential wrong = new Credential("app-db", own.user(), "not-the-password");
            HealthReport bad = verify(quick(1), CheckSpecs.postgres("checks[0]", "db", "127.0.0.1", own.port(), "app", wrong));
            assertThat(bad.checks().get(0).message())
                    .isEqualTo("authentication failed: FATAL: password authentication failed for user \"app\"");
            own.stop();
            Credential right = new Credential("app-db", own.user(), own.password());
            HealthReport down = verify(quick(2), CheckSpecs.postgres("checks[0]", "db", "127.0.0.1", own.port(), "app", right));
            assertThat(down.checks().get(0).message()).isEqualTo("connection refused (postgresql://127.0.0.1:" + own.port() + "/app)");
            own.start();
            HealthReport back = verify(quick(5), CheckSpecs.postgres("checks[0]", "db", "127.0.0.1", own.port(), "app", right));
            assertThat(back.healthy()).isTrue();
            assertThat(String.join("\n", console)).doesNotContain(own.password());
        }
    }

    @Test
    void redisDownAndWrongPasswordAreNamed() throws Exception {
        try (RedisFixture own = RedisFixture.create()) {
            HealthReport bad = verify(quick(1), CheckSpecs.redis("checks[0]", "cache", "127.0.0.1", own.port(), redisPassword("wrong-password")));
            assertThat(bad.checks().get(0).message()).startsWith("authentication failed: WRONGPASS");
            HealthReport none = verify(quick(1), CheckSpecs.redis("checks[0]", "cache", "127.0.0.1", own.port(), null));
            assertThat(none.checks().get(0).message()).isEqualTo("Redis requires a password and the check has no credentialsId");
            own.stop();
            HealthReport down = verify(quick(2), CheckSpecs.redis("checks[0]", "cache", "127.0.0.1", own.port(), redisPassword(own.password())));
            assertThat(down.checks().get(0).message()).isEqualTo("connection refused (redis://127.0.0.1:" + own.port() + ")");
        }
    }

    @Test
    void slowStartShowsProgressWithAttemptsElapsedAndWhatStillFails() throws Exception {
        try (SampleService slow = SampleService.start(DockerFixture.get(), "1.4.7", 0, Map.of("START_DELAY_S", "4"), false)) {
            VerifyOptions o = VerifyOptions.ofSeconds(40, 0.5, 1, 30, 2, 0).withProgressEvery(Duration.ofSeconds(1));
            HealthReport r = verify(o, http("api", slow));
            assertThat(r.healthy()).as(String.join("\n", console)).isTrue();
            assertThat(r.checks().get(0).attempts()).isGreaterThan(2);
            assertThat(console).anyMatch(l -> l.matches("verifyHealth: \\d+ s elapsed of 30 s, 0/1 passed, still failing: api \\[attempt \\d+/40] .*"));
        }
    }

    @Test
    void aToolThatPrintsTheSecretIsMaskedInTheResultAndTheConsole() throws Exception {
        // A real failure mode: a tool echoes its connection URL, password included, on error.
        HealthReport r = verify(quick(1),
                CheckSpecs.redis("checks[0]", "cache", "127.0.0.1", redis.port(), redisPassword(redis.password())),
                CheckSpecs.command("checks[1]", "tool", List.of("sh", "-c", "echo \"cannot reach $REDIS_URL\" >&2; exit 2"),
                        Map.of("REDIS_URL", redis.uri())));
        assertThat(r.checks().get(1).message()).isEqualTo("exit 2: cannot reach redis://:****@127.0.0.1:" + redis.port());
        assertThat(String.join("\n", console)).contains(":****@").doesNotContain(redis.password());
    }

    @Test
    void commandCheckReportsExitCodeAndLastLineAndIsKilledOnTimeout() throws Exception {
        HealthReport r = verify(quick(1),
                CheckSpecs.command("checks[0]", "fails", List.of("sh", "-c", "echo checking; echo 'disk 97% full' >&2; exit 3"), Map.of()),
                CheckSpecs.command("checks[1]", "hangs", List.of("sleep", "30"), Map.of()));
        assertThat(r.checks().get(0).message()).isEqualTo("exit 3: disk 97% full");
        assertThat(r.checks().get(1).message()).isEqualTo("timed out after 1 s and was killed");
    }
}
