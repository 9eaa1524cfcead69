package io.jenkins.plugins.squaddeploy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.cli.SquadCli;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Faults from outside: the snapshot store's disk fills up during a dump (a 2 MB tmpfs as the store), PostgreSQL is
 * restarted (crash, then start) while pg_dump streams from it, a health endpoint accepts connections and never
 * answers, and a "Prometheus" answers garbage of many kinds. Each must fail cleanly, say why, leave nothing half-made,
 * and work again once the fault is gone.
 */
@Timeout(300)
@ExtendWith(TestbedExtension.class)
class OtherFaultsTest {
    static PostgresFixture pg;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.create();
        dir = Testbed.newWorkDir("other-faults");
        Path cred = Files.createDirectories(dir.resolve("credentials/db"));
        Files.writeString(cred.resolve("username"), pg.user());
        Files.writeString(cred.resolve("password"), pg.password());
        Files.createDirectories(dir.resolve("small"));
        Files.writeString(dir.resolve("small/config.yml"), "a: 1\n");
    }

    /** A table big enough for pg_dump to run a while (and to fill 2 MB); made again if a crash test lost it. */
    static void ensureData() throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS events AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS payload FROM generate_series(1, 300000) g");
            try (var r = s.executeQuery("SELECT count(*) FROM events")) {
                r.next();
                assertThat(r.getLong(1)).as("rows to dump").isEqualTo(300000);
            }
        }
    }

    @AfterAll
    static void stop() {
        pg.close();
        Testbed.deleteRecursively(dir);
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run squad(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args.toArray(String[]::new));
        System.out.println(out + "\n" + err);
        return new Run(exit, out.toString(), err.toString());
    }

    List<String> pgSnapshot(Path store) {
        return List.of("snapshot", "create", "--store", store.toString(), "--kind", "postgres", "--host", "127.0.0.1", "--port", Integer.toString(pg.port()),
                "--database", "app", "--credentials", "db", "--credentials-dir", dir.resolve("credentials").toString(), "--progress", "1");
    }

    static long filesIn(Path store) throws IOException {
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".lock")).count();
        }
    }

    @Test
    void diskFullDuringASnapshotFailsSayingSoAndLeavesNothingBehind() throws Exception {
        ensureData();
        Path store = Files.createDirectories(dir.resolve("full"));
        Proc.Result mount = Proc.run(Duration.ofSeconds(20), "mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", store.toString());
        assertThat(mount.ok()).as("mount a 2 MB tmpfs (needs root): " + mount.stderr()).isTrue();
        try {
            Run r = squad(pgSnapshot(store));
            assertThat(r.exit()).as(r.all()).isNotZero();
            assertThat(r.all()).as("the error says the disk is full").containsIgnoringCase("no space left on device");
            assertThat(r.all()).doesNotContain("\tat ");
            Run list = squad(List.of("snapshot", "list", "--store", store.toString()));
            assertThat(list.out()).as("no snapshot listed").contains("0 snapshot(s) in");
            assertThat(filesIn(store)).as("the partial dump was removed (space given back)").isZero();
            // once there is room (a small source), the same store works again
            Run small = squad(List.of("snapshot", "create", "--store", store.toString(), "--kind", "files", "--base-dir", dir.resolve("small").toString(),
                    "--path", "config.yml"));
            assertThat(small.exit()).as(small.all()).isZero();
            assertThat(squad(List.of("snapshot", "verify", "--store", store.toString())).exit()).isZero();
            System.out.println("RELIABILITY faults disk full: snapshot failed naming the full disk, 0 partial snapshots listed, 0 files left, store usable again");
        } finally {
            Proc.run(Duration.ofSeconds(20), "umount", "-l", store.toString());
        }
    }

    @Test
    void postgresRestartedMidDumpFailsCleanlyAndARerunSucceeds() throws Exception {
        ensureData();
        Path store = dir.resolve("restart");
        AtomicReference<Run> result = new AtomicReference<>();
        Thread snapshot = new Thread(() -> result.set(squad(pgSnapshot(store))), "snapshot-during-restart");
        snapshot.start();
        Poll.until("pg_dump to run", Duration.ofSeconds(30), () -> psArgs().contains("pg_dump") || !snapshot.isAlive());
        assertThat(snapshot.isAlive()).as("the dump was still running when PostgreSQL went down").isTrue();
        pg.crash(); // immediate shutdown: every connection, pg_dump's too, is cut
        pg.start();
        snapshot.join(120000);
        Run r = result.get();
        assertThat(r.exit()).as(r.all()).isNotZero();
        assertThat(r.all()).as("the error names pg_dump").contains("pg_dump").doesNotContain("\tat ");
        Run list = squad(List.of("snapshot", "list", "--store", store.toString()));
        assertThat(list.out()).as("no partial snapshot listed").contains("0 snapshot(s) in");
        Run again = squad(pgSnapshot(store));
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(squad(List.of("snapshot", "verify", "--store", store.toString())).exit()).isZero();
        System.out.println("RELIABILITY faults PostgreSQL restart mid-dump: snapshot failed naming pg_dump, 0 partial snapshots listed, re-run created and verified one");
    }

    static String psArgs() {
        try {
            Process p = new ProcessBuilder("ps", "-eo", "args").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("ps (package procps) is needed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Test
    void aHealthEndpointThatNeverAnswersFailsTheCheckWithinItsDeadline() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // accepted, never read, never answered
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-health");
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/health";
            PipelineRun r = new PipelineHarness().runScript("node {\n verifyHealth checks: [httpCheck(name: 'silent', url: '" + url
                    + "')], attempts: 3, interval: 1, timeout: 1, deadline: 8\n}\n");
            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            assertThat(r.console()).contains("ERROR: verifyHealth failed: 1 of 1 check(s) did not pass").contains("silent (http " + url + ")")
                    .containsPattern("(?i)timed out|no answer|did not answer").doesNotContain("\tat ");
            assertThat(held).as("the endpoint was reached").isNotEmpty();
            System.out.println("RELIABILITY faults health never answers: " + held.size() + " connection(s) held open; the check failed by its timeout, naming it");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void prometheusAnsweringGarbageNeverPassesACheck() throws Exception {
        Map<String, String> garbage = new LinkedHashMap<>();
        garbage.put("html", "<html><body>502 Bad Gateway</body></html>");
        garbage.put("empty", "");
        garbage.put("truncated JSON", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,");
        garbage.put("empty object", "{}");
        garbage.put("status error", "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}");
        garbage.put("wrong result type", "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"up\"]}}");
        garbage.put("value not a number", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"lots\"]}]}}");
        garbage.put("NaN", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"NaN\"]}]}}");
        garbage.put("result not a list", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":\"up\"}}");
        garbage.put("binary", "\u0000\u0001\u0002\u00ff\u00fe");
        AtomicReference<String> body = new AtomicReference<>();
        HttpServer prom = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        prom.createContext("/", ex -> {
            byte[] b = body.get().getBytes(StandardCharsets.ISO_8859_1);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        prom.start();
        List<String> outcomes = new ArrayList<>();
        try {
            String url = "http://127.0.0.1:" + prom.getAddress().getPort();
            for (Map.Entry<String, String> g : garbage.entrySet()) {
                body.set(g.getValue());
                PipelineRun r = new PipelineHarness().runScript("node {\n verifyHealth checks: [prometheusCheck(name: 'errors', url: '" + url
                        + "', query: 'sum(rate(http_requests_total{code=~\"5..\"}[1m]))', max: 0.01)], attempts: 1\n}\n");
                assertThat(r.result()).as(g.getKey() + ":\n" + r.console()).isEqualTo(Result.FAILURE);
                assertThat(r.console()).as(g.getKey()).contains("errors (prometheus ").doesNotContain("\tat ");
                String line = r.consoleLines().stream().filter(l -> l.startsWith("  errors (prometheus ")).findFirst().orElse("?");
                outcomes.add(g.getKey() + " -> " + line.strip());
                assertThat(line).as(g.getKey()).doesNotContain("null");
            }
        } finally {
            prom.stop(0);
        }
        outcomes.forEach(System.out::println);
        System.out.println("RELIABILITY faults Prometheus garbage: " + garbage.size() + " kinds of garbage, 0 checks passed, every failure names the check");
    }
}
