package io.jenkins.plugins.squaddeploy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.engine.deploy.DeployLock;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ten {@code squad deploy --router nginx} processes of one service to one environment at once (real Docker, real nginx,
 * requests through nginx all along): the deploy lock serialises them, each one releases or fails cleanly, the lock is
 * released after a failure, and at the end the router, the release record and the containers agree on the last
 * successful release. Then the lock after a kill -9 of its holder (stale, reported with holder and since when) and
 * after an abort (released).
 */
@Timeout(420)
@ExtendWith(TestbedExtension.class)
class ConcurrentDeploysTest {
    static DeployTestbed bed;
    static RollbackBed env;
    static Path logs;

    @BeforeAll
    static void start() throws Exception {
        bed = new DeployTestbed();
        env = RollbackBed.create(bed, true);
        env.deployThroughRouter("1.0.0");
        env.awaitServing("1.0.0");
        logs = Testbed.newWorkDir("concurrent-deploys");
    }

    @AfterAll
    static void stop() {
        env.close();
        bed.close();
        Testbed.deleteRecursively(logs);
    }

    static List<String> deployArgs(String version, int build, int healthTimeout) {
        List<String> a = new ArrayList<>(List.of("deploy", "--service", env.service, "--image", bed.image(version), "--environment", "test", "--docker",
                "--ports", env.ports(), "--state-dir", env.stateDir.toString(), "--health-timeout", Integer.toString(healthTimeout), "--lock-timeout", "600",
                "--build-url", "http://ci.example/job/shop/" + build + "/", "--keep-old-colour", "--router", "nginx", "--nginx-config", env.upstream.toString(),
                "--nginx", env.routerSpec.argv().get(0), "--public-url", env.publicUrl().toString(), "--samples", "3"));
        for (String arg : env.routerSpec.argv().subList(1, env.routerSpec.argv().size())) {
            a.add("--nginx-arg=" + arg);
        }
        for (String l : DeployTestbed.testLabels()) {
            a.add("--label");
            a.add(l);
        }
        return a;
    }

