package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.KubeMockCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * blueGreenSwitch with a Kubernetes Service as the router, against fabric8's mock API server (CRUD) and the test-side
 * controller emulation of {@link KubeMockCluster} (it keeps the Service's Endpoints in step with the pods): the selector
 * is patched, the switch is verified through the Endpoints, and a colour whose pods are not ready is switched back.
 */
class KubeServiceRouterTest {
    static KubeMockCluster cluster;
    static final CommandRunner NO_COMMANDS = r -> {
        throw new AssertionError("a Kubernetes router runs no commands: " + r);
    };

    @BeforeAll
    static void start() throws Exception {
        cluster = KubeMockCluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Reads the kubeconfig as a Jenkins 'Secret file' credential would be read. */
    static SecretSource secrets() {
        return new SecretSource() {
            @Override
            public Credential lookup(String id, String parameter, boolean needsUsername) {
                throw new AssertionError("no username/password credential is needed");
            }

            @Override
            public String lookupFile(String id, String parameter) {
                assertThat(id).isEqualTo("kube-cred");
                return cluster.kubeconfig();
            }
        };
    }

    static void colours(String ns, String greenImage) {
        cluster.deployment(ns, "api-blue", "api", "api:1.0.0", 2, Map.of("app", "api", "colour", "blue"), null);
        cluster.failImage("api:never-ready", KubeMockCluster.Failure.NEVER_READY);
        io.fabric8.kubernetes.api.model.apps.Deployment green = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata().withName("api-green").withNamespace(ns).endMetadata().withNewSpec().withReplicas(2)
                .withNewSelector().withMatchLabels(Map.of("app", "api", "colour", "green")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "api", "colour", "green")).endMetadata()
                .withNewSpec().addNewContainer().withName("api").withImage(greenImage).endContainer().endSpec().endTemplate().endSpec().build();
        cluster.client().apps().deployments().inNamespace(ns).resource(green).create();
        cluster.service(ns, "api", Map.of("app", "api", "colour", "blue"));
        cluster.service(ns, "api-preview", Map.of("app", "api", "colour", "green"));
    }

    static SwitchPlan plan(String ns, String to, int deadline) {
        KubeServiceRouterSpec spec = KubeServiceRouterSpec.of(UnaryOperator.identity(), "api", null, null, ns, "mock", "kube-cred");
        return SwitchPlan.of("api", to, spec, List.of(new ColourSpec("blue", List.of(), null), new ColourSpec("green", List.of(), null)), null, "2.0.0",
                null, deadline, 1, 0, true, false);
    }

    @Test
    void switchesTheSelectorAndVerifiesThroughTheEndpoints() throws Exception {
        colours("bg", "api:2.0.0");
        cluster.awaitRolledOut("bg", "api-green", Duration.ofSeconds(20));
        Masker masker = new Masker();
        RecordingLog log = new RecordingLog();
        SwitchPlan plan = plan("bg", "green", 20);
        RouterSpec resolved = plan.router().resolve(secrets(), masker);
        TrafficRouter router = resolved.create("api", new LocalRouterHost(), NO_COMMANDS, log);
        assertThat(router.activeColour()).isEqualTo("blue");

        SwitchResult r = new BlueGreenSwitcher(router, log, masker).switchTo(plan.request(), plan.options());

        assertThat(r.from()).isEqualTo("blue");
        assertThat(r.to()).isEqualTo("green");
        assertThat(r.switched()).isTrue();
        assertThat(cluster.client().services().inNamespace("bg").withName("api").get().getSpec().getSelector())
                .containsEntry("colour", "green").containsEntry("app", "api");
        assertThat(router.activeColour()).isEqualTo("green");
        assertThat(log.text()).contains("kubectl patch service api -n bg selector").contains("endpoints of service api: 2 ready endpoint(s) of green")
                .contains("verified through kubernetes's backends").doesNotContain(cluster.token());
        assertThat(masker.mask(cluster.token())).isEqualTo("****");
        // recorded without the kubeconfig, read back by credentials ID
        assertThat(resolved.recordable().toString()).doesNotContain(cluster.token());
        assertThat(((KubeServiceRouterSpec) resolved.recordable()).connection().kubeconfig()).isNull();
    }

    @Test
    void aColourWhosePodsAreNotReadyIsSwitchedBack() throws Exception {
        colours("bad", "api:never-ready");
        Masker masker = new Masker();
        RecordingLog log = new RecordingLog();
        SwitchPlan plan = plan("bad", "green", 2);
        TrafficRouter router = plan.router().resolve(secrets(), masker).create("api", new LocalRouterHost(), NO_COMMANDS, log);

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, log, masker).switchTo(plan.request(), plan.options()))
                .isInstanceOf(SwitchFailedException.class)
                .hasMessageContaining("green did not verify through kubernetes: the endpoints of service api did not become ready pods of green within 2 s")
                .hasMessageContaining("(green, not ready)")
                .hasMessageContaining("Switched back to blue.")
                .satisfies(e -> assertThat(((SwitchFailedException) e).switchedBack()).isTrue());
        assertThat(cluster.client().services().inNamespace("bad").withName("api").get().getSpec().getSelector()).containsEntry("colour", "blue");
    }

    @Test
    void serversAndAMissingServiceAreRefusedBeforeAnythingChanges() throws Exception {
        KubeServiceRouterSpec spec = KubeServiceRouterSpec.of(UnaryOperator.identity(), "api", null, null, "none", "mock", "kube-cred");
        assertThatThrownBy(() -> SwitchPlan.of("api", "green", spec, List.of(new ColourSpec("green", List.of(new TrafficRouter.Upstream("127.0.0.1", 8002)), null)),
                null, "2.0.0", null, 5, 1, 0, true, false)).isInstanceOf(ParameterException.class).hasMessageContaining("colours[0].servers")
                .hasMessageContaining("servers are given for a Kubernetes Service router");
        assertThatThrownBy(() -> KubeServiceRouterSpec.of(UnaryOperator.identity(), "api", "Api_Svc", null, null, null, null))
                .hasMessageContaining("router.service");
        TrafficRouter router = spec.resolve(secrets(), new Masker()).create("api", new LocalRouterHost(), NO_COMMANDS, new RecordingLog());
        assertThatThrownBy(router::activeColour).isInstanceOf(RouterException.class).hasMessageContaining("service api does not exist in namespace none");
        // nginx and HAProxy still need servers
        NginxRouterSpec nginx = NginxRouterSpec.of("router", "/etc/nginx/conf.d/api.conf", null, List.of(), null);
        assertThatThrownBy(() -> SwitchPlan.of("api", "green", nginx, List.of(new ColourSpec("green", List.of(), null)), "http://127.0.0.1:8080/health", "2.0.0",
                null, 5, 1, 0, true, false)).hasMessageContaining("colours[0].servers").hasMessageContaining("no servers were given");
    }

    @Test
    void kubeconfigOfTheRecordedRouterIsNotKept() {
        KubeConnection c = KubeConnection.of(UnaryOperator.identity(), "kube-cred", "mock", "x").withKubeconfig(cluster.kubeconfig(), new Masker());
        KubeServiceRouterSpec s = new KubeServiceRouterSpec(c, "api", "colour", null);
        assertThat(s.toString()).doesNotContain(cluster.token());
    }
}
