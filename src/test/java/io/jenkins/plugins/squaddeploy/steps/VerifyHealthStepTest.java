package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * verifyHealth as a pipeline step: user errors end the build with one ERROR line naming the parameter (no
 * stack trace) before any check runs; credentials come only from credentials IDs and are never shown.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class VerifyHealthStepTest {
    static HttpServer server;
    static final AtomicInteger REQUESTS = new AtomicInteger();
    static PostgresFixture pg;
    static RedisFixture redis;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            REQUESTS.incrementAndGet();
            byte[] b = "{\"status\":\"healthy\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        pg = PostgresFixture.create();
        redis = RedisFixture.create();
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db", pg.user(), pg.password()));
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db-wrong", pg.user(), "Sq!not-the-password"));
        TestCredentials.add(new TestCredentials.StringSecret("redis-password", redis.password()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(0);
        TestCredentials.clear();
        redis.close();
        pg.close();
    }

    private static String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    }

    private static PipelineRun run(String steps) {
        return new PipelineHarness().runScript("node {\n" + steps + "\n}");
    }

    private static void assertUserError(String steps, String expectedLine) {
        int before = REQUESTS.get();
        PipelineRun r = run(steps);
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.consoleLines()).contains(expectedLine);
        assertThat(r.console()).doesNotContain("\tat ").doesNotContain("verifyHealth: 1 check(s)").doesNotContain("verifyHealth: 2 check(s)");
        assertThat(REQUESTS.get()).as("no request reached the service").isEqualTo(before);
    }

    @Test
    void badParametersFailBeforeAnyNetworkCall() {
        assertUserError("verifyHealth checks: [httpCheck(url: '" + url() + "'), httpCheck(url: 'htp:/x')]",
                "ERROR: verifyHealth: Invalid parameter 'checks[1].url': 'htp:/x' is not an http(s) URL with a host. "
                        + "Expected an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080/health.");
        assertUserError("verifyHealth checks: [httpCheck(url: '" + url() + "')], timeout: -1",
                "ERROR: verifyHealth: Invalid parameter 'timeout': got -1. Expected a number of seconds above 0.");
        assertUserError("verifyHealth checks: []",
                "ERROR: verifyHealth: Invalid parameter 'checks': no checks were given. "
                        + "Expected a list of one or more checks, e.g. [httpCheck(url: 'http://127.0.0.1:8080/health')].");
        assertUserError("verifyHealth checks: [httpCheck(url: '" + url() + "', expect: ['$.status ==== 1'])]",
                "ERROR: verifyHealth: Invalid parameter 'checks[0].expect[0]': value '== 1' is not a quoted string, number, boolean, null or list. "
                        + "Expected a JSONPath, optionally followed by an operator (==, !=, <, <=, >, >=, in, not in, =~) and a value: "
                        + "a 'quoted string', a number, true, false, null or a list such as ['connected', 'healthy'] — e.g. $.status == 'healthy'.");
    }

    @Test
    void unknownOrWrongTypeCredentialsAreNamed() {
        assertUserError("verifyHealth checks: [httpCheck(url: '" + url() + "'), redisCheck(host: '127.0.0.1', port: " + redis.port()
                        + ", credentialsId: 'no-such-id')]",
                "ERROR: verifyHealth: Invalid parameter 'checks[1].credentialsId': no credentials with ID 'no-such-id' are visible to this build. "
                        + "Expected the ID of a 'Username with password' or 'Secret text' credential.");
        assertUserError("verifyHealth checks: [httpCheck(url: '" + url() + "'), postgresCheck(host: '127.0.0.1', port: " + pg.port()
                        + ", credentialsId: 'redis-password')]",
                "ERROR: verifyHealth: Invalid parameter 'checks[1].credentialsId': credentials 'redis-password' are of another type (StringSecret). "
                        + "Expected the ID of a 'Username with password' credential.");
    }

    @Test
    void wrongPasswordFailsNamingTheCauseAndNeverShowsASecret() {
        PipelineRun r = run("verifyHealth checks: [postgresCheck(name: 'db', host: '127.0.0.1', port: " + pg.port()
                + ", database: 'app', credentialsId: 'app-db-wrong'), redisCheck(name: 'cache', host: '127.0.0.1', port: " + redis.port()
                + ", credentialsId: 'redis-password')], attempts: 2, interval: 1");
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console())
                .contains("ERROR: verifyHealth failed: 1 of 2 check(s) did not pass\n  db (postgres postgresql://127.0.0.1:" + pg.port()
                        + "/app): authentication failed: FATAL: password authentication failed for user \"app\" [2 attempts]")
                .doesNotContain(pg.password()).doesNotContain(redis.password()).doesNotContain("Sq!not-the-password");
    }

    @Test
    void failOnErrorFalseReturnsTheResultAndTheBuildGoesOn() {
        PipelineRun r = run("def r = verifyHealth checks: [tcpCheck(name: 'closed', host: '127.0.0.1', port: 1), "
                + "httpCheck(name: 'api', url: '" + url() + "', expect: ['$.status == \"healthy\"'])], attempts: 1, failOnError: false\n"
                + "echo \"healthy=${r.healthy} failed=${r.failed} api=${r.checks.api.status} closed=${r.checks.closed.message}\"");
        assertThat(r.result()).isEqualTo(Result.SUCCESS);
        assertThat(r.consoleLines()).contains("healthy=false failed=[closed] api=PASSED closed=connection refused (127.0.0.1:1)");
    }

    @Test
    void agentNoneHasNoWorkspaceToRunChecksFrom() {
        PipelineRun r = new PipelineHarness().runScript("pipeline { agent none\n stages { stage('x') { steps {\n"
                + " verifyHealth checks: [httpCheck(url: '" + url() + "')]\n } } } }");
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("Required context class hudson.FilePath is missing");
    }
}