    /** Requests through nginx until stopped: answered (200) and lost (anything else). */
    static final class Load implements AutoCloseable {
        final AtomicInteger ok = new AtomicInteger();
        final List<String> lost = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        Load() {
            thread = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Http.Response r = Http.get(env.nginx.baseUrl() + "/health", Duration.ofSeconds(5));
                        if (r.status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            lost.add("HTTP " + r.status());
                        }
                        Thread.sleep(25);
                    } catch (IOException e) {
                        lost.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "load-through-nginx");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10000);
        }
    }

    @Test
    void tenConcurrentDeploysAreSerialisedAndTheLastSuccessfulOneIsWhatServes() throws Exception {
        int n = Integer.getInteger("squad.reliability.deploys", 3);
        List<CliProcess> procs = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        List<Integer> exitOrder = Collections.synchronizedList(new ArrayList<>());
        Load load = new Load();
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String v = i % 5 == 2 ? "bad" : (i % 2 == 0 ? "2.0.0" : "1.0.0");
            versions.add(v);
            CliProcess p = CliProcess.start(logs, "deploy-" + i, deployArgs(v, i, v.equals("bad") ? 6 : 60));
            int index = i;
            p.process.onExit().thenRun(() -> exitOrder.add(index));
            procs.add(p);
        }
        List<Integer> exits = new ArrayList<>();
        for (CliProcess p : procs) {
            exits.add(p.waitFor(Duration.ofMinutes(5)));
        }
        Poll.until("every exit seen", Duration.ofSeconds(10), () -> exitOrder.size() == n);
        load.close();
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        int waited = 0;
        int lastGood = -1;
        for (int i : exitOrder) {
            CliProcess p = procs.get(i);
            String out = p.output();
            System.out.println("---- deploy " + i + " (" + versions.get(i) + ") exit " + exits.get(i) + "\n" + out);
            assertThat(out).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
            if (versions.get(i).equals("bad")) {
                assertThat(exits.get(i)).as("a release that never becomes healthy fails cleanly:\n" + out).isEqualTo(1);
            } else {
                assertThat(exits.get(i)).as("released:\n" + out).isZero();
                lastGood = i;
            }
            if (out.contains("waiting for the lock")) {
                waited++;
                assertThat(out).containsPattern("is being deployed by (build http://ci\\.example/job/shop/\\d+/|an unknown holder)");
            }
        }
        assertThat(waited).as("deploys that waited for the lock, told who held it").isGreaterThanOrEqualTo(n / 2);
        String expected = versions.get(lastGood);
        ReleaseStore.State st = new ReleaseStore(new LocalDeployFiles(null), ReleaseStore.stateFile(env.stateDir.toString(), env.service)).read();
        assertThat(st.current().buildUrl()).as("the release record is the last successful deploy").isEqualTo("http://ci.example/job/shop/" + lastGood + "/");
        assertThat(st.current().version()).isEqualTo(expected);
        env.awaitServing(expected);
        String config = Files.readString(env.upstream);
        Matcher m = Pattern.compile("colour=(\\w+)").matcher(config);
        assertThat(m.find()).as(config).isTrue();
        assertThat(m.group(1)).as("the router routes to the recorded colour").isEqualTo(st.current().colour());
        assertThat(bed.inspect(env.service + "-" + st.current().colour(), "{{index .Config.Labels \"io.squad-deploy.build-url\"}}").strip())
                .isEqualTo("http://ci.example/job/shop/" + lastGood + "/");
        assertThat(load.lost).as("requests through nginx lost during the deploys").isEmpty();
        System.out.println("RELIABILITY concurrency: " + n + " concurrent deploys in " + seconds + " s, exit codes " + exits + " (in exit order " + exitOrder
                + "), " + waited + " waited for the lock; final: " + expected + " from build " + lastGood + " in " + st.current().colour()
                + " (router, record, labels agree); requests through nginx: " + load.ok.get() + " answered, " + load.lost.size() + " lost");
    }

    @Test
    void aLockLeftByAKilledHolderIsTakenOverAndReportedWithHolderAndSince() throws Exception {
        Path lockHolder = env.stateDir.resolve(env.service + ".lock.json");
        CliProcess p = CliProcess.start(logs, "killed-holder", deployArgs("bad", 900, 60));
        Poll.until("the deploy to hold the lock", Duration.ofSeconds(60), () -> Files.exists(lockHolder) && p.output().contains("waiting up to"));
        long pid = p.process.pid();
        p.kill9();
        assertThat(lockHolder).as("a killed holder leaves its holder file").exists();
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        try (DeployLock lock = DeployLock.acquire(new LocalDeployFiles(null), env.stateDir.resolve(env.service + ".lock").toString(), "test/" + env.service,
                Map.of("buildUrl", "http://ci.example/job/shop/901/"), Duration.ofSeconds(10), log)) {
            assertThat(lock.lost()).isFalse();
        }
        assertThat(log.text()).as("the stale lock is reported").contains("took over a stale deploy lock of test/" + env.service)
                .contains("build http://ci.example/job/shop/900/").contains("pid " + pid).containsPattern("since 20\\d\\d-\\d\\d-\\d\\dT")
                .contains("ended without releasing it");
        // and the next deploy converges, cleaning up what the killed one started
        CliProcess next = CliProcess.start(logs, "after-kill", deployArgs("2.0.0", 902, 60));
        assertThat(next.waitFor(Duration.ofMinutes(3))).as(next.output()).isZero();
        env.awaitServing("2.0.0");
    }

    @Test
    void anAbortedDeployReleasesItsLock() throws Exception {
        Path lockHolder = env.stateDir.resolve(env.service + ".lock.json");
        Throwable[] failure = new Throwable[1];
        Thread deploy = new Thread(() -> {
            try {
                env.deployer().deploy(env.request("bad", "blueGreen", env.ports()).healthTimeoutSeconds(120).build());
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "deploy-to-abort");
        deploy.start();
        Poll.until("the deploy to hold the lock", Duration.ofSeconds(60), () -> Files.exists(lockHolder) && env.log.text().contains("to be healthy"));
        deploy.interrupt(); // what aborting the build does to the step's thread
        deploy.join(60000);
        assertThat(deploy.isAlive()).isFalse();
        assertThat(failure[0]).as("the aborted deploy ended with an interruption").isInstanceOf(InterruptedException.class);
        assertThat(lockHolder).as("the holder file is removed with the lock").doesNotExist();
        DeployTestbed.Lines log = new DeployTestbed.Lines();
        try (DeployLock lock = DeployLock.acquire(new LocalDeployFiles(null), env.stateDir.resolve(env.service + ".lock").toString(), "test/" + env.service,
                Map.of(), Duration.ZERO, log)) {
            assertThat(log.text()).doesNotContain("stale");
        }
    }
}
