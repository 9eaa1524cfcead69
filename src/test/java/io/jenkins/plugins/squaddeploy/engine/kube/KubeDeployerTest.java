package io.jenkins.plugins.squaddeploy.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.testbed.KubeMockCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rolling releases, the failure paths and undo against fabric8's mock API server (CRUD mode) with the test-side
 * controller emulation of {@link KubeMockCluster} — not a real cluster. Each test uses its own namespace.
 */
class KubeDeployerTest {
    static KubeMockCluster cluster;
    static final RolloutWatch.Timing FAST = new RolloutWatch.Timing(Duration.ofMillis(50), Duration.ofMillis(300));

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

    /** Console lines, masked as the step's console is. */
    static final class Lines implements ConsoleLog {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final Masker masker;

        Lines(Masker masker) {
            this.masker = masker;
        }

        @Override
        public void info(String line) {
            lines.add(masker.mask(line));
        }

        @Override
        public void warn(String line) {
            lines.add("WARNING: " + masker.mask(line));
        }

        String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    static KubeConnection connection(String ns, Masker masker) {
        return KubeConnection.of(UnaryOperator.identity(), "kube-cred", "mock", ns).withKubeconfig(cluster.kubeconfig(), masker);
    }

    @Test
    void rollingSetsTheImageWaitsForTheRolloutAndRecordsThePreviousRevision() throws Exception {
        cluster.deployment("roll", "api", "api", "api:1.0.0", 3, Map.of(), null);
        Masker masker = new Masker();
        Lines log = new Lines(masker);
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("roll", masker)), log, masker, FAST);

        KubeRelease r = d.rolling(KubeDeployer.Request.of("api", "production", List.of(), null, "api:2.0.0", "2.0.0", 30, true, "build 7"));

