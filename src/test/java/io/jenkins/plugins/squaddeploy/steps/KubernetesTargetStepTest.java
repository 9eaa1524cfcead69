package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import hudson.model.Result;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.KubeMockCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * squadDeploy with {@code kubernetesTarget(…)} and {@code autoRollback()} as a pipeline runs them (the harness: real step
 * classes, CPS, every Kubernetes API call sent through a channel that serialises it, as to an agent), against fabric8's
 * mock API server with the test-side controller emulation ({@link KubeMockCluster}) — not a real cluster. The kubeconfig
 * is a 'Secret file' credential; its token never reaches the console.
 */
@Timeout(120)
class KubernetesTargetStepTest {
    static KubeMockCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = KubeMockCluster.start();
        TestCredentials.add(new TestCredentials.SecretFile("prod-kubeconfig", "kubeconfig", cluster.kubeconfig().getBytes(StandardCharsets.UTF_8)));
        cluster.failImage("api-platform/auth-service:1.1.1-bad", KubeMockCluster.Failure.IMAGE_PULL_BACK_OFF);
    }

    @AfterAll
    static void stop() {
        TestCredentials.clear();
        if (cluster != null) {
            cluster.close();
        }
    }

    static String target(String ns, String extra) {
        return "kubernetesTarget(namespace: '" + ns + "', context: 'mock', credentialsId: 'prod-kubeconfig', container: 'auth'" + extra + ")";
    }

    @Test
    void aGoodReleaseThenABadOneUndoneByAutoRollback() {
        cluster.deployment("rel", "auth-service", "auth", "api-platform/auth-service:1.0.0", 2, Map.of(), 600);

        PipelineRun good = new PipelineHarness().runScript("node {\n"
                + "  def r = squadDeploy service: 'auth-service', image: 'api-platform/auth-service:1.1.0', environment: 'production', healthTimeout: 60,\n"
                + "      target: " + target("rel", "") + "\n"
                + "  echo \"released ${r.version}: ${r.units[0].name} revision ${r.units[0].previousRevision} -> ${r.units[0].revision}\"\n}");
        assertThat(good.result()).as(good.console()).isEqualTo(Result.SUCCESS);
        assertThat(good.consoleLines()).contains("released 1.1.0: auth-service revision 1 -> 2");
        assertThat(good.console()).contains("kubectl set image deployment/auth-service auth=api-platform/auth-service:1.1.0 -n rel")
                .contains("deployment auth-service successfully rolled out").doesNotContain(cluster.token());
        assertThat(cluster.podImages("rel", "auth-service")).containsOnly("api-platform/auth-service:1.1.0");

        // a release that rolls out, then fails its checks: autoRollback undoes it to the recorded revision
        PipelineRun bad = new PipelineHarness().runScript("node {\n"
                + "  try {\n"
                + "    squadDeploy service: 'auth-service', image: 'api-platform/auth-service:1.2.0', environment: 'production', healthTimeout: 60,\n"
                + "        target: " + target("rel", "") + "\n"
                + "    error 'smoke tests failed'\n"
                + "  } catch (e) {\n"
                + "    def r = autoRollback reason: 'smoke tests failed'\n"
                + "    echo \"rollback: ${r.status}\"\n"
                + "    throw e\n"
                + "  }\n}");
        assertThat(bad.result()).as(bad.console()).isEqualTo(Result.FAILURE);
        assertThat(bad.console()).contains("kubectl rollout undo deployment/auth-service --to-revision=2 -n rel (api-platform/auth-service:1.1.0)")
                .doesNotContain(cluster.token());
        assertThat(bad.consoleLines()).anyMatch(l -> l.startsWith("rollback: ROLLED_BACK"));
        assertThat(cluster.podImages("rel", "auth-service")).containsOnly("api-platform/auth-service:1.1.0");
    }

    @Test
    void anImageThatCannotBePulledFailsTheStepAndIsUndoneAtOnce() {
        cluster.deployment("pullfail", "auth-service", "auth", "api-platform/auth-service:1.1.0", 2, Map.of(), 600);
        PipelineRun r = new PipelineHarness().runScript("node {\n"
                + "  squadDeploy service: 'auth-service', image: 'api-platform/auth-service:1.1.1-bad', environment: 'production', healthTimeout: 60,\n"
                + "      target: " + target("pullfail", "") + "\n}");
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("the new pods cannot pull api-platform/auth-service:1.1.1-bad").contains("ImagePullBackOff")
                .contains("Undone: auth-service back to revision 1 (api-platform/auth-service:1.1.0)").doesNotContain("\tat ").doesNotContain(cluster.token());
        assertThat(cluster.podImages("pullfail", "auth-service")).containsOnly("api-platform/auth-service:1.1.0");
    }

    @Test
    void blueGreenRollsTheIdleColourOutSwitchesTheServiceAndAutoRollbackSwitchesBack() {
        cluster.deployment("bgt", "api-blue", "auth", "api:1.0.0", 2, Map.of("app", "api", "colour", "blue"), null);
        cluster.client().apps().deployments().inNamespace("bgt").resource(new DeploymentBuilder()
                .withNewMetadata().withName("api-green").withNamespace("bgt").endMetadata().withNewSpec().withReplicas(0)
                .withNewSelector().withMatchLabels(Map.of("app", "api", "colour", "green")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "api", "colour", "green")).endMetadata()
                .withNewSpec().addNewContainer().withName("auth").withImage("api:1.0.0").endContainer().endSpec().endTemplate().endSpec().build()).create();
        cluster.service("bgt", "api", Map.of("app", "api", "colour", "blue"));
        cluster.service("bgt", "api-preview", Map.of("app", "api", "colour", "blue"));

        PipelineRun r = new PipelineHarness().runScript("node {\n"
                + "  def r = squadDeploy service: 'api', image: 'api:2.0.0', strategy: 'blueGreen', healthTimeout: 60,\n"
                + "      target: " + target("bgt", ", previewService: 'api-preview'") + "\n"
                + "  echo \"released ${r.version} strategy ${r.strategy}\"\n"
                + "  def back = autoRollback reason: 'test'\n"
                + "  echo \"rollback: ${back.status}\"\n}");

        // autoRollback marks the build failed: the release failed, even though the service was restored
        assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("and was ROLLED BACK: default/api 2.0.0 → 1.0.0").contains("api is served by blue").contains("kubectl scale deployment/api-green --replicas=2 -n bgt")
                .contains("endpoints of service api-preview: 2 ready endpoint(s) of green")
                .contains("endpoints of service api: 2 ready endpoint(s) of green")
                .contains("endpoints of service api: 2 ready endpoint(s) of blue")
                .doesNotContain(cluster.token());
        assertThat(r.consoleLines()).contains("released 2.0.0 strategy blueGreen").anyMatch(l -> l.startsWith("rollback: ROLLED_BACK"));
        assertThat(cluster.client().services().inNamespace("bgt").withName("api").get().getSpec().getSelector()).containsEntry("colour", "blue");
        assertThat(cluster.podImages("bgt", "api-green")).containsOnly("api:2.0.0");
    }

    @Test
    void parameterErrorsNameTheParameterBeforeAnythingChanges() {
        PipelineRun r = new PipelineHarness().runScript("node {\n squadDeploy service: 'auth-service', image: 'a:1', target: kubernetesTarget(namespace: 'Prod')\n}");
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("Invalid parameter 'target.namespace'");
        PipelineRun s = new PipelineHarness().runScript("node {\n squadDeploy service: 'auth-service', image: 'a:1', strategy: 'recreate', target: "
                + target("rel", "") + "\n}");
        assertThat(s.result()).isEqualTo(Result.FAILURE);
        assertThat(s.console()).contains("Invalid parameter 'strategy': kubernetesTarget does not do 'recreate'");
    }
}
