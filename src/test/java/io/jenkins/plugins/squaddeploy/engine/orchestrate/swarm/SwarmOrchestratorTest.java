package io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRollback;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.rollback.Deployment;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackOptions;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackReport;
import io.jenkins.plugins.squaddeploy.engine.rollback.Rollbacker;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.SwarmFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Swarm target against a REAL single-node swarm on this machine's dockerd (host networking, services bound to
 * 127.0.0.1): Swarm performs every rolling update and rollback; these tests check what squadDeploy makes of it.
 * Multi-node behaviour (tasks on other nodes, node drains) is not proven here.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class SwarmOrchestratorTest {
    static final String V1 = "6.1.0";
    static final String V2 = "6.1.1";
    static final String V3 = "6.1.2";
    static SwarmFixture swarm;
    static String good1;
    static String good2;
    static String bad2;
    static String good3;

    final List<String> lines = new CopyOnWriteArrayList<>();
    final ConsoleLog log = new ConsoleLog() {
        @Override
        public void info(String line) {
            lines.add(line);
        }

        @Override
        public void warn(String line) {
            lines.add("WARN " + line);
        }
    };

    @TempDir
    Path tmp;

    @BeforeAll
    static void images() {
        swarm = new SwarmFixture();
        good1 = SampleServiceImage.ensure(swarm.docker, V1);
        good2 = SampleServiceImage.ensure(swarm.docker, V2);
        bad2 = SwarmFixture.badImage(swarm.docker, V2);
        good3 = SampleServiceImage.ensure(swarm.docker, V3);
    }

    @AfterAll
    static void cleanUp() {
        swarm.close();
    }

    SwarmOrchestrator orchestrator(Map<String, Object> target) {
        return new SwarmOrchestrator(SwarmSpec.of(target, "target"), new OrchestratorContext(new LocalCommandRunner(), log, new Masker(), null))
                .pollEvery(250, 2000);
    }

    static OrchestratedRequest request(String image, List<String> images, Object target) {
        return OrchestratedRequest.of("shop", "test", image, null, images, null, 90, "http://ci/job/shop/1/", (SwarmSpec) target);
    }

    static String versionOn(int port) {
        try {
            Http.Response r = Http.get("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(2));
            Matcher m = Pattern.compile("\"version\":\"([^\"]+)\"").matcher(r.body());
            return m.find() ? m.group(1) : "status " + r.status();
        } catch (Exception e) {
            return "down: " + e.getMessage();
        }
    }

    static void awaitVersion(int port, String version) {
        Poll.until("127.0.0.1:" + port + " serving " + version, Duration.ofSeconds(30), () -> version.equals(versionOn(port)));
    }

    @Test
    void goodReleaseConvergesAndAutoRollbackPutsThePreviousImageBack() throws Exception {
        int port = FreePorts.next();
        String svc = swarm.createService(swarm.newName("api"), good1, port);
        Map<String, Object> target = Map.of("services", List.of(svc), "updateParallelism", 1, "updateDelay", "0s", "updateMonitor", "1s",
                "maxFailureRatio", "0");
        SwarmOrchestrator o = orchestrator(target);

        OrchestratedRelease rel = o.deploy(request(good2, null, SwarmSpec.of(target, "target")));
        assertThat(rel.version()).isEqualTo(V2);
        assertThat(rel.kind()).isEqualTo("swarm");
        assertThat(rel.unit(svc).image()).isEqualTo(good2);
        assertThat(rel.unit(svc).previousImage()).isEqualTo(good1);
        assertThat(rel.unit(svc).changed()).isTrue();
        assertThat(versionOn(port)).isEqualTo(V2);
        assertThat(String.join("\n", lines)).contains("docker service update --detach --no-resolve-image --image " + good2
                        + " --update-failure-action rollback --update-parallelism 1 --update-delay 0s --update-monitor 1s --update-max-failure-ratio 0.0 " + svc)
                .contains(svc + " converged on " + V2);

        // autoRollback through the build record, as the step does it
        Deployment recorded = Deployment.fromMap(new Deployment.Orchestrated(rel, Instant.now()).toMap());
        Rollbacker rollbacker = new Rollbacker(null, null, null, new LocalCommandRunner(), log, new Masker());
        RollbackReport r = rollbacker.rollBack(List.of(recorded), null, RollbackOptions.defaults());
        assertThat(r.status()).as(String.join("\n", lines)).isEqualTo(RollbackReport.Status.ROLLED_BACK);
        assertThat(r.units().get(0).action()).contains("docker service rollback " + svc).contains(svc + " on " + good1 + ", converged");
        assertThat(r.units().get(0).toVersion()).isEqualTo(V1);
        assertThat(swarm.specImage(svc)).isEqualTo(good1);
        awaitVersion(port, V1);

        // a second call changes nothing
        long version = swarm.specVersion(svc);
        RollbackReport again = rollbacker.rollBack(List.of(recorded), null, RollbackOptions.defaults());
        assertThat(again.status()).isEqualTo(RollbackReport.Status.ALREADY_ROLLED_BACK);
        assertThat(swarm.specVersion(svc)).isEqualTo(version);

        // releasing again right after a rollback: the new release is judged by its own update, never by the rollback's
        // UpdateStatus (rollback_completed), which must not be taken for a rollback of the new release
        OrchestratedRelease again2 = o.deploy(request(good2, null, SwarmSpec.of(target, "target")));
        assertThat(again2.unit(svc).previousImage()).isEqualTo(good1);
        awaitVersion(port, V2);

        // two releases in one build (V2, then V3): autoRollback goes back to what ran before the first (V1), which is not
        // Swarm's previous spec (V2), so it runs docker service update --image instead of docker service rollback
        OrchestratedRelease third = o.deploy(request(good3, null, SwarmSpec.of(target, "target")));
        assertThat(third.unit(svc).previousImage()).isEqualTo(good2);
        lines.clear();
        RollbackReport both = rollbacker.rollBack(List.of(new Deployment.Orchestrated(again2, Instant.now()), new Deployment.Orchestrated(third, Instant.now())),
                null, RollbackOptions.defaults());
        assertThat(both.status()).as(String.join("\n", lines)).isEqualTo(RollbackReport.Status.ROLLED_BACK);
        assertThat(both.units()).hasSize(1);
        assertThat(both.units().get(0).action()).contains("docker service update --image " + good1 + " " + svc).contains(svc + " on " + good1 + ", converged");
        assertThat(both.units().get(0).fromVersion()).isEqualTo(V3);
        assertThat(both.units().get(0).toVersion()).isEqualTo(V1);
        awaitVersion(port, V1);
    }

    @Test
    void badReleaseIsRolledBackBySwarmTheDeployFailsNamingItAndTheOtherServiceGoesBackToo() throws Exception {
        int port = FreePorts.next();
        int workerPort = FreePorts.next();
        String svc = swarm.createService(swarm.newName("api"), good1, port);
        String worker = swarm.createService(swarm.newName("worker"), good1, workerPort);
        Map<String, Object> target = Map.of("services", List.of(svc, worker), "updateMonitor", "1s");
        SwarmOrchestrator o = orchestrator(target);

        // svc gets the good new image, worker (images:) one that never becomes healthy
        assertThatThrownBy(() -> o.deploy(request(good2, List.of(worker + "=" + bad2), SwarmSpec.of(target, "target"))))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Swarm rolled back " + worker + " by itself (UpdateStatus rollback_completed")
                .hasMessageContaining("A rollback Swarm performed by itself is a failed deploy")
                .hasMessageContaining("all-or-nothing: rolled back " + svc + " (to " + good1 + "), converged");
        assertThat(String.join("\n", lines)).containsPattern("rolling update, attempt \\d+, \\d+ s: waiting for .*" + worker + ": .*");
        assertThat(swarm.specImage(svc)).isEqualTo(good1);
        assertThat(swarm.specImage(worker)).isEqualTo(good1);
        assertThat(versionOn(port)).isEqualTo(V1);
        assertThat(versionOn(workerPort)).isEqualTo(V1);

        // the release that Swarm took back leaves nothing for squad rollback to do (Swarm dropped its previous spec)
        Map<String, Object> workerOnly = Map.of("services", List.of(worker));
        assertThat(orchestrator(workerOnly).current("shop", "test").changedUnits()).isEmpty();
    }

    @Test
    void oneFailedServiceOfAStackRollsBackEveryServiceTheDeployChanged() throws Exception {
        String stack = swarm.stack(swarm.newName("st"));
        int apiPort = FreePorts.next();
        int workerPort = FreePorts.next();
        // api gets ${IMAGE}; worker is squad-swarm-worker:${VERSION}: good for V1, never ready for V2
        SwarmFixture.tag(swarm.docker, good1, "squad-swarm-worker:" + V1);
        SwarmFixture.tag(swarm.docker, bad2, "squad-swarm-worker:" + V2);
        Path file = tmp.resolve("stack.yml");
        Files.writeString(file, String.join("\n",
                "version: '3.8'",
                "services:",
                "  api:",
                "    image: ${IMAGE}",
                "    environment: {PORT: '" + apiPort + "'}",
                "    networks: [hostnet]",
                "    deploy:",
                "      update_config: {parallelism: 1, delay: 0s, monitor: 2s, failure_action: rollback}",
                "      rollback_config: {monitor: 1s}",
                "  worker:",
                "    image: squad-swarm-worker:${VERSION}",
                "    environment: {PORT: '" + workerPort + "'}",
                "    networks: [hostnet]",
                "    deploy:",
                "      update_config: {parallelism: 1, delay: 0s, monitor: 1s, failure_action: rollback}",
                "      rollback_config: {monitor: 1s}",
                "networks:",
                "  hostnet: {external: true, name: host}",
                ""));
        Map<String, Object> target = Map.of("stackFile", file.toString(), "stack", stack);
        SwarmOrchestrator o = orchestrator(target);
        OrchestratedRelease first = o.deploy(request(good1, null, SwarmSpec.of(target, "target")));
        assertThat(first.changedUnits()).extracting(OrchestratedRelease.Unit::name).containsExactly(stack + "_api", stack + "_worker");
        assertThat(first.unit(stack + "_api").previousImage()).isNull();
        awaitVersion(apiPort, V1);
        awaitVersion(workerPort, V1);

        lines.clear();
        assertThatThrownBy(() -> o.deploy(request(good2, null, SwarmSpec.of(target, "target"))))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Swarm rolled back " + stack + "_worker by itself")
                .hasMessageContaining("all-or-nothing: rolled back " + stack + "_api (to " + good1 + "), converged");
        assertThat(String.join("\n", lines)).contains("docker stack deploy --resolve-image never -c " + file + " " + stack)
                .contains("stack " + stack + ": changed " + stack + "_api, " + stack + "_worker");
        assertThat(swarm.specImage(stack + "_api")).isEqualTo(good1);
        assertThat(swarm.specImage(stack + "_worker")).isEqualTo("squad-swarm-worker:" + V1);
        awaitVersion(apiPort, V1);
        awaitVersion(workerPort, V1);
    }

    /** {@code Spec.TaskTemplate.ContainerSpec.Env} of the service's current spec. */
    static String specEnv(String service) {
        return swarm.docker.ok(Duration.ofSeconds(30), "service", "inspect", service, "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}");
    }

    @Test
    void aServiceWhoseSpecChangedWithoutANewImageIsRolledBackTooByAutoRollbackAndByTheStackLevelRollback() throws Exception {
        String stack = swarm.stack(swarm.newName("cf"));
        int apiPort = FreePorts.next();
        int workerPort = FreePorts.next();
        // the worker's image never changes; the stack deploy changes only its environment (RELEASE=${VERSION})
        String workerImage = SwarmFixture.tag(swarm.docker, good1, "squad-swarm-fixed:1");
        Path file = tmp.resolve("stack.yml");
        Files.writeString(file, String.join("\n",
                "version: '3.8'",
                "services:",
                "  api:",
                "    image: ${IMAGE}",
                "    environment: {PORT: '" + apiPort + "', RELEASE: '${VERSION}'}",
                "    networks: [hostnet]",
                "    deploy:",
                "      update_config: {parallelism: 1, delay: 0s, monitor: 2s, failure_action: rollback}",
                "      rollback_config: {monitor: 1s}",
                "  worker:",
                "    image: " + workerImage,
                "    environment: {PORT: '" + workerPort + "', RELEASE: '${VERSION}'}",
                "    networks: [hostnet]",
                "    deploy:",
                "      update_config: {parallelism: 1, delay: 0s, monitor: 1s, failure_action: rollback}",
                "      rollback_config: {monitor: 1s}",
                "networks:",
                "  hostnet: {external: true, name: host}",
                ""));
        Map<String, Object> target = Map.of("stackFile", file.toString(), "stack", stack);
        SwarmOrchestrator o = orchestrator(target);
        String api = stack + "_api";
        String worker = stack + "_worker";
        o.deploy(request(good1, null, SwarmSpec.of(target, "target")));
        awaitVersion(apiPort, V1);
        assertThat(specEnv(worker)).contains("RELEASE=" + V1);

        // a good release: the worker's spec changes, its image does not; autoRollback puts its whole spec back
        OrchestratedRelease second = o.deploy(request(good2, null, SwarmSpec.of(target, "target")));
        assertThat(second.unit(worker).changed()).isTrue();
        assertThat(second.unit(worker).image()).isEqualTo(second.unit(worker).previousImage());
        assertThat(specEnv(worker)).contains("RELEASE=" + V2);
        lines.clear();
        Rollbacker rollbacker = new Rollbacker(null, null, null, new LocalCommandRunner(), log, new Masker());
        RollbackReport r = rollbacker.rollBack(List.of(new Deployment.Orchestrated(second, Instant.now())), null, RollbackOptions.defaults());
        assertThat(r.status()).as(String.join("\n", lines)).isEqualTo(RollbackReport.Status.ROLLED_BACK);
        assertThat(String.join("\n", lines)).contains("docker service rollback --detach " + worker);
        assertThat(specEnv(worker)).as("the worker's environment after autoRollback").contains("RELEASE=" + V1).doesNotContain("RELEASE=" + V2);
        assertThat(swarm.specImage(api)).isEqualTo(good1);
        awaitVersion(apiPort, V1);

        // a bad release: Swarm rolls the api back by itself; all-or-nothing puts the worker's spec back, though its image is the same
        lines.clear();
        Throwable failed = org.assertj.core.api.Assertions.catchThrowable(() -> o.deploy(request(bad2, null, SwarmSpec.of(target, "target"))));
        assertThat(failed).as(String.join("\n", lines))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Swarm rolled back " + api + " by itself")
                .hasMessageContaining("all-or-nothing: rolled back " + worker + " (to " + workerImage + "), converged");
        assertThat(String.join("\n", lines)).contains("stack " + stack + ": changed " + api + ", " + worker)
                .contains("squadDeploy: swarm: docker service rollback --detach " + worker);
        assertThat(specEnv(worker)).as("the worker's environment after the failed release").contains("RELEASE=" + V1).doesNotContain("RELEASE=" + V2);
        assertThat(swarm.specImage(api)).isEqualTo(good1);
        awaitVersion(apiPort, V1);
        awaitVersion(workerPort, V1);
    }

    @Test
    void badParametersAndMissingServicesChangeNothing() throws Exception {
        int port = FreePorts.next();
        String svc = swarm.createService(swarm.newName("api"), good1, port);
        long version = swarm.specVersion(svc);
        Map<String, Object> target = Map.of("services", List.of(svc));
        SwarmSpec spec = SwarmSpec.of(target, "target");
        SwarmOrchestrator o = orchestrator(target);
        assertThatThrownBy(() -> o.deploy(OrchestratedRequest.of("shop", "test", good2, null, null, "blueGreen", 60, null, spec)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'strategy'").hasMessageContaining("'rolling'");
        assertThatThrownBy(() -> o.deploy(request(good2, List.of("other=" + good2), spec)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'images'").hasMessageContaining("service=image for services of swarmTarget");
        Map<String, Object> missing = Map.of("services", List.of(svc, svc + "-nope"));
        assertThatThrownBy(() -> orchestrator(missing).deploy(request(good2, null, SwarmSpec.of(missing, "target"))))
                .isInstanceOf(DeployException.class).hasMessageContaining("swarm service " + svc + "-nope does not exist; nothing was changed");
        assertThat(swarm.specVersion(svc)).isEqualTo(version);
        assertThat(swarm.specImage(svc)).isEqualTo(good1);
        assertThat(versionOn(port)).isEqualTo(V1);
    }

    static <K, V> Map<K, V> ordered(Map<K, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
