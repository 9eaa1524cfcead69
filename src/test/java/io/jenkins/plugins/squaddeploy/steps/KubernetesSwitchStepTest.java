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
 * {@code blueGreenSwitch(router: kubernetesService(…))} as a pipeline step (the harness: real step classes, CPS, a
 * workspace behind a channel that serialises every callable, so each Kubernetes API call crosses it as on an agent)
 * against fabric8's mock API server with the test-side controller emulation ({@link KubeMockCluster}); the kubeconfig
 * is a 'Secret file' credential whose token never reaches the console.
 */
@Timeout(120)
class KubernetesSwitchStepTest {
    static KubeMockCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = KubeMockCluster.start();
        TestCredentials.add(new TestCredentials.SecretFile("prod-kubeconfig", "kubeconfig", cluster.kubeconfig().getBytes(StandardCharsets.UTF_8)));
        cluster.failImage("api:never-ready", KubeMockCluster.Failure.NEVER_READY);
        for (String ns : new String[] {"good", "bad"}) {
            cluster.deployment(ns, "api-blue", "api", "api:1.0.0", 2, Map.of("app", "api", "colour", "blue"), null);
            String image = ns.equals("good") ? "api:2.0.0" : "api:never-ready";
            cluster.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                    .withNewMetadata().withName("api-green").withNamespace(ns).endMetadata().withNewSpec().withReplicas(2)
                    .withNewSelector().withMatchLabels(Map.of("app", "api", "colour", "green")).endSelector()
                    .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "api", "colour", "green")).endMetadata()
                    .withNewSpec().addNewContainer().withName("api").withImage(image).endContainer().endSpec().endTemplate().endSpec().build()).create();
            cluster.service(ns, "api", Map.of("app", "api", "colour", "blue"));
        }
        cluster.awaitRolledOut("good", "api-green", Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        TestCredentials.clear();
        if (cluster != null) {
            cluster.close();
        }
    }

    static PipelineRun run(String ns, int deadline) {
        return new PipelineHarness().runScript("node {\n  def r = blueGreenSwitch service: 'api', to: 'green', expectVersion: '2.0.0', verifyDeadline: " + deadline + ",\n"
                + "      router: kubernetesService(namespace: '" + ns + "', context: 'mock', credentialsId: 'prod-kubeconfig'),\n"
                + "      colours: [colour(name: 'blue', servers: []), colour(name: 'green', servers: [])]\n"
                + "  echo \"result: from=${r.from} to=${r.to} switched=${r.switched}\"\n}");
    }

    @Test
    void switchesTheServiceSelectorFromAPipelineAndVerifiesTheEndpoints() {
        PipelineRun r = run("good", 20);

        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.consoleLines()).contains("result: from=blue to=green switched=true");
        assertThat(r.console()).contains("blueGreenSwitch: kubectl patch service api -n good selector")
                .contains("endpoints of service api: 2 ready endpoint(s) of green")
                .doesNotContain(cluster.token());
        assertThat(cluster.client().services().inNamespace("good").withName("api").get().getSpec().getSelector()).containsEntry("colour", "green");
    }

    @Test
    void aColourThatNeverBecomesReadyIsSwitchedBackAndTheBuildFails() {
        PipelineRun r = run("bad", 2);

        assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("ERROR: blueGreenSwitch: api: green did not verify through kubernetes: the endpoints of service api did not become ready pods of green within 2 s")
                .contains("Switched back to blue.").doesNotContain(cluster.token()).doesNotContain("\tat ");
        assertThat(cluster.client().services().inNamespace("bad").withName("api").get().getSpec().getSelector()).containsEntry("colour", "blue");
    }

    @Test
    void aWrongCredentialTypeOrContextIsAParameterError() {
        TestCredentials.add(new TestCredentials.StringSecret("not-a-file", "x"));
        PipelineRun r = new PipelineHarness().runScript("node {\n blueGreenSwitch service: 'api', to: 'green', expectVersion: '2.0.0',"
                + " router: kubernetesService(namespace: 'good', credentialsId: 'not-a-file'), colours: [colour(name: 'green', servers: [])]\n}");
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).contains("ERROR: blueGreenSwitch: Invalid parameter 'router.credentialsId': credentials 'not-a-file' are of another type (StringSecret). "
                + "Expected the ID of a 'Secret file' credential.");
        PipelineRun c = new PipelineHarness().runScript("node {\n blueGreenSwitch service: 'api', to: 'green', expectVersion: '2.0.0',"
                + " router: kubernetesService(namespace: 'good', context: 'staging', credentialsId: 'prod-kubeconfig'), colours: [colour(name: 'green', servers: [])]\n}");
        assertThat(c.result()).isEqualTo(Result.FAILURE);
        assertThat(c.console()).contains("Invalid parameter 'router.context': the kubeconfig of 'prod-kubeconfig' has no context 'staging'").doesNotContain(cluster.token());
    }
}
