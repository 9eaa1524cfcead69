package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots that never finish: the process taking it is killed with SIGKILL while pg_dump streams (a separate JVM
 * running {@code squad snapshot create}), or the job is cancelled as an aborted build cancels it. Nothing shows in
 * the list, nothing counts for retention, and the next action removes what was left.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SnapshotInterruptedTest {
    static PostgresFixture pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("CREATE DATABASE big OWNER app");
        try (Connection c = PostgresFixture.connect("jdbc:postgresql://127.0.0.1:" + pg.port() + "/big", pg.user(), pg.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id int PRIMARY KEY, payload text)");
            s.execute("INSERT INTO events SELECT g, md5(g::text) || repeat(md5((g * 7)::text), 2) FROM generate_series(1, 400000) g");
        }
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static SnapshotSource.Postgres big() {
        return SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "big", null, new Credential("app-db", pg.user(), pg.password()), null,
                null, null, 9, null, null);
    }

    /** Size of the dump being written under .tmp/, or 0. */
    static long pendingBytes(Path store) throws Exception {
        Path tmp = store.resolve(SnapshotStore.TMP);
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(p -> p.getFileName().toString().equals("pg.dump")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static boolean pgDumpOfBigRunning() {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
                .map(c -> c.contains("pg_dump") && c.contains(" -p " + pg.port()) && c.contains(" -d big")).orElse(false));
    }

    @Test
    void aSnapshotProcessKilledMidDumpLeavesNothingListedAndTheNextRunCleansUp() throws Exception {
        Path store = tmp.resolve("store");
        Path out = tmp.resolve("squad.out");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                "io.jenkins.plugins.squaddeploy.cli.SquadCli", "snapshot", "create", "--store", store.toString(), "--kind", "postgres",
                "--host", "127.0.0.1", "--port", Integer.toString(pg.port()), "--database", "big", "--credentials", "app-db", "--compression", "9"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("SQUAD_CRED_APP_DB_USERNAME", pg.user());
        pb.environment().put("SQUAD_CRED_APP_DB_PASSWORD", pg.password());
        Process squad = pb.start();
        try {
            Poll.until("pg_dump to stream more than 256 KiB into the store", Duration.ofSeconds(60), () -> {
                if (!squad.isAlive()) {
                    throw new Poll.Abort("squad exited with " + squad.exitValue() + ": " + Files.readString(out));
                }
                return pendingBytes(store) > 256 * 1024;
            });
        } finally {
            squad.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup, like a crashed agent
            squad.waitFor();
        }
        Poll.until("pg_dump to notice that its reader is gone", Duration.ofSeconds(30), () -> !pgDumpOfBigRunning());
        assertThat(SnapshotTesting.passwordFilesOf(squad.pid())).as("the killed JVM could not delete its password file").hasSize(1);
        System.out.println(Files.readString(out));
        List<String> leftovers = SnapshotTesting.pending(store);
        assertThat(leftovers).as("what the killed process left under .tmp/").hasSize(2).anyMatch(n -> n.endsWith(".lock"));
        assertThat(SnapshotTesting.ids(store)).isEmpty();

        SnapshotTesting t = new SnapshotTesting(pg.password());
        Map<String, Object> listed = t.run(SnapshotRequest.builder(store.toString()).action("list"));
        assertThat((List<?>) listed.get("snapshots")).isEmpty();
        String leftoverId = leftovers.stream().filter(n -> !n.endsWith(".lock")).findFirst().orElseThrow();
        assertThat(t.console()).containsPattern("removed interrupted snapshot " + leftoverId.replace(".", "\\.") + " \\([0-9.]+ (KiB|MiB)\\) left by an earlier run");
        assertThat(SnapshotTesting.pending(store)).isEmpty();

        Map<String, Object> pruned = t.run(SnapshotRequest.builder(store.toString()).action("prune").retention(1, 0, 0));
        assertThat((List<?>) pruned.get("kept")).isEmpty();
        assertThat((List<?>) pruned.get("deleted")).isEmpty();

        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(big()));
        assertThat(SnapshotTesting.ids(store)).containsExactly((String) created.get("id"));
        assertThat(SnapshotTesting.passwordFilesOf(squad.pid())).as("removed by the next run").isEmpty();
        assertThat(SnapshotTesting.passwordFiles()).isEmpty();
        assertThat(t.run(SnapshotRequest.builder(store.toString()).action("verify"))).containsEntry("ok", true);
    }

    @Test
    void aCancelledJobKillsPgDumpAndRemovesItsUnfinishedSnapshotAtOnce() throws Exception {
        Path store = tmp.resolve("store");
        String job = SnapshotJobs.start(SnapshotRequest.builder(store.toString()).source(big()).progressEvery(Duration.ofMillis(100)).build(), System.getenv());
        List<String> lines = new ArrayList<>();
        Poll.until("pg_dump to stream more than 256 KiB", Duration.ofSeconds(60), () -> {
            SnapshotJobs.Poll p = SnapshotJobs.poll(job, 50);
            lines.addAll(p.lines());
            if (p.done()) {
                throw new Poll.Abort("the job ended: " + p.error() + " " + lines);
            }
            return pendingBytes(store) > 256 * 1024;
        });
        SnapshotJobs.cancel(job);
        SnapshotJobs.Poll[] last = new SnapshotJobs.Poll[1];
        Poll.until("the cancelled job to end", Duration.ofSeconds(30), () -> {
            last[0] = SnapshotJobs.poll(job, 200);
            lines.addAll(last[0].lines());
            return last[0].done();
        });
        assertThat(last[0].error()).startsWith("stopped: the snapshot was interrupted");
        assertThat(last[0].result()).isNull();
        assertThat(SnapshotTesting.pending(store)).isEmpty();
        assertThat(SnapshotTesting.ids(store)).isEmpty();
        assertThat(lines).anyMatch(l -> l.startsWith("dbSnapshot: pg_dump ") && l.contains("so far"));
        Poll.until("pg_dump to be gone", Duration.ofSeconds(10), () -> !pgDumpOfBigRunning());
        assertThat(SnapshotJobs.poll(job, 0).unknownJob()).isTrue();
    }
}
