package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun.StageStatus;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Jenkinsfile.example}, as it is in the repository, against the real testbed: PostgreSQL and Redis
 * servers and the sample service in Docker, all on 127.0.0.1. The plugin's {@code verifyHealth} step, the
 * {@code serviceHealth} var of the shared library and the credentials {@code app-db} / {@code redis-password}
 * run for real through the harness.
 */
@Timeout(300)
@ExtendWith(TestbedExtension.class)
class JenkinsfileExampleTest {
    private static PostgresFixture postgres;
    private static RedisFixture redis;
    private static SampleService healthy;
    private static SampleService degraded;

    @BeforeAll
    static void startTestbed() {
        postgres = PostgresFixture.create();
        redis = RedisFixture.create();
        DockerFixture docker = DockerFixture.get();
        healthy = SampleService.run(docker, "1.0.0", 0, Map.of());
        degraded = SampleService.run(docker, "1.0.0", 0, Map.of("HEALTH_STATUS", "degraded"));
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db", postgres.user(), postgres.password()));
        TestCredentials.add(new TestCredentials.StringSecret("redis-password", redis.password()));
    }

    @AfterAll
    static void stopTestbed() {
        TestCredentials.clear();
        for (AutoCloseable c : new AutoCloseable[] {degraded, healthy, redis, postgres}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("could not close " + c + ": " + e);
            }
        }
    }

    private static PipelineHarness harness(SampleService service, String attempts) {
        return new PipelineHarness()
                .jobName("squad-api-health-gate")
                .param("SERVICE_URL", service.baseUrl())
                .param("POSTGRES", "127.0.0.1:" + postgres.port())
                .param("POSTGRES_DB", postgres.database())
                .param("REDIS", "127.0.0.1:" + redis.port())
                .param("HEALTH_ATTEMPTS", attempts);
    }

    private static Path jenkinsfile() {
        return PipelineHarness.defaultRepoRoot().resolve("Jenkinsfile.example");
    }

    @Test
    void aHealthyServiceAndItsBackingServicesPassTheGate() {
        PipelineRun run = harness(healthy, "5").run(jenkinsfile());

        assertResult(run, Result.SUCCESS);
        assertThat(run.stages()).extracting(PipelineRun.StageRecord::status).containsExactly(StageStatus.RAN, StageStatus.RAN);
        String log = run.console();
        assertThat(log)
                .contains("Loading library squad-deploy@main")
                .contains("[Pipeline] { (Pre-flight)")
                .contains("verifyHealth: 3 check(s) [app http " + healthy.baseUrl() + "/health, postgres postgres ")
                .containsPattern("\\n {4}CHECK +KIND +STATUS +ATTEMPTS +LATENCY +DETAIL\\n")
                .containsPattern("\\n {4}app +http +PASSED ")
                .containsPattern("\\n {4}postgres +postgres +PASSED ")
                .containsPattern("\\n {4}redis +redis +PASSED ")
                .contains("verifyHealth: all 3 check(s) passed")
                .contains("Pre-flight passed: 3 checks in ")
                .containsPattern("latency api: \\d+ ms \\(PASSED, 1 attempt\\(s\\)\\)")
                .containsPattern("latency postgres-port: \\d+ ms \\(PASSED")
                .containsPattern("latency redis-ping: \\d+ ms \\(PASSED")
                .contains("Health gate finished: SUCCESS (build #1)")
                .doesNotContain("Health gate FAILED")
                .doesNotContain(postgres.password())
                .doesNotContain(redis.password())
                .endsWith("[Pipeline] End of Pipeline\nFinished: SUCCESS\n");
        assertThat(run.params()).containsEntry("POSTGRES_DB", postgres.database());
        assertThat(run.options()).contains("timeout(time: 15, unit: 'MINUTES')", "disableConcurrentBuilds()", "timestamps()");
        // every network probe went to the "agent" as a serialized callable and came back the same way
        assertThat(run.channel().callableTypes()).contains("io.jenkins.plugins.squaddeploy.steps.AgentProbeRunner$NetworkProbe");
    }

    @Test
    void aDegradedServiceFailsThePreFlightNamingTheCheckAndTheExpectation() {
        PipelineRun run = harness(degraded, "2").run(jenkinsfile());

        assertResult(run, Result.FAILURE);
        assertThat(run.stages()).extracting(PipelineRun.StageRecord::status)
                .containsExactly(StageStatus.FAILED, StageStatus.SKIPPED_FOR_FAILURE);
        String log = run.console();
        List<String> lines = run.consoleLines();
        int error = lines.indexOf("ERROR: verifyHealth failed: 1 of 3 check(s) did not pass");
        assertThat(error).as("the ERROR line at the end of the log:%n%s", log).isPositive();
        assertThat(lines.get(error + 1)).startsWith("  app (http " + degraded.baseUrl() + "/health): ")
                .contains("$.status == 'healthy' failed: actual 'degraded'")
                .endsWith("[2 attempts]");
        assertThat(log)
                .containsPattern("\\n {4}app +http +FAILED ")
                .containsPattern("\\n {4}postgres +postgres +PASSED ")
                .contains("Stage \"Verify\" skipped due to earlier failure(s)")
                .contains("Health gate FAILED for " + degraded.baseUrl() + ": nothing was deployed")
                .contains("Health gate finished: FAILURE")
                .doesNotContain("\tat ")
                .doesNotContain(postgres.password())
                .doesNotContain(redis.password())
                .endsWith("Finished: FAILURE\n");
        assertThat(log.indexOf("Health gate FAILED")).as("post failure ran before the end of the build").isLessThan(error > 0
                ? log.indexOf("ERROR: verifyHealth failed") : Integer.MAX_VALUE);
        assertThat(run.postRuns()).containsExactly("pipeline:always", "pipeline:failure");
    }
}
