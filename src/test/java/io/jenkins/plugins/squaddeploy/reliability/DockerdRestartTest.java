package io.jenkins.plugins.squaddeploy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.engine.deploy.DeployLock;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PrivateDockerd;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * dockerd restarted mid-deploy, on a private Docker daemon of this test ({@link PrivateDockerd}: own socket, data root,
 * exec root and containerd), so the machine's shared daemon is never touched. {@code squad deploy} runs as its own
 * process with {@code DOCKER_HOST} pointing at the private daemon: 1.0.0 is released blue-green behind a real nginx,
 * then 2.0.0 is started with a slow start ({@code START_DELAY_S}) and the daemon is restarted (SIGTERM, start again on
 * the same directories) while the deploy waits for 2.0.0's health. What a user needs afterwards: the deploy ended by
 * itself, failed with a message naming the Docker daemon and what to do (or succeeded); the lock is free; the router
 * names exactly one colour, the one the release record names; a re-run converges to 2.0.0 serving.
 */
@Timeout(240)
@ExtendWith(TestbedExtension.class)
class DockerdRestartTest {
    static final String V1 = SampleServiceImage.REPOSITORY + ":1.0.0";
    static final String V2 = SampleServiceImage.REPOSITORY + ":2.0.0";
    static PrivateDockerd dockerd;
    static DeployTestbed bed;
    static RollbackBed env;
    static Path logs;

    @BeforeAll
    static void start() {
        DockerFixture shared = DockerFixture.get();
        SampleServiceImage.ensure(shared, "1.0.0");
        SampleServiceImage.ensure(shared, "2.0.0");
        dockerd = PrivateDockerd.start(Duration.ofSeconds(60));
        dockerd.loadFromShared(V1);
        dockerd.loadFromShared(V2);
        bed = new DeployTestbed();
        env = RollbackBed.create(bed, true);
        logs = Testbed.newWorkDir("dockerd-restart");
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
        if (bed != null) {
            bed.close();
        }
        if (dockerd != null) {
            dockerd.close();
        }
        Testbed.deleteRecursively(logs);
    }

    static List<String> deployArgs(String image, int build, int startDelay) {
        return deployArgs(image, build, startDelay, 40);
    }

    static List<String> deployArgs(String image, int build, int startDelay, int healthTimeout) {
        List<String> a = new ArrayList<>(List.of("deploy", "--service", env.service, "--image", image, "--environment", "test", "--docker",
                "--env", "START_DELAY_S=" + startDelay, "--ports", env.ports(), "--keep-old-colour", "--state-dir", env.stateDir.toString(), "--health-timeout", Integer.toString(healthTimeout),
                "--lock-timeout", "30", "--build-url", "http://ci.example/job/shop/" + build + "/", "--router", "nginx", "--nginx-config",
                env.upstream.toString(), "--nginx", env.routerSpec.argv().get(0), "--public-url", env.publicUrl().toString(), "--samples", "3"));
        for (String arg : env.routerSpec.argv().subList(1, env.routerSpec.argv().size())) {
            a.add("--nginx-arg=" + arg);
        }
        for (String l : DeployTestbed.testLabels()) {
            a.add("--label");
            a.add(l);
        }
        return a;
    }

    CliProcess deploy(String name, String image, int build, int startDelay) {
        return CliProcess.start(logs, name, deployArgs(image, build, startDelay), dockerd.env());
    }

    String routerColour() throws Exception {
        String config = Files.readString(env.upstream);
        Matcher m = Pattern.compile("colour=(\\w+)").matcher(config);
        assertThat(m.find()).as("the router config names a colour:\n" + config).isTrue();
        String colour = m.group(1);
        assertThat(m.find()).as("the router config names exactly one colour:\n" + config).isFalse();
        return colour;
    }

    ReleaseStore.State record() throws Exception {
        return new ReleaseStore(new LocalDeployFiles(null), ReleaseStore.stateFile(env.stateDir.toString(), env.service)).read();
    }

