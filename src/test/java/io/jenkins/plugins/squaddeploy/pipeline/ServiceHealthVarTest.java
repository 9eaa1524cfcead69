package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code vars/serviceHealth.groovy}, loaded as the shared library: the call it builds (the /health contract, the
 * optional PostgreSQL and Redis checks, the options it passes on) and its refusal of keys it does not know.
 * /health is a small HTTP server in this JVM; Redis is the real testbed server.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class ServiceHealthVarTest {
    private static final String HEALTHY = "{\"status\":\"healthy\",\"version\":\"1.0.0\",\"services\":{\"postgres\":\"connected\",\"redis\":\"connected\"}}";
    private static final String DEGRADED = "{\"status\":\"degraded\",\"version\":\"1.0.0\",\"services\":{\"postgres\":\"connected\",\"redis\":\"disconnected\"}}";

    private static HttpServer server;
    private static final AtomicReference<String> body = new AtomicReference<>(HEALTHY);
    private static String url;

    @BeforeAll
    static void startHealthEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> {
            String b = body.get();
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(b.contains("\"healthy\"") ? 200 : 503, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    }

    @AfterAll
    static void stopHealthEndpoint() {
        server.stop(0);
    }

    @AfterEach
    void reset() {
        body.set(HEALTHY);
        TestCredentials.clear();
    }

    @Test
    void buildsTheHealthContractCallAndReturnsTheResultMap() {
        PipelineRun run = new PipelineHarness().runScript("""
                node {
                    def health = serviceHealth(url: '%s', attempts: 2, interval: 1, deadline: 20)
                    echo "healthy=${health.healthy} checks=${health.checks.keySet()} status=${health.checks.app.status}"
                }
                """.formatted(url));
        assertResult(run, Result.SUCCESS);
        assertThat(run.steps()).containsExactly("node", "verifyHealth", "echo");
        assertThat(run.console())
                .containsPattern("\\[Pipeline\\] verifyHealth\nverifyHealth ▶ [^\n]+\n")
                .contains("verifyHealth: 1 check(s) [app http " + url + "]")
                .contains("up to 2 attempt(s)")
                .containsPattern("app +http +PASSED")
                .contains("verifyHealth: all 1 check(s) passed")
                .contains("healthy=true checks=[app] status=PASSED");
    }

    @Test
    void aDegradedServiceFailsNamingTheExpectationThatFailed() {
        body.set(DEGRADED);
        PipelineRun run = new PipelineHarness().runScript("node { serviceHealth(url: '%s', attempts: 1, deadline: 20) }".formatted(url));
        assertResult(run, Result.FAILURE);
        assertThat(run.console())
                .contains("ERROR: verifyHealth failed: 1 of 1 check(s) did not pass\n  app (http " + url + "): HTTP 503")
                .contains("$.status == 'healthy' failed: actual 'degraded'")
                .contains("$.services.* in ['connected', 'healthy'] failed: actual")
                .contains("'disconnected'")
                .doesNotContain("\tat ");
    }

    @Test
    void postgresAndRedisBecomeChecksWithTheirCredentials() {
        try (RedisFixture redis = RedisFixture.create()) {
            TestCredentials.add(new TestCredentials.StringSecret("redis-password", redis.password()));
            TestCredentials.add(new TestCredentials.UsernamePassword("app-db", "health", TestSecrets.generate("var-pg")));
            int closed = FreePorts.next();
            PipelineRun run = new PipelineHarness().runScript("""
                    node {
                        serviceHealth(url: '%s',
                                      postgres: [host: '127.0.0.1', port: %d, database: 'app', credentialsId: 'app-db'],
                                      redis: [host: '127.0.0.1', port: %d, credentialsId: 'redis-password'],
                                      attempts: 1, interval: 1, deadline: 20)
                    }
                    """.formatted(url, closed, redis.port()));
            assertResult(run, Result.FAILURE);
            assertThat(run.console())
                    .contains("verifyHealth: 3 check(s) [app http " + url + ", postgres postgres ")
                    .containsPattern("postgres +postgres +FAILED .*127\\.0\\.0\\.1:" + closed + "/app")
                    .containsPattern("redis +redis +PASSED")
                    .containsPattern("app +http +PASSED")
                    .contains("ERROR: verifyHealth failed: 1 of 3 check(s) did not pass\n  postgres (postgres ")
                    .doesNotContain(redis.password());
        }
    }

    @Test
    void anUnknownKeyFailsNamingItAndTheAcceptedKeys() {
        PipelineRun run = new PipelineHarness().runScript("node { serviceHealth(url: '%s', atempts: 3) }".formatted(url));
        assertResult(run, Result.FAILURE);
        assertThat(run.console())
                .endsWith("ERROR: serviceHealth: unknown parameter 'atempts'; accepted: url, postgres, redis, attempts, interval, deadline\n"
                        + "Finished: FAILURE\n")
                .doesNotContain("[Pipeline] verifyHealth");

        PipelineRun nested = new PipelineHarness().runScript(
                "node { serviceHealth(url: '%s', redis: [host: '127.0.0.1', pasword: 'x']) }".formatted(url));
        assertResult(nested, Result.FAILURE);
        assertThat(nested.console()).contains("ERROR: serviceHealth redis: unknown parameter 'pasword'; accepted: host, port, credentialsId");
    }

    @Test
    void theUrlIsRequired() {
        PipelineRun run = new PipelineHarness().runScript("node { serviceHealth(redis: [host: '127.0.0.1']) }");
        assertResult(run, Result.FAILURE);
        assertThat(run.console()).contains("ERROR: serviceHealth: 'url' is required: the service's /health endpoint");
    }
}
