package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * dbSnapshot's PostgreSQL provider against a real PostgreSQL 15 with the real pg_dump, pg_restore and psql: a
 * database with several tables, large objects and non-ASCII text goes through a snapshot and comes back identical;
 * the DR check restores into a throwaway database; corruption, wrong passwords, unreachable servers, missing tools,
 * read-only and full stores fail naming the cause and leave the source and the existing snapshots as they were.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class SnapshotPostgresTest {
    static PostgresFixture pg;
    static final List<String> TABLES = List.of("customers", "orders", "blobs");

    @TempDir
    Path tmp;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("ALTER ROLE app CREATEDB");
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, city text, created_at timestamptz DEFAULT now())");
            s.execute("INSERT INTO customers (name, city) VALUES ('Zoë Ångström', 'Malmö'), ('山田 太郎', '東京'), ('Ελένη', 'Αθήνα'), "
                    + "('Emoji 😀🚀', 'Zürich'), ('O''Brien; DROP TABLE x;--', E'Dub\\tlin\\nnew line')");
            s.execute("INSERT INTO customers (name, city) SELECT 'customer ' || g, 'city ' || (g % 50) FROM generate_series(1, 5000) g");
            s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers(id), amount numeric(12,2), items jsonb, note text)");
            s.execute("INSERT INTO orders (customer_id, amount, items, note) SELECT 1 + g % 5000, (g * 1.37)::numeric(12,2), "
                    + "jsonb_build_object('sku', 'SKU-' || g, 'qty', g % 7, 'label', 'Größe ' || g), repeat('ü', g % 40) FROM generate_series(1, 20000) g");
            s.execute("CREATE TABLE blobs (id int PRIMARY KEY, data bytea, doc oid)");
            s.execute("INSERT INTO blobs SELECT g, decode(md5(g::text) || md5((g + 1)::text), 'hex'), "
                    + "lo_from_bytea(0, convert_to(repeat('großes Objekt ' || g || ' ' || md5(g::text), 500), 'UTF8')) FROM generate_series(1, 20) g");
            s.execute("CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 1000");
            s.execute("CREATE SEQUENCE invoice_no START 1000");
            s.execute("SELECT nextval('invoice_no'), nextval('invoice_no')");
        }
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    static Credential appCredential() {
        return new Credential("app-db", pg.user(), pg.password());
    }

    static SnapshotSource.Postgres source(Credential c) {
        return SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null, c, null, null, null, null, null, null);
    }

    SnapshotRequest.Builder req(Path store, String action) {
        return SnapshotRequest.builder(store.toString()).action(action).source(source(appCredential()));
    }

    /** One checksum per table (rows in key order), of the large objects and of the sequence: equal means equal data. */
    static Map<String, String> checksums(String database) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        try (Connection c = PostgresFixture.connect("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + database, pg.user(), pg.password());
             Statement s = c.createStatement()) {
            for (String t : TABLES) {
                try (ResultSet r = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY t.id)) FROM " + t + " t")) {
                    r.next();
                    m.put(t, r.getString(1));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(encode(lo_get(oid), 'hex'), ',' ORDER BY oid)) FROM pg_largeobject_metadata")) {
                r.next();
                m.put("large objects", r.getString(1));
            }
            try (ResultSet r = s.executeQuery("SELECT last_value FROM invoice_no")) {
                r.next();
                m.put("invoice_no", r.getString(1));
            }
            try (ResultSet r = s.executeQuery("SELECT name FROM customers WHERE city = '東京'")) {
                r.next();
                m.put("non-ascii", r.getString(1));
            }
        }
        return m;
    }

    static List<String> scratchDatabases() throws Exception {
        try (Connection c = pg.connectAsSuperuser(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'squad_scratch_%'")) {
            List<String> out = new java.util.ArrayList<>();
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        }
    }

    @Test
    void roundTripWithTablesLargeObjectsAndNonAsciiRestoresIdenticalData() throws Exception {
        SnapshotTesting t = new SnapshotTesting(pg.password());
        Path store = tmp.resolve("store");
        Map<String, Object> created = t.run(req(store, "create").reason("before deploy 1.4.3").release("1.4.3").build("squad-api #42"));

        assertThat(created).containsEntry("kind", "postgres").containsEntry("release", "1.4.3").containsEntry("reason", "before deploy 1.4.3")
                .containsEntry("build", "squad-api #42").containsKey("sha256");
        String id = (String) created.get("id");
        assertThat(id).matches("\\d{8}T\\d{6}\\.\\d{3}Z-postgres-app");
        Path dump = store.resolve(id).resolve("pg.dump");
        assertThat(Files.size(dump)).isEqualTo(((Number) created.get("size")).longValue());
        assertThat(Files.getPosixFilePermissions(dump)).containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        SnapshotMeta meta = SnapshotMeta.read(store.resolve(id).resolve("snapshot.json"));
        assertThat(meta.serverVersion()).startsWith("15.");
        assertThat(meta.sha256()).isEqualTo(HashingOutput.hashFile(dump, null).sha256());
        assertThat(meta.createdAt()).isNotBlank();
        assertThat(meta.durationMs()).isPositive();

        pg.executeAsSuperuser("CREATE DATABASE restored OWNER app");
        t.run(req(store, "restore").restoreTo("restored").confirm(true));
        assertThat(checksums("restored")).isEqualTo(checksums("app"));
        assertThat(checksums("restored").get("non-ascii")).isEqualTo("山田 太郎");
        assertThat(t.console()).contains("data-loss window").contains("checksum of " + id + " OK").contains("pg_restore --clean --if-exists --single-transaction");

        // the password went through a 0600 PGPASSFILE that is gone now, never through a command line
        t.assertNoSecretOnAnyCommandLine(pg.password());
        assertThat(t.invocations).anySatisfy(i -> assertThat(i.envKeys()).contains("PGPASSFILE"));
        assertThat(SnapshotTesting.passwordFiles()).as("password files left").isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(PasswordFiles.dir()))).isEqualTo("rwx------");
    }

    @Test
    void drCheckRestoresIntoAThrowawayDatabaseRunsTheChecksReportsRtoAndRpoAndDropsIt() throws Exception {
        SnapshotTesting t = new SnapshotTesting(pg.password());
        Path store = tmp.resolve("store");
        t.run(req(store, "create"));
        Map<String, String> sums = checksums("app");
        Map<String, Object> r = t.run(req(store, "verify").restoreTo("scratch").checks(List.of(
                "SELECT count(*) = 5005 FROM customers",
                "SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY t.id)) = '" + sums.get("orders") + "' FROM orders t",
                "SELECT count(*) = 20 FROM pg_largeobject_metadata")));

        assertThat(r).containsEntry("ok", true);
        assertThat(((Number) r.get("restoreMs")).longValue()).isPositive();
        assertThat(((Number) r.get("ageSeconds")).longValue()).isBetween(0L, 120L);
        @SuppressWarnings("unchecked")
        Map<String, Object> rows = (Map<String, Object>) r.get("rowCounts");
        assertThat(rows).containsEntry("public.customers", 5005L).containsEntry("public.orders", 20000L).containsEntry("public.blobs", 20L);
        assertThat(t.console()).containsPattern("DR check of .* passed: RTO .* \\(restore time\\), RPO .* \\(age of the snapshot\\), 3 check\\(s\\) passed");
        assertThat(scratchDatabases()).isEmpty();
        assertThat(new SnapshotTesting().service().run(SnapshotRequest.builder(store.toString()).action("list").build()).get("snapshots"))
                .asList().singleElement().satisfies(s -> assertThat(((Map<?, ?>) s).get("verified")).isEqualTo(true));

        // a check that does not hold fails the DR check, names it, and the scratch database is still dropped
        SnapshotTesting t2 = new SnapshotTesting(pg.password());
        assertThatThrownBy(() -> t2.run(req(store, "verify").restoreTo("scratch").checks(List.of("SELECT count(*) = 5005 FROM customers",
                "SELECT count(*) = 1 FROM customers"))))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("verification queries failed: checks[1] SELECT count(*) = 1 FROM customers → 'f' (expected true)");
        assertThat(scratchDatabases()).isEmpty();
        assertThat(t2.console()).contains("dropped scratch database");
    }

    @Test
    void directoryFormatWithParallelJobsIsChecksummedPerFileAndRestores() throws Exception {
        SnapshotTesting t = new SnapshotTesting(pg.password());
        Path store = tmp.resolve("store");
        SnapshotSource.Postgres dir = SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null, appCredential(), null, "directory", 2, 1, null, null);
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(dir));
        SnapshotMeta meta = SnapshotMeta.read(store.resolve((String) created.get("id")).resolve("snapshot.json"));
        assertThat(meta.dataFormat()).isEqualTo("pg_dump directory");
        assertThat(meta.files()).extracting(SnapshotMeta.FileEntry::name).contains("pg.dir/toc.dat").hasSizeGreaterThan(3);
        Map<String, Object> v = t.run(SnapshotRequest.builder(store.toString()).action("verify").source(dir).restoreTo("scratch")
                .checks(List.of("SELECT count(*) = 20000 FROM orders")));
        assertThat(v).containsEntry("ok", true);
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void aCorruptedSnapshotIsRefusedBeforeTheTargetIsTouched() throws Exception {
        SnapshotTesting t = new SnapshotTesting(pg.password());
        Path store = tmp.resolve("store");
        String id = (String) t.run(req(store, "create")).get("id");
        Map<String, String> before = checksums("app");
        try (RandomAccessFile f = new RandomAccessFile(store.resolve(id).resolve("pg.dump").toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customers (name) VALUES ('written after the snapshot')");
        }
        Map<String, String> withNewRow = checksums("app");

        assertThatThrownBy(() -> t.run(req(store, "restore").confirm(true)))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("snapshot " + id + " is corrupted: pg.dump has sha256")
                .hasMessageContaining("the restore was refused, app is untouched");
        assertThat(checksums("app")).isEqualTo(withNewRow).isNotEqualTo(before);
        assertThat(t.console()).doesNotContain("pg_restore --clean");

        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("verify")))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("verification failed for 1 of 1 snapshot(s)");
        new SnapshotTesting().service().run(SnapshotRequest.builder(store.toString()).action("list").build());
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM customers WHERE name = 'written after the snapshot'");
        }
    }

    @Test
    void restoringIntoTheLiveDatabaseNeedsConfirmAndSaysWhatWouldBeLost() throws Exception {
        SnapshotTesting t = new SnapshotTesting(pg.password());
        Path store = tmp.resolve("store");
        t.run(req(store, "create"));
        Map<String, String> before = checksums("app");
        assertThatThrownBy(() -> t.run(req(store, "restore")))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("Invalid parameter 'confirm'")
                .hasMessageContaining("into app replaces its data: everything written there after the snapshot taken")
                .hasMessageContaining("would be lost")
                .hasMessageContaining("Expected confirm: true to restore into app, or restoreTo: 'scratch'");
        assertThat(checksums("app")).isEqualTo(before);
    }

    @Test
    void unreachableServerAndWrongPasswordFailNamingTheCauseAndWriteNothing() throws Exception {
        Path store = tmp.resolve("store");
        SnapshotTesting ok = new SnapshotTesting(pg.password());
        String existing = (String) ok.run(req(store, "create")).get("id");
        Map<String, String> before = checksums("app");

        int closed = FreePorts.next();
        SnapshotTesting t = new SnapshotTesting(pg.password());
        SnapshotSource.Postgres unreachable = SnapshotSources.postgres("source", "127.0.0.1", closed, "app", null, appCredential(), null, null, null, null, null, null);
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).source(unreachable)))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("cannot connect to PostgreSQL postgresql://127.0.0.1:" + closed + "/app")
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("nothing was written to the store");

        String wrong = io.jenkins.plugins.squaddeploy.build.TestSecrets.generate("wrongpg");
        SnapshotTesting w = new SnapshotTesting(wrong, pg.password());
        SnapshotSource.Postgres badLogin = SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null,
                new Credential("app-db-wrong", pg.user(), wrong), null, null, null, null, null, null);
        assertThatThrownBy(() -> w.run(SnapshotRequest.builder(store.toString()).source(badLogin)))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("password authentication failed for user \"app\"")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
        w.assertNoSecretOnAnyCommandLine(wrong);

        assertThat(SnapshotTesting.ids(store)).containsExactly(existing);
        assertThat(SnapshotTesting.pending(store)).isEmpty();
        assertThat(checksums("app")).isEqualTo(before);
    }

    @Test
    void missingPgDumpIsNamedWithWhereItWasLookedFor() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin-without-pg_dump"));
        Files.createSymbolicLink(bin.resolve("psql"), pg.binDir().resolve("psql"));
        Path store = tmp.resolve("store");
        SnapshotTesting t = new SnapshotTesting(pg.password());
        SnapshotSource.Postgres noDump = SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null, appCredential(), null, null, null, null,
                bin.toString(), null);
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).source(noDump)))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining(bin.resolve("pg_dump") + " does not exist or is not executable on this machine")
                .hasMessageContaining("install the PostgreSQL client");

        // no client at all on the PATH of the tools
        SnapshotTesting p = new SnapshotTesting(pg.password()).withEnv(Map.of("PATH", bin.resolve("nothing").toString()));
        assertThatThrownBy(() -> p.run(req(store, "create")))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("psql not found on the PATH of this machine (" + bin.resolve("nothing") + ")");
        assertThat(SnapshotTesting.ids(store)).isEmpty();
        assertThat(SnapshotTesting.pending(store)).isEmpty();
    }

    @Test
    void aReadOnlyStoreAndAFullStoreFailNamingTheCauseAndKeepTheExistingSnapshots() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("mounted"));
        mount(store, "size=64m");
        try {
            SnapshotTesting t = new SnapshotTesting(pg.password());
            String existing = (String) t.run(req(store, "create")).get("id");
            long size = Files.size(store.resolve(existing).resolve("pg.dump"));

            Proc.run(Duration.ofSeconds(30), "mount", "-o", "remount,ro", store.toString()).orThrow();
            assertThatThrownBy(() -> t.run(req(store, "create")))
                    .isInstanceOf(SnapshotException.class)
                    .hasMessageContaining("store " + store + " is not writable: Read-only file system")
                    .hasMessageContaining("the existing snapshots were not changed");
            assertThat(SnapshotTesting.ids(store)).containsExactly(existing);
            Map<String, Object> listed = new SnapshotTesting().service().run(SnapshotRequest.builder(store.toString()).action("list").build());
            assertThat((List<?>) listed.get("snapshots")).hasSize(1);

            // a store with room for less than half a dump: the disk fills up while pg_dump streams
            Proc.run(Duration.ofSeconds(30), "mount", "-o", "remount,rw,size=" + Math.max(64, (Files.size(store.resolve(existing).resolve("pg.dump")) * 3 / 2) / 1024) + "k",
                    store.toString()).orThrow();
            assertThatThrownBy(() -> t.run(req(store, "create")))
                    .isInstanceOf(SnapshotException.class)
                    .hasMessageContaining("cannot write to the store after")
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("the partial snapshot was removed");
            assertThat(SnapshotTesting.ids(store)).containsExactly(existing);
            assertThat(SnapshotTesting.pending(store)).isEmpty();
            assertThat(Files.size(store.resolve(existing).resolve("pg.dump"))).isEqualTo(size);
            assertThat(new SnapshotTesting().service().run(SnapshotRequest.builder(store.toString()).action("verify").build())).containsEntry("ok", true);
        } finally {
            Proc.run(Duration.ofSeconds(30), "umount", store.toString());
        }
    }

    static void mount(Path dir, String options) {
        Proc.Result r = Proc.run(Duration.ofSeconds(30), "mount", "-t", "tmpfs", "-o", options + ",mode=0700", "squadtest-store", dir.toString());
        if (!r.ok()) {
            throw new IllegalStateException("this test mounts a small tmpfs as the store (needs root, as the whole test suite): " + r.stderr());
        }
    }

    @Test
    void passwordFilesAre0600InAPrivateDirectoryAndThoseOfDeadProcessesAreRemoved() throws Exception {
        Path orphan = PasswordFiles.dir().resolve("pgpass-2147483646-left-by-a-killed-jvm");
        Path mine = PasswordFiles.create("*:*:*:*:x\n");
        Files.writeString(orphan, "*:*:*:*:y\n");
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine))).isEqualTo("rw-------");
            Path second = PasswordFiles.create("*:*:*:*:z\n");
            assertThat(orphan).doesNotExist();
            assertThat(mine).exists();
            PasswordFiles.delete(second);
        } finally {
            PasswordFiles.delete(mine);
            Files.deleteIfExists(orphan);
        }
    }

    @Test
    void snapshotIdsThatAreNotIdsAreRefusedBeforeAnyPathIsBuilt() {
        for (String bad : List.of("../../etc/passwd", "/etc", "20261122T023545.123Z-x/../../y", "20261122T023545.123Z-..", "x")) {
            assertThatThrownBy(() -> req(tmp, "restore").snapshot(bad).confirm(true).build())
                    .isInstanceOf(ParameterException.class)
                    .hasMessageStartingWith("Invalid parameter 'snapshot': got '" + bad + "'")
                    .hasMessageContaining("Expected a snapshot ID as listed by action: 'list'");
        }
        assertThatThrownBy(() -> SnapshotSources.series("name", "../x")).isInstanceOf(ParameterException.class).hasMessageContaining("'name'");
    }
}
