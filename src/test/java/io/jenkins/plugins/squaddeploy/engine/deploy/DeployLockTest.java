package io.jenkins.plugins.squaddeploy.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One deploy per environment + service: a second one waits, says who holds the lock, and gives up cleanly. */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class DeployLockTest {
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

    private static Map<String, String> otherBuild() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("buildUrl", "http://jenkins.example/job/shop/41/");
        h.put("version", "1.9.0");
        h.put("strategy", "blueGreen");
        return h;
    }

    @Test
    void aSecondDeployWaitsSaysWhoHoldsTheLockAndGoesAheadWhenItIsReleased() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        Path state = work.resolve("state");
        LocalDeployFiles files = new LocalDeployFiles(null);
        String lockFile = state.resolve(svc + ".lock").toString();
        DeployFiles.LockResult held = files.tryLock(lockFile, otherBuild());
        assertThat(held.acquired()).isTrue();
        assertThat(Files.readString(Path.of(lockFile + ".json"))).contains("http://jenkins.example/job/shop/41/").contains("\"pid\" : \"" + ProcessHandle.current().pid() + "\"");

        DeployTestbed.Lines log = new DeployTestbed.Lines();
        CompletableFuture<ReleaseRecord> second = CompletableFuture.supplyAsync(() -> {
            try {
                return bed.deployer(work, log).deploy(bed.docker(svc, "2.0.0", "blueGreen", "blue=" + p[0] + ",green=" + p[1], state)
                        .lockTimeoutSeconds(60).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Poll.until("the second deploy to report the lock holder", Duration.ofSeconds(30), () -> log.text().contains("is being deployed by"));
        String waiting = log.lines.stream().filter(l -> l.contains("is being deployed by")).findFirst().orElseThrow();
        assertThat(waiting).contains("test/" + svc + " is being deployed by build http://jenkins.example/job/shop/41/ (version 1.9.0, host ")
                .contains("pid " + ProcessHandle.current().pid()).containsPattern("since \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z, \\d+ s ago\\); waiting for the lock");
        assertThat(bed.exists(svc + "-blue")).as("nothing starts while waiting").isFalse();
        assertThat(second).isNotDone();

        files.unlock(lockFile, held.token());
        ReleaseRecord r = second.get(60, TimeUnit.SECONDS);
        assertThat(r.version()).isEqualTo("2.0.0");
        assertThat(log.text()).contains("got the deploy lock of test/" + svc);
        assertThat(Path.of(lockFile + ".json")).doesNotExist();
    }

    @Test
    void aDeployThatCannotGetTheLockInTimeFailsCleanlyNamingTheHolder() throws Exception {
        String svc = bed.newService();
        Path state = work.resolve("state");
        LocalDeployFiles files = new LocalDeployFiles(null);
        String lockFile = state.resolve(svc + ".lock").toString();
        DeployFiles.LockResult held = files.tryLock(lockFile, otherBuild());
        try {
            String before = bed.snapshot();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> bed.deployer(work, new DeployTestbed.Lines()).deploy(bed.docker(svc, "2.0.0", "recreate", "", state)
                    .lockTimeoutSeconds(2).build()))
                    .isInstanceOf(DeployException.LockTimeout.class)
                    .hasMessageContaining("could not get the deploy lock of test/" + svc + " within 2 s")
                    .hasMessageContaining("build http://jenkins.example/job/shop/41/ (version 1.9.0, host ")
                    .hasMessageContaining("Nothing was changed");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(1900L, 15000L);
            assertThat(bed.snapshot()).isEqualTo(before);
            assertThat(state.resolve(svc + ".json")).doesNotExist();
        } finally {
            files.unlock(lockFile, held.token());
        }
    }

    /** Another process (here python3's fcntl lock, the same kind of lock the JVM takes) holds it; when it dies the OS frees it. */
    @Test
    void aLockHeldByAnotherProcessIsReleasedByTheOsWhenThatProcessDies() throws Exception {
        Path state = Files.createDirectories(work.resolve("state"));
        Path lock = state.resolve("shop.lock");
        String script = String.join("\n",
                "import fcntl, json, os, sys, time",
                "f = open(sys.argv[1], 'a')",
                "fcntl.lockf(f, fcntl.LOCK_EX)",
                "open(sys.argv[1] + '.json', 'w').write(json.dumps({'buildUrl': 'http://jenkins.example/job/cli/3/', 'host': os.uname()[1], 'pid': str(os.getpid()), 'since': '2026-01-01T00:00:00Z'}))",
                "print('locked', flush=True)",
                "time.sleep(120)");
        Process holder = new ProcessBuilder("python3", "-c", script, lock.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            LocalDeployFiles files = new LocalDeployFiles(null);
            DeployFiles.LockResult r = files.tryLock(lock.toString(), Map.of("buildUrl", "me"));
            assertThat(r.acquired()).isFalse();
            assertThat(r.holder()).containsEntry("pid", Long.toString(holder.pid())).containsEntry("buildUrl", "http://jenkins.example/job/cli/3/");
            assertThatThrownBy(() -> DeployLock.acquire(files, lock.toString(), "test/shop", Map.of(), Duration.ofSeconds(1), new DeployTestbed.Lines()))
                    .isInstanceOf(DeployException.LockTimeout.class).hasMessageContaining("pid " + holder.pid());

            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no clean-up of its own
            try (DeployLock mine = DeployLock.acquire(files, lock.toString(), "test/shop", Map.of("buildUrl", "me"), Duration.ofSeconds(10), new DeployTestbed.Lines())) {
                assertThat(Files.readString(Path.of(lock + ".json"))).contains("\"buildUrl\" : \"me\"");
            }
        } finally {
            holder.destroyForcibly();
        }
    }
}
