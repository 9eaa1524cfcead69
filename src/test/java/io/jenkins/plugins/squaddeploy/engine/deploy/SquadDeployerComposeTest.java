package io.jenkins.plugins.squaddeploy.engine.deploy;

import static io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed.awaitVersion;
import static io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed.versionOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * squadDeploy on Docker Compose (the compose v1 installed here, docker-compose 1.29; v2 is chosen by the same code
 * when {@code docker compose} answers), host networking, real daemon and sample service.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadDeployerComposeTest {
    static DeployTestbed bed;

    @TempDir
    Path work;

    @BeforeAll
    static void images() {
        bed = new DeployTestbed();
    }

    @AfterAll
    static void cleanUp() {
        bed.close();
    }

    /** A compose file as a team writes it: the image is replaced by squadDeploy's override, the port comes from PORT. */
    private Path composeFile(String service) throws Exception {
        Path f = work.resolve("docker-compose.prod.yml");
        Files.writeString(f, String.join("\n",
                "version: '3.8'",
                "services:",
                "  " + service + ":",
                "    image: squad-sample:1.0.0",
                "    network_mode: host",
                "    environment:",
                "      LOG_LEVEL: \"${LOG_LEVEL:-debug}\"",
                "      RELEASE_IMAGE: \"${SQUAD_IMAGE}\"",
                "    stop_grace_period: 5s",
                ""));
        return f;
    }

    private DeployRequest.Builder compose(String svc, String version, String strategy, String ports, String envFile) throws Exception {
        return DeployRequest.builder().service(svc).environment("test").image(bed.image(version)).strategy(strategy)
                .compose(List.of("docker-compose.prod.yml"), null, envFile, List.of("web")).ports(ports)
                .stateDir("state").labels(DeployTestbed.testLabels()).healthTimeoutSeconds(30).buildUrl("http://jenkins.example/job/shop/8/");
    }

    private String containerOf(String project) {
        List<String> ids = bed.docker.ok(Duration.ofSeconds(20), "ps", "-q", "--no-trunc", "--filter", "label=com.docker.compose.project=" + project).lines().toList();
        assertThat(ids).as("running containers of project " + project).hasSize(1);
        return ids.get(0);
    }

    @Test
    void blueGreenStartsAColourProjectRunsTheMigrationOnceWithComposeExecAndKeepsTheLiveColour() throws Exception {
        String svc = bed.newService();
        composeFileFor(svc);
        Files.writeString(work.resolve(".env.production"), "LOG_LEVEL=warning\n");
        int[] p = DeployTestbed.ports(2);
        String ports = "blue=" + p[0] + ",green=" + p[1];
        RecordingRouter router = new RecordingRouter();
        List<String> markerAtHandover = new ArrayList<>();
        DeployRequest.SwitchSettings verify = new DeployRequest.SwitchSettings(URI.create("http://127.0.0.1:1/health"), "$.version", Duration.ofSeconds(5), 3);
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        List<String> migration = List.of("sh", "-c", "echo \"migrated $VERSION\" >> /tmp/migrations.log");

        bed.deployer(work, log).withHandover(router, router.handover())
                .deploy(compose(svc, "1.0.0", "blueGreen", ports, ".env.production").switchSettings(verify).migration(migration).build());
        assertThat(router.active).isEqualTo("blue");
        assertThat(versionOn(p[0])).isEqualTo("1.0.0");

        router.atHandover = () -> markerAtHandover.add(bed.docker.run(Duration.ofSeconds(20), "exec", containerOf(svc + "-green"),
                "cat", "/tmp/migrations.log").stdout());
        ReleaseRecord r = bed.deployer(work, log).withHandover(router, router.handover())
                .deploy(compose(svc, "2.0.0", "blueGreen", ports, ".env.production").switchSettings(verify).migration(migration).build());
        assertThat(r.colour()).isEqualTo("green");
        assertThat(r.target()).isEqualTo("compose");
        assertThat(r.trafficSwitched()).isTrue();
        assertThat(r.previous().version()).isEqualTo("1.0.0");
        assertThat(markerAtHandover).containsExactly("migrated 2.0.0\n");
        String green = containerOf(svc + "-green");
        assertThat(bed.docker.ok(Duration.ofSeconds(20), "exec", green, "cat", "/tmp/migrations.log")).isEqualTo("migrated 2.0.0");
        assertThat(bed.inspect(green, "{{.State.Health.Status}}")).isEqualTo("healthy");
        assertThat(bed.inspect(green, "{{index .Config.Labels \"io.squad-deploy.version\"}}")).isEqualTo("2.0.0");
        assertThat(bed.inspect(green, "{{.Config.Image}}")).isEqualTo(bed.image("2.0.0"));
        // the variables squadDeploy sets reach the compose file
        assertThat(bed.inspect(green, "{{range .Config.Env}}{{println .}}{{end}}")).contains("RELEASE_IMAGE=" + bed.image("2.0.0"), "PORT=" + p[1], "LOG_LEVEL=warning");
        assertThat(versionOn(p[1])).isEqualTo("2.0.0");
        assertThat(versionOn(p[0])).isEqualTo("1.0.0"); // the old colour keeps running (blueGreenSwitch retires it)
        assertThat(log.text()).contains("docker-compose 1.29").contains("docker-compose -p " + svc + "-green up -d --no-deps --force-recreate web");
        Path override = work.resolve("state").resolve(svc + "-green.compose-override.yml");
        assertThat(override).exists();
        assertThat(Files.readString(override)).contains("\"image\" : \"" + bed.image("2.0.0") + "\"");
        // read back from the target alone
        ReleaseRecord fromLabels = new SquadDeployer(bed.client(), new LocalDeployFiles(null), new DeployTestbed.Lines(), null).currentFromLabels("test", svc);
        assertThat(fromLabels.releaseId()).isEqualTo(r.releaseId());
        assertThat(fromLabels.instances()).singleElement().satisfies(i -> assertThat(i.containerId()).isEqualTo(green));
    }

    private void composeFileFor(String svc) throws Exception {
        Path f = composeFile("web");
        assertThat(f).exists();
    }

    @Test
    void recreateIsTheHotfixQuickSwapWithARollbackTagAndRollsBackWhenTheHotfixIsUnhealthy() throws Exception {
        String svc = bed.newService();
        composeFileFor(svc);
        Files.writeString(work.resolve(".env.ok"), "LOG_LEVEL=info\n");
        int port = DeployTestbed.ports(1)[0];
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        bed.deployer(work, log).deploy(compose(svc, "1.0.0", "recreate", Integer.toString(port), ".env.ok").build());
        assertThat(versionOn(port)).isEqualTo("1.0.0");
        ReleaseRecord two = bed.deployer(work, log).deploy(compose(svc, "2.0.0", "recreate", Integer.toString(port), ".env.ok").build());
        awaitVersion(port, "2.0.0");
        assertThat(two.previous().version()).isEqualTo("1.0.0");
        assertThat(bed.imageId(bed.image("rollback"))).isEqualTo(bed.imageId(bed.image("1.0.0")));
        assertThat(bed.imageId(bed.image("previous"))).isEqualTo(bed.imageId(bed.image("1.0.0")));
        assertThat(bed.inspect(containerOf(svc), "{{index .Config.Labels \"com.docker.compose.service\"}}")).isEqualTo("web");

        assertThatThrownBy(() -> bed.deployer(work, log).deploy(compose(svc, "bad", "recreate", Integer.toString(port), ".env.ok")
                .healthTimeoutSeconds(5).build()))
                .isInstanceOf(DeployException.class).hasMessageContaining("did not become healthy")
                .hasMessageContaining("Rolled back: " + svc + " runs 2.0.0 again (" + bed.image("rollback") + ")");
        awaitVersion(port, "2.0.0");
        assertThat(bed.inspect(containerOf(svc), "{{.Config.Image}}")).isEqualTo(bed.image("rollback"));
        ReleaseStore.State st = new ReleaseStore(new LocalDeployFiles(work), "state/" + svc + ".json").read();
        assertThat(st.current().version()).isEqualTo("2.0.0");
        assertThat(st.lastFailure()).containsEntry("version", "bad");
    }

    @Test
    void rollingRunsOneComposeProjectPerReplicaEachOnItsOwnPort() throws Exception {
        String svc = bed.newService();
        composeFileFor(svc);
        int[] range = DeployTestbed.consecutivePorts(3);
        String ports = range[0] + "-" + range[2];
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        bed.deployer(work, log).deploy(compose(svc, "1.0.0", "rolling", ports, null).replicas(2).build());
        ReleaseRecord two = bed.deployer(work, log).deploy(compose(svc, "2.0.0", "rolling", ports, null).build());
        assertThat(two.instances()).hasSize(2).allSatisfy(i -> assertThat(versionOn(i.port())).isEqualTo("2.0.0"));
        String projects = bed.docker.ok(Duration.ofSeconds(20), "ps", "-a", "--filter", "label=" + Labels.SERVICE + "=" + svc,
                "--format", "{{.Label \"com.docker.compose.project\"}}");
        String rel = two.releaseId().substring(two.releaseId().length() - 6);
        assertThat(projects.lines().sorted().toList()).hasSize(2).allMatch(pr -> pr.startsWith(svc + "-") && pr.endsWith("-" + rel));
    }
}
