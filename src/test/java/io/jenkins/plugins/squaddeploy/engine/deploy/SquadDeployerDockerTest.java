package io.jenkins.plugins.squaddeploy.engine.deploy;

import static io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed.awaitVersion;
import static io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed.versionOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** squadDeploy on plain Docker containers (host networking), against the real daemon and the sample service. */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadDeployerDockerTest {
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

    private Path state() {
        return work.resolve("state");
    }

    @Test
    void blueGreenStartsTheNewColourBesideTheLiveOneAndRecordsTheReleaseOnTheTarget() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        String ports = "blue=" + p[0] + ",green=" + p[1];
        DeployTestbed.Lines log = new DeployTestbed.Lines();

        ReleaseRecord first = bed.deployer(work, log).deploy(bed.docker(svc, "1.0.0", "blueGreen", ports, state()).build());
        assertThat(first.colour()).isEqualTo("blue");
        assertThat(first.trafficSwitched()).isFalse();
        assertThat(versionOn(p[0])).isEqualTo("1.0.0");

        ReleaseRecord second = bed.deployer(work, log).deploy(bed.docker(svc, "2.0.0", "blueGreen", ports, state()).build());
        assertThat(second.colour()).isEqualTo("green");
        assertThat(second.version()).isEqualTo("2.0.0");
        assertThat(second.imageId()).isEqualTo(bed.imageId(bed.image("2.0.0")));
        assertThat(second.previous().version()).isEqualTo("1.0.0");
        assertThat(second.previous().colour()).isEqualTo("blue");
        assertThat(second.instances()).singleElement().satisfies(i -> {
            assertThat(i.name()).isEqualTo(svc + "-green");
            assertThat(i.port()).isEqualTo(p[1]);
        });
        // new colour healthy and serving on its own port; the old colour untouched and still serving
        assertThat(bed.inspect(svc + "-green", "{{.State.Health.Status}}")).isEqualTo("healthy");
        assertThat(versionOn(p[1])).isEqualTo("2.0.0");
        assertThat(versionOn(p[0])).isEqualTo("1.0.0");
        assertThat(bed.isRunning(svc + "-blue")).isTrue();
        // the outgoing image is kept as :previous
        assertThat(bed.imageId(bed.image("previous"))).isEqualTo(bed.imageId(bed.image("1.0.0")));
        // progress lines: n/m healthy, elapsed, health output
        assertThat(log.text()).containsPattern("waiting for 2\\.0\\.0 in green .*: 0/1 healthy, \\d+ s of 30 s; " + svc + "-green: (starting|healthy)");
        assertThat(log.text()).contains("is healthy: 1/1");

        // read back after "the build is gone": fresh objects, from the container labels and the state file only
        DockerClient fresh = new DockerClient(new LocalCommandRunner());
        Map<String, String> labels = new ObjectMapper().readValue(bed.inspect(svc + "-green", "{{json .Config.Labels}}"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
        assertThat(labels).containsEntry(Labels.SERVICE, svc).containsEntry(Labels.ENVIRONMENT, "test").containsEntry(Labels.VERSION, "2.0.0")
                .containsEntry(Labels.COLOUR, "green").containsEntry(Labels.IMAGE_ID, second.imageId()).containsEntry(Labels.STRATEGY, "blueGreen")
                .containsEntry(Labels.BUILD_URL, "http://jenkins.example/job/shop/7/").containsEntry(Labels.PREVIOUS_VERSION, "1.0.0")
                .containsEntry("squad.test", "1");
        ReleaseRecord fromLabels = new SquadDeployer(fresh, new LocalDeployFiles(null), new DeployTestbed.Lines(), null)
                .currentFromLabels("test", svc);
        assertThat(fromLabels.releaseId()).isEqualTo(second.releaseId());
        assertThat(fromLabels.version()).isEqualTo("2.0.0");
        assertThat(fromLabels.colour()).isEqualTo("green");
        assertThat(fromLabels.previous().version()).isEqualTo("1.0.0");
        Path stateFile = state().resolve(svc + ".json");
        assertThat(stateFile).exists();
        ReleaseStore.State st = new ReleaseStore(new LocalDeployFiles(null), stateFile.toString()).read();
        assertThat(st.current().toMap()).isEqualTo(second.toMap());
        assertThat(st.previous().releaseId()).isEqualTo(first.releaseId());
        assertThat(st.history()).extracting(h -> h.get("version")).containsExactly("2.0.0", "1.0.0");
        assertThat(Files.list(state()).map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(".tmp-")).doesNotContain(svc + ".lock.json");

        // both colours run and no router says which is live: a third release refuses, changing nothing
        String before = bed.snapshot();
        assertThatThrownBy(() -> bed.deployer(work, log).deploy(bed.docker(svc, "1.0.0", "blueGreen", ports, state()).build()))
                .isInstanceOf(DeployException.class).hasMessageContaining("cannot tell which colour is live").hasMessageContaining("Nothing was changed");
        assertThat(bed.snapshot()).isEqualTo(before);
    }

    @Test
    void aReleaseThatNeverGetsHealthyNeverGetsTrafficAndTheLiveColourKeepsServing() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        String ports = "blue=" + p[0] + ",green=" + p[1];
        RecordingRouter router = new RecordingRouter();
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        DeployRequest.SwitchSettings verify = new DeployRequest.SwitchSettings(URI.create("http://127.0.0.1:1/health"), "$.version", Duration.ofSeconds(5), 3);
        bed.deployer(work, log).withHandover(router, router.handover())
                .deploy(bed.docker(svc, "1.0.0", "blueGreen", ports, state()).switchSettings(verify).build());
        assertThat(router.active).isEqualTo("blue");
        assertThat(router.handovers).hasSize(1);

        // the live colour is sampled all through the failed release
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                seen.add(versionOn(p[0]));
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        });
        sampler.start();
        DeployRequest bad = bed.docker(svc, "bad", "blueGreen", ports, state()).switchSettings(verify)
                .healthTimeoutSeconds(6).build();
        try {
            assertThatThrownBy(() -> bed.deployer(work, log).withHandover(router, router.handover()).deploy(bad))
                    .isInstanceOf(DeployException.class)
                    .hasMessageContaining("bad in green")
                    .hasMessageContaining("did not become healthy within 6 s")
                    .hasMessageContaining("last check: exit 1")
                    .hasMessageContaining("was stopped and got no traffic")
                    .hasMessageContaining("blue (1.0.0) is untouched and still serving");
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(router.handovers).hasSize(1); // never handed over
        assertThat(router.active).isEqualTo("blue");
        assertThat(bed.isRunning(svc + "-green")).isFalse();
        assertThat(seen).isNotEmpty().containsOnly("1.0.0");
        assertThat(versionOn(p[0])).isEqualTo("1.0.0");
        ReleaseStore.State st = new ReleaseStore(new LocalDeployFiles(null), state().resolve(svc + ".json").toString()).read();
        assertThat(st.current().version()).isEqualTo("1.0.0");
        assertThat(st.lastFailure()).containsEntry("version", "bad");
        assertThat(String.valueOf(st.lastFailure().get("reason"))).contains("did not become healthy");
    }

    @Test
    void theMigrationRunsOnceInTheNewColourBeforeTrafficMoves() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        String ports = "blue=" + p[0] + ",green=" + p[1];
        RecordingRouter router = new RecordingRouter();
        router.active = "blue"; // a live blue that squadDeploy did not start: the router says so
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        List<String> markerAtHandover = new ArrayList<>();
        router.atHandover = () -> markerAtHandover.add(bed.docker.run(Duration.ofSeconds(20), "exec", svc + "-green", "cat", "/tmp/migrations.log").stdout());
        DeployRequest.SwitchSettings verify = new DeployRequest.SwitchSettings(URI.create("http://127.0.0.1:1/health"), "$.version", Duration.ofSeconds(5), 3);
        ReleaseRecord r = bed.deployer(work, log).withHandover(router, router.handover()).deploy(bed.docker(svc, "2.0.0", "blueGreen", ports, state())
                .migration(List.of("sh", "-c", "echo \"migrated $VERSION\" >> /tmp/migrations.log; echo upgraded to head")).switchSettings(verify).build());
        assertThat(r.colour()).isEqualTo("green");
        assertThat(r.trafficSwitched()).isTrue();
        assertThat(markerAtHandover).containsExactly("migrated 2.0.0\n");
        assertThat(router.handovers).singleElement().satisfies(h -> {
            assertThat(h.toColour()).isEqualTo("green");
            assertThat(h.expectedVersion()).isEqualTo("2.0.0");
            assertThat(h.upstreams()).extracting(Object::toString).containsExactly("127.0.0.1:" + p[1]);
        });
        assertThat(bed.docker.ok(Duration.ofSeconds(20), "exec", svc + "-green", "cat", "/tmp/migrations.log")).isEqualTo("migrated 2.0.0");
        assertThat(log.text()).contains("    upgraded to head").contains("running the migration once in " + svc + "-green, before any traffic");

        // a migration that fails: the new colour (blue now) is stopped, nothing is handed over, green keeps serving
        assertThatThrownBy(() -> bed.deployer(work, log).withHandover(router, router.handover()).deploy(bed.docker(svc, "1.0.0", "blueGreen", ports, state())
                .migration(List.of("sh", "-c", "echo 'relation \"users\" already exists' >&2; exit 3")).switchSettings(verify).build()))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("the migration sh -c")
                .hasMessageContaining("(exit 3: relation \"users\" already exists); the database may be partly migrated")
                .hasMessageContaining(svc + "-blue was stopped and got no traffic; green (2.0.0) is untouched and still serving");
        assertThat(router.handovers).hasSize(1);
        assertThat(router.active).isEqualTo("green");
        assertThat(bed.isRunning(svc + "-blue")).isFalse();
        assertThat(versionOn(p[1])).isEqualTo("2.0.0");
    }

    @Test
    void rollingReplacesReplicasOneByOneOnTheirOwnPorts() throws Exception {
        String svc = bed.newService();
        int[] range = DeployTestbed.consecutivePorts(3);
        String ports = range[0] + "-" + range[2];
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        ReleaseRecord one = bed.deployer(work, log).deploy(bed.docker(svc, "1.0.0", "rolling", ports, state()).replicas(2).build());
        assertThat(one.instances()).extracting(ReleaseRecord.Instance::port).containsExactly(range[0], range[1]);
        assertThat(versionOn(range[0])).isEqualTo("1.0.0");
        assertThat(versionOn(range[1])).isEqualTo("1.0.0");

        ReleaseRecord two = bed.deployer(work, log).deploy(bed.docker(svc, "2.0.0", "rolling", ports, state()).build()); // replicas: as many as run
        assertThat(two.instances()).hasSize(2).allSatisfy(i -> assertThat(versionOn(i.port())).isEqualTo("2.0.0"));
        assertThat(two.previous().version()).isEqualTo("1.0.0");
        assertThat(bed.imageId(bed.image("previous"))).isEqualTo(bed.imageId(bed.image("1.0.0")));
        assertThat(new SquadDeployer(bed.client(), new LocalDeployFiles(null), new DeployTestbed.Lines(), null).currentFromLabels("test", svc).version())
                .isEqualTo("2.0.0");
        // only the new replicas are left; the order was start new, healthy, retire old, one by one
        String ps = bed.docker.ok(Duration.ofSeconds(20), "ps", "-a", "--filter", "label=" + Labels.SERVICE + "=" + svc, "--format", "{{.Names}}");
        assertThat(ps.lines().toList()).hasSize(2).allMatch(n -> n.endsWith(two.releaseId().substring(two.releaseId().length() - 6)));
        String text = log.text().substring(log.text().indexOf("2.0.0 (" + bed.image("2.0.0") + ") by rolling"));
        int start2 = text.indexOf("starting replica 2/2");
        assertThat(text.indexOf("retired old replica 1/2")).isGreaterThan(text.indexOf("replica 1/2 (")).isLessThan(start2);
        assertThat(text.lastIndexOf("retired old replica 2/2")).isGreaterThan(start2);

        // a replica that never gets healthy: undone, the old replicas keep serving
        assertThatThrownBy(() -> bed.deployer(work, log).deploy(bed.docker(svc, "bad", "rolling", ports, state())
                .healthTimeoutSeconds(5).build()))
                .isInstanceOf(DeployException.class).hasMessageContaining("replica 1/2").hasMessageContaining("was undone");
        assertThat(two.instances()).allSatisfy(i -> assertThat(versionOn(i.port())).isEqualTo("2.0.0"));
    }

    @Test
    void recreateKeepsTheRunningImageAsRollbackAndPutsItBackWhenTheHotfixFails() throws Exception {
        String svc = bed.newService();
        int port = DeployTestbed.ports(1)[0];
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        bed.deployer(work, log).deploy(bed.docker(svc, "1.0.0", "recreate", Integer.toString(port), state()).build());
        assertThat(versionOn(port)).isEqualTo("1.0.0");
        ReleaseRecord two = bed.deployer(work, log).deploy(bed.docker(svc, "2.0.0", "recreate", Integer.toString(port), state()).build());
        assertThat(two.instances()).singleElement().satisfies(i -> assertThat(i.name()).isEqualTo(svc));
        awaitVersion(port, "2.0.0");
        assertThat(bed.imageId(bed.image("rollback"))).isEqualTo(bed.imageId(bed.image("1.0.0")));
        assertThat(bed.imageId(bed.image("previous"))).isEqualTo(bed.imageId(bed.image("1.0.0")));
        assertThat(log.text()).contains("as " + bed.image("rollback"));

        assertThatThrownBy(() -> bed.deployer(work, log).deploy(bed.docker(svc, "bad", "recreate", Integer.toString(port), state())
                .healthTimeoutSeconds(5).build()))
                .isInstanceOf(DeployException.class).hasMessageContaining("did not become healthy").hasMessageContaining("Rolled back: " + svc + " runs 2.0.0 again");
        awaitVersion(port, "2.0.0");
        assertThat(bed.imageId(bed.image("rollback"))).isEqualTo(bed.imageId(bed.image("2.0.0")));
        assertThat(bed.docker.ok(Duration.ofSeconds(20), "ps", "-a", "--filter", "name=" + svc, "--format", "{{.Names}}").lines().toList()).containsExactly(svc);
    }

    @Test
    void anImageBuiltOnTheDockerHostIsReleasedAndRecordedByItsId() throws Exception {
        String svc = bed.newService();
        int port = DeployTestbed.ports(1)[0];
        Files.createDirectories(work.resolve("app"));
        Files.writeString(work.resolve("app/Dockerfile"), "FROM " + bed.image("2.0.0") + "\nARG GIT_COMMIT\nLABEL built.from=$GIT_COMMIT\n");
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        ReleaseRecord r = bed.deployer(work, log).deploy(bed.docker(svc, "2.1.0", "recreate", Integer.toString(port), state())
                .imageSource("build").buildContext("app").buildArgs(List.of("GIT_COMMIT=3fa9c1e")).build());
        String built = bed.imageId(bed.image("2.1.0"));
        assertThat(r.imageId()).isEqualTo(built).isNotEqualTo(bed.imageId(bed.image("2.0.0")));
        assertThat(r.digest()).isNull(); // built here, never pushed: no registry digest
        assertThat(r.version()).isEqualTo("2.1.0");
        assertThat(bed.docker.ok(Duration.ofSeconds(20), "image", "inspect", "-f", "{{index .Config.Labels \"built.from\"}}", built)).isEqualTo("3fa9c1e");
        assertThat(bed.inspect(svc, "{{.Image}}")).isEqualTo(built);
        assertThat(log.text()).contains("docker build -t " + bed.image("2.1.0") + " " + work.resolve("app"));
    }

    @Test
    void anAbortedDeployStopsTheNewColourLeavesTheLiveOneAndFreesTheLock() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        String ports = "blue=" + p[0] + ",green=" + p[1];
        bed.deployer(work, new DeployTestbed.Lines()).deploy(bed.docker(svc, "1.0.0", "blueGreen", ports, state()).build());
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        Throwable[] outcome = new Throwable[1];
        Thread build = new Thread(() -> {
            try {
                bed.deployer(work, log).deploy(bed.docker(svc, "bad", "blueGreen", ports, state()).healthTimeoutSeconds(60).build());
            } catch (Throwable t) {
                outcome[0] = t;
            }
        });
        build.start();
        io.jenkins.plugins.squaddeploy.testbed.Poll.until("the deploy to wait for health", Duration.ofSeconds(30),
                () -> log.text().contains("waiting for bad in green"));
        build.interrupt(); // what stopping the Jenkins step does to its background thread
        build.join(30_000);
        assertThat(build.isAlive()).isFalse();
        assertThat(outcome[0]).isInstanceOf(InterruptedException.class);
        assertThat(bed.isRunning(svc + "-green")).isFalse();
        assertThat(versionOn(p[0])).isEqualTo("1.0.0");
        assertThat(state().resolve(svc + ".lock.json")).doesNotExist();
        // the next deploy is not blocked and finds blue live
        ReleaseRecord next = bed.deployer(work, new DeployTestbed.Lines()).deploy(bed.docker(svc, "2.0.0", "blueGreen", ports, state())
                .lockTimeoutSeconds(0).build());
        assertThat(next.colour()).isEqualTo("green");
        assertThat(next.previous().version()).isEqualTo("1.0.0");
    }
}
