package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.SwarmFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code squadDeploy target: swarmTarget(…)} and {@code autoRollback()} as Jenkins runs them, through the pipeline harness
 * (real step binding, CPS, serialised callables), against a real single-node swarm on this machine.
 */
@Timeout(150)
@ExtendWith(TestbedExtension.class)
class SwarmPipelineTest {
    static final String V1 = "6.2.0";
    static final String V2 = "6.2.1";
    static SwarmFixture swarm;

    @BeforeAll
    static void start() {
        swarm = new SwarmFixture();
    }

    @AfterAll
    static void stop() {
        swarm.close();
    }

    static String versionOn(int port) {
        try {
            String body = Http.get("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(2)).body();
            int i = body.indexOf("\"version\":\"");
            return i < 0 ? body : body.substring(i + 11, body.indexOf('"', i + 11));
        } catch (Exception e) {
            return "down";
        }
    }

    static String jenkinsfile(String image, String svc) {
        return "pipeline {\n"
                + "  agent any\n"
                + "  stages {\n"
                + "    stage('Deploy') {\n"
                + "      steps {\n"
                + "        script {\n"
                + "          def r = squadDeploy service: 'shop', image: '" + image + "', environment: 'test', healthTimeout: 60,\n"
                + "              target: swarmTarget(services: ['" + svc + "'], updateParallelism: 1, updateDelay: '0s', updateMonitor: '1s',\n"
                + "                                  failureAction: 'rollback')\n"
                + "          echo \"released ${r.version} to ${r.target}: ${r.units[0].name} ${r.units[0].previousImage} -> ${r.units[0].image}\"\n"
                + "        }\n"
                + "      }\n"
                + "    }\n"
                + "    stage('Smoke') {\n"
                + "      steps {\n"
                + "        error 'smoke test failed'\n"
                + "      }\n"
                + "    }\n"
                + "  }\n"
                + "  post {\n"
                + "    failure {\n"
                + "      script {\n"
                + "        def rb = autoRollback()\n"
                + "        echo \"rollback: ${rb.status}\"\n"
                + "      }\n"
                + "    }\n"
                + "  }\n"
                + "}\n";
    }

    @Test
    void aSwarmReleaseIsRolledBackByAutoRollbackAndABadOneFailsTheStepNamingSwarmsRollback() throws Exception {
        String good1 = SampleServiceImage.ensure(swarm.docker, V1);
        String good2 = SampleServiceImage.ensure(swarm.docker, V2);
        String bad = SwarmFixture.badImage(swarm.docker, V2);
        int port = FreePorts.next();
        String svc = swarm.createService(swarm.newName("api"), good1, port);

        PipelineRun one = new PipelineHarness().jobName("shop").buildNumber(1).runScript(jenkinsfile(good2, svc));
        assertThat(one.result()).as(one.console()).isEqualTo(Result.FAILURE);
        assertThat(one.console())
                .contains("released " + V2 + " to swarm: " + svc + " " + good1 + " -> " + good2)
                .contains("squadDeploy: swarm: " + svc + " converged on " + V2)
                .contains("autoRollback: swarm: docker service rollback --detach " + svc)
                .contains("autoRollback: test/shop: ROLLED_BACK: docker service rollback " + svc + ": " + svc + " on " + good1 + ", converged")
                .contains("ROLLED BACK: test/shop " + V2 + " → " + V1)
                .contains("rollback: ROLLED_BACK");
        assertThat(swarm.specImage(svc)).isEqualTo(good1);
        Poll.until(svc + " serving " + V1, Duration.ofSeconds(30), () -> V1.equals(versionOn(port)));

        PipelineRun two = new PipelineHarness().jobName("shop").buildNumber(2).runScript(jenkinsfile(bad, svc));
        assertThat(two.result()).as(two.console()).isEqualTo(Result.FAILURE);
        assertThat(two.console())
                .contains("squadDeploy failed: the release " + V2 + " to swarm service " + svc + " failed: " + svc + ": Swarm rolled back " + svc
                        + " by itself (UpdateStatus rollback_completed")
                .contains("autoRollback: nothing to roll back")
                .doesNotContain("released " + V2);
        assertThat(swarm.specImage(svc)).isEqualTo(good1);
        assertThat(versionOn(port)).isEqualTo(V1);
    }
}