    @Test
    void aDeployWhoseDockerdRestartsEndsCleanlyAndARerunConverges() throws Exception {
        CliProcess first = deploy("deploy-1.0.0", V1, 1, 0);
        assertThat(first.waitFor(Duration.ofMinutes(2))).as(first.output()).isZero();
        env.awaitServing("1.0.0");

        CliProcess second = deploy("deploy-2.0.0", V2, 2, 12);
        Poll.until("the 2.0.0 deploy to wait for health", Duration.ofSeconds(60), () -> second.output().contains("to be healthy") || !second.process.isAlive(),
                second::output);
        assertThat(second.process.isAlive()).as("still waiting for health:\n" + second.output()).isTrue();
        long before = dockerd.pid();
        long t0 = System.nanoTime();
        dockerd.restart();
        long restartMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertThat(dockerd.pid()).isNotEqualTo(before);
        int exit = second.waitFor(Duration.ofMinutes(2)); // bounded by its own health timeout (40 s); fails the test if it hangs
        String out = second.output();
        System.out.println("---- deploy 2.0.0 with dockerd restarted after " + restartMs + " ms: exit " + exit + "\n" + out);
        assertThat(out).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        if (exit != 0) {
            assertThat(exit).isEqualTo(1);
            assertThat(out).as("the failure names the Docker daemon").containsIgnoringCase("docker daemon");
            assertThat(out).as("and says what to do").containsIgnoringCase("deploy again");
        }

        // the lock is free: taken at once (no wait), not reported stale
        assertThat(env.stateDir.resolve(env.service + ".lock.json")).as("holder file removed with the lock").doesNotExist();
        DeployTestbed.Lines lockLog = new DeployTestbed.Lines();
        try (DeployLock lock = DeployLock.acquire(new LocalDeployFiles(null), env.stateDir.resolve(env.service + ".lock").toString(), "test/" + env.service,
                Map.of(), Duration.ZERO, lockLog)) {
            assertThat(lock.lost()).isFalse();
        }
        assertThat(lockLog.text()).doesNotContain("stale");

        // router and record agree: one colour, the recorded one, with the recorded version's container
        ReleaseStore.State st = record();
        String colour = routerColour();
        assertThat(st.current().colour()).as("the release record names the colour the router routes to").isEqualTo(colour);
        String expectedVersion = exit == 0 ? "2.0.0" : "1.0.0";
        assertThat(st.current().version()).as("the release record after exit " + exit).isEqualTo(expectedVersion);
        assertThat(dockerd.ok(Duration.ofSeconds(20), "inspect", "-f", "{{index .Config.Labels \"io.squad-deploy.version\"}}", env.service + "-" + colour))
                .as("the routed colour's container is the recorded release").isEqualTo(expectedVersion);
        String other = colour.equals("blue") ? "green" : "blue";
        if (exit != 0) {
            String state = dockerd.docker(Duration.ofSeconds(20), "inspect", "-f", "{{.State.Running}}", env.service + "-" + other).stdout().strip();
            assertThat(state).as("the failed release's colour does not run").isNotEqualTo("true");
        }

        // a re-run converges to 2.0.0 serving
        CliProcess rerun = deploy("rerun-2.0.0", V2, 3, 1);
        int rerunExit = rerun.waitFor(Duration.ofMinutes(2));
        System.out.println("---- re-run\n" + rerun.output());
        assertThat(rerunExit).as(rerun.output()).isZero();
        assertThat(rerun.output()).doesNotContain("waiting for the lock");
        env.awaitServing("2.0.0");
        ReleaseStore.State after = record();
        assertThat(after.current().version()).isEqualTo("2.0.0");
        assertThat(routerColour()).isEqualTo(after.current().colour());
        System.out.println("RELIABILITY dockerd restart: private dockerd restarted in " + restartMs + " ms while 2.0.0 waited for health; deploy exit " + exit
                + "; lock free; router and record on " + colour + " (" + expectedVersion + "); re-run exit " + rerunExit + ", 2.0.0 serves from "
                + after.current().colour());
    }

    @Test
    void aDeployWhoseDockerdStaysDownFailsByItsHealthTimeoutNamingTheDaemonAndFreesTheLock() throws Exception {
        CliProcess ready = CliProcess.start(logs, "ready-2.0.0", deployArgs(V2, 10, 0), dockerd.env());
        assertThat(ready.waitFor(Duration.ofMinutes(2))).as(ready.output()).isZero();
        env.awaitServing("2.0.0");
        ReleaseStore.State before = record();

        CliProcess doomed = CliProcess.start(logs, "down-1.0.0", deployArgs(V1, 11, 30, 10), dockerd.env());
        Poll.until("the 1.0.0 deploy to wait for health", Duration.ofSeconds(60), () -> doomed.output().contains("to be healthy") || !doomed.process.isAlive(),
                doomed::output);
        dockerd.stop();
        int exit;
        try {
            exit = doomed.waitFor(Duration.ofMinutes(2)); // its health timeout is 10 s
        } finally {
            dockerd.start();
        }
        String out = doomed.output();
        System.out.println("---- deploy 1.0.0 with dockerd stopped: exit " + exit + "\n" + out);
        assertThat(exit).as(out).isEqualTo(1);
        assertThat(out).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(out).as("the failure names the Docker daemon and what to do").contains("the Docker daemon has not answered for")
                .contains("once `docker info` answers, deploy again");
        assertThat(env.stateDir.resolve(env.service + ".lock.json")).as("holder file removed with the lock").doesNotExist();
        ReleaseStore.State st = record();
        assertThat(st.current().version()).as("the release record still names the release that serves").isEqualTo("2.0.0");
        assertThat(st.current().releaseId()).isEqualTo(before.current().releaseId());
        assertThat(routerColour()).isEqualTo(st.current().colour());
        env.awaitServing("2.0.0"); // the live colour's containers come back with the daemon (restart unless-stopped)

        CliProcess rerun = CliProcess.start(logs, "rerun-after-down", deployArgs(V1, 12, 0), dockerd.env());
        assertThat(rerun.waitFor(Duration.ofMinutes(2))).as(rerun.output()).isZero();
        assertThat(rerun.output()).doesNotContain("waiting for the lock");
        env.awaitServing("1.0.0");
        assertThat(record().current().version()).isEqualTo("1.0.0");
        assertThat(routerColour()).isEqualTo(record().current().colour());
        System.out.println("RELIABILITY dockerd down: deploy exit " + exit + " by its 10 s health timeout, naming the daemon; lock free; 2.0.0 kept serving"
                + " after the daemon came back; re-run released 1.0.0");
    }
}