        assertThat(cluster.podImages("roll", "api")).containsExactly("api:2.0.0", "api:2.0.0", "api:2.0.0");
        assertThat(r.deployments()).containsExactly(new KubeRelease.Item("api", "api", "1", "api:1.0.0", "2", "api:2.0.0"));
        assertThat(cluster.client().apps().deployments().inNamespace("roll").withName("api").get().getMetadata().getAnnotations())
                .containsEntry("kubernetes.io/change-cause", "build 7");
        assertThat(log.text()).contains("kubectl set image deployment/api api=api:2.0.0 -n roll")
                .contains("waiting for deployment api to roll out api:2.0.0")
                .contains("deployment api successfully rolled out: 3 of 3 replicas run api:2.0.0 (revision 2)")
                .doesNotContain(cluster.token());
        assertThat(KubeRelease.fromMap(r.toMap())).isEqualTo(r);
        assertThat(r.toMap().toString()).doesNotContain(cluster.token()).contains("credentialsId=kube-cred");
    }

    @Test
    void severalDeploymentsRollOutTogether() throws Exception {
        cluster.deployment("multi", "auth-service", "auth", "auth:1", 2, Map.of(), null);
        cluster.deployment("multi", "user-service", "user", "user:1", 2, Map.of(), null);
        Masker masker = new Masker();
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("multi", masker)), new Lines(masker), masker, FAST);

        assertThatThrownBy(() -> d.rolling(KubeDeployer.Request.of("api", "production", List.of("auth-service", "user-service"), "api", "api:2", null, 30, true, null)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("target.container").hasMessageContaining("auth-service has no container api");

        KubeRelease r = d.rolling(KubeDeployer.Request.of("api", "production", List.of("auth-service"), null, "auth:2", null, 30, true, null));
        assertThat(r.deployments().get(0).previousImage()).isEqualTo("auth:1");
        assertThat(cluster.podImages("multi", "auth-service")).containsOnly("auth:2");
        assertThat(cluster.podImages("multi", "user-service")).containsOnly("user:1");

        // two Deployments of one image (an API and its worker): both roll out, each with its own previous image
        KubeRelease both = d.rolling(KubeDeployer.Request.of("api", "production", List.of("auth-service", "user-service"), null, "shared:3", null, 30, true, null));
        assertThat(both.deployments()).hasSize(2);
        assertThat(both.deployments().get(0).previousImage()).isEqualTo("auth:2");
        assertThat(both.deployments().get(1).previousImage()).isEqualTo("user:1");
        assertThat(cluster.podImages("multi", "auth-service")).containsOnly("shared:3");
        assertThat(cluster.podImages("multi", "user-service")).containsOnly("shared:3");
    }

    @Test
    void aMissingDeploymentChangesNothing() {
        Masker masker = new Masker();
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("empty", masker)), new Lines(masker), masker, FAST);
        assertThatThrownBy(() -> d.rolling(KubeDeployer.Request.of("api", "production", List.of("nope"), null, "api:2", null, 30, true, null)))
                .isInstanceOf(DeployException.class).hasMessageContaining("deployment nope does not exist in namespace empty").hasMessageContaining("nothing was changed");
    }

    @Test
    void progressDeadlineExceededFailsTheReleaseAndUndoesIt() throws Exception {
        cluster.deployment("deadline", "api", "api", "api:1.0.0", 2, Map.of(), 1);
        cluster.failImage("api:2.1.0-never-ready", KubeMockCluster.Failure.NEVER_READY);
        Masker masker = new Masker();
        Lines log = new Lines(masker);
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("deadline", masker)), log, masker, FAST);

        assertThatThrownBy(() -> d.rolling(KubeDeployer.Request.of("api", "production", List.of(), null, "api:2.1.0-never-ready", null, 30, true, null)))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("deployment api exceeded its progress deadline")
                .hasMessageContaining("has timed out progressing")
                .hasMessageContaining("Undone: api back to revision 1 (api:1.0.0)");
        assertThat(cluster.podImages("deadline", "api")).containsExactly("api:1.0.0", "api:1.0.0");
        assertThat(log.text()).contains("kubectl rollout undo deployment/api --to-revision=1 -n deadline");
    }

    @Test
    void imagePullBackOffFailsAtOnceAndIsUndone() throws Exception {
        cluster.deployment("pull", "api", "api", "api:1.0.0", 2, Map.of(), 600);
        cluster.failImage("registry.example/api:9.9.9", KubeMockCluster.Failure.IMAGE_PULL_BACK_OFF);
        Masker masker = new Masker();
        Lines log = new Lines(masker);
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("pull", masker)), log, masker, FAST);

        assertThatThrownBy(() -> d.rolling(KubeDeployer.Request.of("api", "production", List.of(), null, "registry.example/api:9.9.9", null, 30, true, null)))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("the new pods cannot pull registry.example/api:9.9.9")
                .hasMessageContaining("ImagePullBackOff (Back-off pulling image \"registry.example/api:9.9.9\")")
                .hasMessageContaining("Undone: api back to revision 1 (api:1.0.0)");
        assertThat(cluster.podImages("pull", "api")).containsOnly("api:1.0.0");
    }

    @Test
    void withoutUndoOnFailureTheFailedRolloutIsLeftAsItIs() throws Exception {
        cluster.deployment("keep", "api", "api", "api:1.0.0", 1, Map.of(), 600);
        cluster.failImage("api:bad-keep", KubeMockCluster.Failure.IMAGE_PULL_BACK_OFF);
        Masker masker = new Masker();
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("keep", masker)), new Lines(masker), masker, FAST);
        assertThatThrownBy(() -> d.rolling(KubeDeployer.Request.of("api", "production", List.of(), null, "api:bad-keep", null, 30, false, null)))
                .isInstanceOf(DeployException.class).hasMessageContaining("cannot pull api:bad-keep").hasMessageNotContaining("Undone");
        assertThat(cluster.podImages("keep", "api")).contains("api:1.0.0", "api:bad-keep");
    }

    @Test
    void undoPutsTheRecordedRevisionBackLikeKubectlRolloutUndo() throws Exception {
        cluster.deployment("undo", "api", "api", "api:1.0.0", 2, Map.of(), null);
        Masker masker = new Masker();
        Lines log = new Lines(masker);
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("undo", masker)), log, masker, FAST);
        KubeRelease r = d.rolling(KubeDeployer.Request.of("api", "production", List.of(), null, "api:2.0.0", null, 30, true, null));

        List<String> done = d.undo(KubeRelease.fromMap(r.toMap()), Duration.ofSeconds(30));

        assertThat(done).containsExactly("api: back to revision 1 (api:1.0.0)");
        assertThat(cluster.podImages("undo", "api")).containsExactly("api:1.0.0", "api:1.0.0");
        // as with kubectl: the old ReplicaSet's template is back, under a new revision number; no third ReplicaSet was made
        List<ReplicaSet> rss = cluster.client().apps().replicaSets().inNamespace("undo").list().getItems();
        assertThat(rss).hasSize(2);
        assertThat(cluster.client().apps().deployments().inNamespace("undo").withName("api").get().getMetadata().getAnnotations())
                .containsEntry(KubeOps.REVISION, "3");
        assertThat(log.text()).contains("autoRollback: kubectl rollout undo deployment/api --to-revision=1 -n undo (api:1.0.0)")
                .contains("autoRollback: deployment api successfully rolled out: 2 of 2 replicas run api:1.0.0 (revision 3)");
    }

    @Test
    void undoToARevisionThatIsGoneSaysSo() throws Exception {
        cluster.deployment("gone", "api", "api", "api:1.0.0", 1, Map.of(), null);
        Masker masker = new Masker();
        KubeDeployer d = new KubeDeployer(new LocalKubeApi(connection("gone", masker)), new Lines(masker), masker, FAST);
        KubeRelease fake = new KubeRelease("api", "production", connection("gone", masker), "api:2", null,
                List.of(new KubeRelease.Item("api", "api", "41", "api:0.1", "42", "api:2")), java.time.Instant.now());
        assertThatThrownBy(() -> d.undo(fake, Duration.ofSeconds(10))).hasMessageContaining("has no ReplicaSet with revision 41 any more")
                .hasMessageContaining("revisionHistoryLimit");
        assertThat(cluster.podImages("gone", "api")).containsExactly("api:1.0.0");
    }
}
