package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code squad snapshot ...}: the CLI twin of dbSnapshot against a real PostgreSQL; exit codes 0, 1 (failed), 2 (bad parameters). */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SnapshotCliTest {
    static PostgresFixture pg;

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("ALTER ROLE app CREATEDB");
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t SELECT g, 'wert ' || g FROM generate_series(1, 100) g");
        }
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static Run squad(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        System.out.println(out);
        System.out.println(err);
        return new Run(exit, out.toString(), err.toString());
    }

    Path credentials() throws Exception {
        Path dir = tmp.resolve("credentials");
        for (Map.Entry<String, String> e : Map.of("app-db/username", pg.user(), "app-db/password", pg.password()).entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue() + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        return dir;
    }

    List<String> source(String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("--kind", "postgres", "--host", "127.0.0.1", "--port", Integer.toString(pg.port()),
                "--database", "app", "--credentials", "app-db", "--credentials-dir", credentials().toString()));
        a.addAll(List.of(more));
        return a;
    }

    Run snapshot(String action, String store, List<String> args) {
        List<String> all = new ArrayList<>(List.of("snapshot", action, "--store", store));
        all.addAll(args);
        return squad(all.toArray(String[]::new));
    }

    @Test
    void createListVerifyRestoreAndPruneFromTheCommandLine() throws Exception {
        String store = tmp.resolve("store").toString();
        Run created = snapshot("create", store, source("--release", "1.4.3", "--reason", "cli", "--json"));
        assertThat(created.exit()).as(created.err()).isZero();
        String json = created.out().substring(created.out().indexOf("{\n"));
        Map<?, ?> meta = new ObjectMapper().readValue(json, Map.class);
        assertThat(meta.get("release")).isEqualTo("1.4.3");
        String id = (String) meta.get("id");

        Run list = snapshot("list", store, List.of());
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("1 snapshot(s) in " + store).contains(id).contains("1.4.3");

        assertThat(snapshot("verify", store, source("--restore-to", "scratch", "--check", "SELECT count(*) = 100 FROM t")).exit()).isZero();

        Run refused = snapshot("restore", store, source());
        assertThat(refused.exit()).isEqualTo(SnapshotCommand.BAD_PARAMETERS);
        assertThat(refused.err()).contains("squad snapshot restore: Invalid parameter 'confirm'").contains("would be lost");

        pg.executeAsSuperuser("CREATE DATABASE copy OWNER app");
        Run restored = snapshot("restore", store, source("--restore-to", "copy", "--confirm"));
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("data-loss window").contains("restored " + id);

        assertThat(snapshot("create", store, source()).exit()).isZero();
        Run pruned = snapshot("prune", store, List.of("--keep-last", "1", "--keep-daily", "0", "--keep-weekly", "0"));
        assertThat(pruned.exit()).isZero();
        assertThat(pruned.out()).contains("keep   ").contains("newest verified").contains("kept 2, deleted 0");
        assertThat(created.out() + list.out() + restored.out()).doesNotContain(pg.password());
    }

    /** The day Jenkins is down: the weekly drill from the command line, with the same JUnit report as drTest; exit 1 when the RPO is missed. */
    @Test
    void drillAndFreshnessFromTheCommandLine() throws Exception {
        String store = tmp.resolve("store").toString();
        Path report = tmp.resolve("dr-report");
        assertThat(snapshot("create", store, source("--name", "squad-db")).exit()).isZero();

        Run drill = snapshot("drill", store, source("--name", "squad-db", "--check", "SELECT count(*) = 100 FROM t", "--rto-seconds", "600",
                "--report-dir", report.toString(), "--json"));
        assertThat(drill.exit()).as(drill.err()).isZero();
        assertThat(drill.out()).contains("dbSnapshot: check 1 passed: SELECT count(*) = 100 FROM t").contains("DR drill of squad-db PASSED")
                .contains("\"ok\" : true").doesNotContain(pg.password());
        assertThat(Files.readString(report.resolve("dr-test.xml"))).contains("tests=\"1\" failures=\"0\"").contains("name=\"squad-db\"");
        try (Connection c = pg.connectAsSuperuser(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'squad_scratch_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("scratch databases left").isZero();
        }
        assertThat(snapshot("freshness", store, List.of("--max-age-hours", "1")).exit()).isZero();

        Run stale = snapshot("drill", store, source("--name", "squad-db", "--max-age-hours", "0.00001", "--report-dir", report.toString()));
        assertThat(stale.exit()).isEqualTo(SnapshotCommand.FAILED);
        assertThat(stale.err()).contains("squad snapshot drill failed: squad-db: RPO ").contains("is over the objective of 0.0 h");
        assertThat(Files.readString(report.resolve("dr-test.xml"))).contains("tests=\"1\" failures=\"1\"");
        Run bad = snapshot("drill", store, source("--rto-seconds", "0"));
        assertThat(bad.exit()).isEqualTo(SnapshotCommand.BAD_PARAMETERS);
        assertThat(bad.err()).contains("Invalid parameter 'rtoSeconds'");
    }

    @Test
    void badParametersExitTwoAndFailuresExitOneNamingTheCause() throws Exception {
        String store = tmp.resolve("store").toString();
        Run kind = snapshot("create", store, List.of("--kind", "mysql", "--database", "app"));
        assertThat(kind.exit()).isEqualTo(SnapshotCommand.BAD_PARAMETERS);
        assertThat(kind.err()).contains("squad snapshot create: Invalid parameter 'source.kind': unknown kind 'mysql'. Expected one of postgres, redis, files, rds.");

        Run traversal = snapshot("verify", store, List.of("--snapshot", "../../etc"));
        assertThat(traversal.exit()).isEqualTo(SnapshotCommand.BAD_PARAMETERS);
        assertThat(traversal.err()).contains("Invalid parameter 'snapshot': got '../../etc' (a path, not an ID)");

        Run noStore = squad("snapshot", "list");
        assertThat(noStore.exit()).isEqualTo(2);
        assertThat(noStore.err()).contains("Missing required option: '--store=DIR'");

        int closed = FreePorts.next();
        Run down = snapshot("create", store, List.of("--kind", "postgres", "--host", "127.0.0.1", "--port", Integer.toString(closed), "--database", "app"));
        assertThat(down.exit()).isEqualTo(SnapshotCommand.FAILED);
        assertThat(down.err()).contains("squad snapshot create failed: cannot connect to PostgreSQL postgresql://127.0.0.1:" + closed + "/app")
                .contains("Connection refused");

        Run noCreds = snapshot("create", store, List.of("--kind", "postgres", "--database", "app", "--credentials", "missing-id"));
        assertThat(noCreds.exit()).isEqualTo(SnapshotCommand.BAD_PARAMETERS);
        assertThat(noCreds.err()).contains("Invalid parameter 'source.credentialsId': no credentials with ID 'missing-id' were found");

        Run files = squad("snapshot", "create", "--store", store, "--kind", "files", "--base-dir", tmp.toString(), "--path", "../outside");
        assertThat(files.exit()).isEqualTo(SnapshotCommand.BAD_PARAMETERS);
        assertThat(files.err()).contains("Invalid parameter 'source.paths[0]'");
        assertThat(squad("snapshot", "--help").out()).contains("create").contains("restore").contains("prune");
    }
}
