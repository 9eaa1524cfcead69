package io.jenkins.plugins.squaddeploy.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves every testbed fixture runs the real server and really answers. Fails (never skips) if one is missing. */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class TestbedSmokeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void postgresAcceptsTheAppUserAndRejectsAWrongPassword() throws Exception {
        try (PostgresFixture pg = PostgresFixture.create()) {
            try (Connection c = PostgresFixture.connect(pg.jdbcUrl(), "app", pg.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_user, current_database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("app");
                assertThat(rs.getString(2)).isEqualTo("app");
            }
            try (Connection c = pg.connectAsSuperuser(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('listen_addresses'),"
                         + " (SELECT string_agg(DISTINCT auth_method, ',') FROM pg_hba_file_rules)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
                assertThat(rs.getString(2)).as("pg_hba.conf methods").isEqualTo("scram-sha-256");
            }
            assertThatThrownBy(() -> PostgresFixture.connect(pg.jdbcUrl(), "app", "wrong-password"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01")); // invalid_password

            pg.stop(); // "PostgreSQL down"
            assertThatThrownBy(pg::connect).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
            pg.start();
            try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 42")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void redisAnswersPongWithThePasswordAndRefusesAWrongOne() throws Exception {
        try (RedisFixture redis = RedisFixture.create()) {
            try (Resp r = new Resp("127.0.0.1", redis.port(), Duration.ofSeconds(5))) {
                assertThat(r.call("PING")).isInstanceOfSatisfying(Resp.Error.class,
                        e -> assertThat(e.message()).startsWith("NOAUTH"));
                assertThat(r.call("AUTH", "wrong-password")).isInstanceOfSatisfying(Resp.Error.class,
                        e -> assertThat(e.message()).startsWith("WRONGPASS"));
                assertThat(r.call("AUTH", redis.password())).isEqualTo("OK");
                assertThat(r.call("PING")).isEqualTo("PONG");
                assertThat(r.call("SET", "k", "v")).isEqualTo("OK");
                assertThat(r.call("GET", "k")).isEqualTo("v");
            }
            redis.stop();
            assertThatThrownBy(() -> new Resp("127.0.0.1", redis.port(), Duration.ofSeconds(2))).isInstanceOf(ConnectException.class);
            redis.start();
            assertThat(redis.command("PING")).isEqualTo("PONG");
            assertThat(redis.command("GET", "k")).as("no persistence by default").isNull();
        }
    }

    @Test
    void nginxServesAPageAndReloads() throws Exception {
        try (NginxFixture nginx = NginxFixture.create()) {
            Http.Response r = Http.get(nginx.baseUrl() + "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("squadtest nginx ok\n");

            nginx.reload("server { listen 127.0.0.1:@PORT@; location / { default_type text/plain; return 200 \"green\\n\"; } }");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(Http.get(nginx.baseUrl() + "/").body()).isEqualTo("green\n"));
        }
    }

    @Test
    void haproxyAnswersShowInfoOnItsAdminSocket() throws Exception {
        try (HaproxyFixture haproxy = HaproxyFixture.create()) {
            String info = haproxy.admin("show info");
            assertThat(info).contains("Name: HAProxy").contains("Version: 2.");
            assertThat(Http.get(haproxy.baseUrl() + "/").body()).isEqualTo("squadtest haproxy ok");
            assertThat(Http.get("http://127.0.0.1:" + haproxy.statsPort() + "/metrics").body()).contains("haproxy_process_");

            long worker = haproxy.workerPid();
            haproxy.reload(HaproxyFixture.DEFAULT_CONFIG.replace("squadtest haproxy ok", "reloaded"));
            assertThat(haproxy.workerPid()).isNotEqualTo(worker);
            assertThat(Http.get(haproxy.baseUrl() + "/").body()).isEqualTo("reloaded");
        }
    }

    @Test
    void sampleServiceHealthMetricsAndKnobs() throws Exception {
        DockerFixture docker = DockerFixture.get();
        try (SampleService healthy = SampleService.run(docker, "1.0.0", 0, Map.of());
             SampleService degraded = SampleService.run(docker, "1.0.0", 0, Map.of("HEALTH_STATUS", "degraded"));
             SampleService failing = SampleService.run(docker, "2.0.0", 0, Map.of("ERROR_RATE", "100"))) {

            Http.Response h = healthy.get("/health");
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.contentType()).isEqualTo("application/json");
            assertThat(h.body()).isEqualTo(
                    "{\"status\":\"healthy\",\"version\":\"1.0.0\",\"services\":{\"postgres\":\"connected\",\"redis\":\"connected\"}}");
            assertThat(healthy.get("/health/ready").body()).isEqualTo("ready");
            assertThat(healthy.get("/").status()).isEqualTo(200);

            Http.Response d = degraded.get("/health");
            assertThat(d.status()).isEqualTo(503);
            assertThat(d.body()).contains("\"status\":\"degraded\"");

            Http.Response f = failing.get("/");
            assertThat(f.status()).isEqualTo(500);
            assertThat(failing.get("/health").body()).contains("\"version\":\"2.0.0\"");
            String metrics = failing.get("/metrics").body();
            assertThat(metrics).contains("http_requests_total{status=\"500\"} 1\n")
                    .contains("http_requests_total{status=\"200\"} 0\n")
                    .contains("http_request_duration_seconds_bucket{le=\"+Inf\"} 1\n")
                    .contains("http_request_duration_seconds_count 1\n")
                    .contains("http_request_duration_seconds_sum ");

            healthy.setKnob("SERVICES_REDIS", "disconnected");
            assertThat(healthy.get("/health").body()).isEqualTo(
                    "{\"status\":\"degraded\",\"version\":\"1.0.0\",\"services\":{\"postgres\":\"connected\",\"redis\":\"disconnected\"}}");
            healthy.clearKnob("SERVICES_REDIS");

            await().atMost(PATIENCE).until(() -> healthy.dockerHealth().equals("healthy")); // the image's HEALTHCHECK

            // A container left behind by a dead JVM is reaped; one of this JVM is not.
            String leftover = "squadtest-leftover-" + Testbed.newSecret(6).toLowerCase(java.util.Locale.ROOT);
            docker.ok(Duration.ofSeconds(30), "create", "--name", leftover, "--label", "squad.test=1",
                    "--label", "squad.test.pid=2147483646", "--network", "host", healthy.image());
            Testbed.reapLeftoverContainers(docker);
            assertThat(docker.run(Duration.ofSeconds(30), "inspect", leftover).ok()).isFalse();
            assertThat(healthy.isRunning()).isTrue();
        }
    }

    @Test
    void prometheusIsReadyAndScrapesTheSampleService() throws Exception {
        DockerFixture docker = DockerFixture.get();
        try (SampleService svc = SampleService.run(docker, "1.0.0", 0, Map.of());
             PrometheusFixture prom = PrometheusFixture.create(List.of("127.0.0.1:" + svc.port()))) {
            assertThat(Http.get(prom.baseUrl() + "/-/ready").status()).isEqualTo(200);
            svc.get("/");
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                JsonNode up = prom.query("up{job=\"squad\"}");
                assertThat(up).hasSize(1);
                assertThat(up.get(0).path("metric").path("instance").asText()).isEqualTo("127.0.0.1:" + svc.port());
                assertThat(up.get(0).path("value").get(1).asText()).isEqualTo("1");
                JsonNode ok = prom.query("http_requests_total{job=\"squad\",status=\"200\"}");
                assertThat(ok).hasSize(1);
                assertThat(ok.get(0).path("value").get(1).asInt()).isGreaterThanOrEqualTo(1);
            });
        }
    }

    @Test
    void aMissingBinaryFailsWithThePackageToInstall() {
        assertThatThrownBy(() -> Binaries.require("squadtest-no-such-program", "some-debian-package"))
                .isInstanceOf(MissingBinaryException.class)
                .hasMessageContaining("some-debian-package")
                .hasMessageContaining("install-testbed.sh");
    }

    @Test
    void freePortsAreDistinctAndBindable() throws IOException {
        int a = FreePorts.next();
        int b = FreePorts.next();
        assertThat(a).isNotEqualTo(b);
        assertThat(FreePorts.isBindable(a)).isTrue();
    }
}
