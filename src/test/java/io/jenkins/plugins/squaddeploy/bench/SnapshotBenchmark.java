package io.jenkins.plugins.squaddeploy.bench;

import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotRequest;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotService;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import io.jenkins.plugins.squaddeploy.engine.snapshot.ToolRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./squad bench snapshot-postgres}: dbSnapshot against raw pg_dump on a generated database of about 1 GB (and
 * 100 MB for the memory comparison), on a throwaway PostgreSQL 15 of the testbed (fsync off, like every testbed server).
 * <ul>
 * <li>dump wall time: dbSnapshot create (the engine in a running JVM, as on a Jenkins agent) ÷ raw {@code pg_dump -Fc}
 * with the same compression level (the overhead of streaming + SHA-256 + metadata), ÷ raw {@code pg_dump -Fc} at its
 * default level, and ÷ the seed runbook's {@code pg_dump | gzip}; rounds alternate the order, medians are reported;</li>
 * <li>peak memory (max RSS, GNU time) of {@code squad snapshot create} in a fresh JVM for the 100 MB and the 1 GB database,
 * and the same run with {@code -Xmx32m} to show that the heap does not grow with the dump;</li>
 * <li>restore: dbSnapshot restore (checksum, then {@code pg_restore --clean --if-exists --single-transaction} from the
 * store) ÷ raw {@code pg_restore --single-transaction} of the same file, both into a new empty database.</li>
 * </ul>
 * Not part of any test run (it takes minutes and a few GB of disk).
 */
public final class SnapshotBenchmark {
    private static final ConsoleLog QUIET = new ConsoleLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
            System.out.println("  " + line);
        }
    };

    private SnapshotBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMb = intArg(args, "--size-mb", 1024);
        int smallMb = intArg(args, "--small-mb", 100);
        int rounds = intArg(args, "--rounds", 2);
        boolean restore = !Arrays.asList(args).contains("--no-restore");
        boolean dump = !Arrays.asList(args).contains("--no-dump");
        Path work = Files.createTempDirectory("squad-bench-snapshot-");
        try (PostgresFixture pg = PostgresFixture.create()) {
            pg.executeAsSuperuser("ALTER ROLE app CREATEDB", "CREATE DATABASE bench OWNER app", "CREATE DATABASE bench_small OWNER app");
            long t0 = System.nanoTime();
            long big = generate(pg, "bench", sizeMb);
            long small = generate(pg, "bench_small", smallMb);
            System.out.printf(Locale.ROOT, "snapshot-postgres: generated bench %d MB and bench_small %d MB (pg_database_size) in %.0f s%n",
                    big >> 20, small >> 20, (System.nanoTime() - t0) / 1e9);
            Bench b = new Bench(pg, work);

            System.out.println("  load average at start: " + loadAverage());
            if (dump) {
                List<Double> raw1 = new ArrayList<>();
                List<Double> snap1 = new ArrayList<>();
                List<Double> snapDump = new ArrayList<>();
                List<Double> gzip = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    List<Runnable> order = new ArrayList<>(List.of(
                            () -> raw1.add(b.timed(() -> b.rawPgDump("bench", 1))),
                            () -> {
                                snap1.add(b.timed(() -> b.dbSnapshot("bench", 1)));
                                snapDump.add(b.lastDurationMs / 1000.0);
                                b.lastSnapshotSize1 = b.lastSnapshotSize;
                            },
                            () -> gzip.add(b.timed(() -> b.pgDumpGzip("bench")))));
                    if (r % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    order.forEach(Runnable::run);
                    System.out.printf(Locale.ROOT, "  round %d: pg_dump -Fc -Z 1 %.1f s, dbSnapshot (compression 1) %.1f s, pg_dump | gzip %.1f s%n",
                            r + 1, raw1.get(r), snap1.get(r), gzip.get(r));
                }
                double raw6 = b.timed(() -> b.rawPgDump("bench", -1));
                double snap6 = b.timed(() -> b.dbSnapshot("bench", 6));
                System.out.printf(Locale.ROOT, "  pg_dump -Fc (default level) %.1f s, dbSnapshot (compression: 6) %.1f s%n", raw6, snap6);

                double mRaw1 = median(raw1);
                double mSnap1 = median(snap1);
                double mGzip = median(gzip);
                System.out.printf(Locale.ROOT, "dump of %d MB, median of %d rounds:%n", big >> 20, rounds);
                System.out.printf(Locale.ROOT, "  dbSnapshot (default, compression 1) %.1f s ÷ raw pg_dump -Fc -Z 1 %.1f s = %.3f (goal <= 1.05)%n", mSnap1, mRaw1, mSnap1 / mRaw1);
                System.out.printf(Locale.ROOT, "  of which the dump itself (snapshot.json durationMs: work dir to rename, without the psql/pg_dump --version checks) %.1f s = %.3f%n",
                        median(snapDump), median(snapDump) / mRaw1);
                System.out.printf(Locale.ROOT, "  dbSnapshot (compression: 6) %.1f s ÷ raw pg_dump -Fc (default level 6) %.1f s = %.3f%n", snap6, raw6, snap6 / raw6);
                System.out.printf(Locale.ROOT, "  dbSnapshot (default) %.1f s ÷ raw pg_dump -Fc (default level) %.1f s = %.3f%n", mSnap1, raw6, mSnap1 / raw6);
                System.out.printf(Locale.ROOT, "  dbSnapshot (default) %.1f s ÷ seed pg_dump | gzip %.1f s = %.3f (goal < 1.0)%n", mSnap1, mGzip, mSnap1 / mGzip);
                System.out.printf(Locale.ROOT, "  sizes: dbSnapshot (compression 1) %s, dbSnapshot (compression: 6) %s, pg_dump -Fc %s, pg_dump | gzip %s%n",
                        mb(b.lastSnapshotSize1), mb(b.lastSnapshotSize), mb(b.lastRawSize6), mb(b.lastGzipSize));

                for (String db : List.of("bench_small", "bench")) {
                    long[] dflt = b.cliPeak(db, null);
                    long[] capped = b.cliPeak(db, "-Xmx32m");
                    System.out.printf(Locale.ROOT, "peak memory of squad snapshot create, %s (%d MB): max RSS %d MB (default heap), %d MB with -Xmx32m (exit %d); wall %.1f s%n",
                            db, (db.equals("bench") ? big : small) >> 20, dflt[1] >> 10, capped[1] >> 10, capped[2], dflt[0] / 1000.0);
                }

            }
            if (restore) {
                Path file = b.snapshotFile();
                List<Double> rawR = new ArrayList<>();
                List<Double> snapR = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    String d1 = "restore_raw_" + r;
                    String d2 = "restore_snap_" + r;
                    pg.executeAsSuperuser("CREATE DATABASE " + d1 + " OWNER app", "CREATE DATABASE " + d2 + " OWNER app");
                    // alternate the order: the first restore's checkpoints (1.2 GB of WAL) would slow down the second
                    if (r % 2 == 0) {
                        rawR.add(b.timed(() -> b.rawPgRestore(file, d1)));
                        snapR.add(b.timed(() -> b.dbSnapshotRestore(d2)));
                    } else {
                        snapR.add(b.timed(() -> b.dbSnapshotRestore(d2)));
                        rawR.add(b.timed(() -> b.rawPgRestore(file, d1)));
                    }
                    pg.executeAsSuperuser("DROP DATABASE " + d1, "DROP DATABASE " + d2);
                    System.out.printf(Locale.ROOT, "  restore round %d: pg_restore --single-transaction %.1f s, dbSnapshot restore %.1f s (of which checksum %.1f s)%n",
                            r + 1, rawR.get(r), snapR.get(r), b.lastChecksumSeconds);
                }
                System.out.printf(Locale.ROOT, "  restore: dbSnapshot %.1f s ÷ raw pg_restore %.1f s = %.3f%n", median(snapR), median(rawR), median(snapR) / median(rawR));
            }
            System.out.println("  load average at end: " + loadAverage());
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s, %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"), b.pgDumpVersion());
        } finally {
            deleteTree(work);
            Files.deleteIfExists(work);
        }
    }

    /** Fills {@code db} with generated events until pg_database_size reaches {@code mb}; returns the size. */
    static long generate(PostgresFixture pg, String db, int mb) throws Exception {
        try (Connection c = PostgresFixture.connect("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + db, pg.user(), pg.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text, country text)");
            s.execute("INSERT INTO customers SELECT g, 'customer ' || g, (array['DE','FR','JP','BR','US'])[1 + g % 5] FROM generate_series(1, 50000) g");
            s.execute("CREATE TABLE events (id bigint PRIMARY KEY, customer_id int, created_at timestamptz, kind text, payload text)");
            long next = 1;
            long size = 0;
            long chunk = 500_000;
            while (size < (long) mb << 20) {
                s.execute("INSERT INTO events SELECT g, 1 + g % 50000, timestamptz '2026-01-01' + g * interval '1 second', "
                        + "(array['click','view','buy','signup'])[1 + g % 4], md5(g::text) || ' ' || repeat(chr(97 + (g % 26)::int), 20) || ' ' || md5((g * 7)::text) "
                        + "FROM generate_series(" + next + ", " + (next + chunk - 1) + ") g");
                next += chunk;
                try (ResultSet r = s.executeQuery("SELECT pg_database_size(current_database())")) {
                    r.next();
                    size = r.getLong(1);
                }
                if (size > 0 && next == 1 + chunk) {
                    chunk = Math.max(100_000, Math.min(2_000_000, chunk * ((long) mb << 20) / size / 4));
                }
            }
            s.execute("VACUUM ANALYZE");
            return size;
        }
    }

    /** One benchmark run: the commands compared, all against the same server with the same client binaries. */
    static final class Bench {
        final PostgresFixture pg;
        final Path work;
        final Map<String, String> env = new LinkedHashMap<>();
        final String bin;
        long lastSnapshotSize;
        long lastSnapshotSize1;
        long lastDurationMs;
        long lastRawSize6;
        long lastGzipSize;
        double lastChecksumSeconds;
        int run;

        Bench(PostgresFixture pg, Path work) {
            this.pg = pg;
            this.work = work;
            this.bin = pg.binDir().toString();
            env.putAll(System.getenv());
            env.putAll(pg.libpqEnv());
        }

        interface Step {
            void run() throws Exception;
        }

        double timed(Step s) {
            try {
                long t = System.nanoTime();
                s.run();
                return (System.nanoTime() - t) / 1e9;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Path fresh(String name) throws IOException {
            Path d = work.resolve(name + "-" + (run++));
            deleteTree(work);
            Files.createDirectories(d);
            return d;
        }

        void sh(List<String> cmd) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(cmd + " failed: " + out);
            }
        }

        void rawPgDump(String db, int level) throws Exception {
            Path f = fresh("raw").resolve("pg.dump");
            List<String> cmd = new ArrayList<>(List.of(bin + "/pg_dump", "-Fc"));
            if (level >= 0) {
                cmd.addAll(List.of("-Z", Integer.toString(level)));
            }
            cmd.addAll(List.of("-d", db, "-f", f.toString()));
            sh(cmd);
            if (level < 0) {
                lastRawSize6 = Files.size(f);
            }
        }

        void pgDumpGzip(String db) throws Exception {
            Path f = fresh("gzip").resolve("dump.sql.gz");
            sh(List.of("sh", "-c", "\"$0\"/pg_dump -d \"$1\" | gzip > \"$2\"", bin, db, f.toString()));
            lastGzipSize = Files.size(f);
        }

        SnapshotSource.Postgres source(String db, int level) {
            return SnapshotSources.postgres("source", "127.0.0.1", pg.port(), db, null, new Credential("bench", pg.user(), pg.password()), null,
                    null, null, level, bin, null);
        }

        Path store;

        void dbSnapshot(String db, int level) throws Exception {
            store = fresh("store");
            Map<String, Object> r = new SnapshotService(ToolRunner.local(), QUIET, Clock.systemUTC())
                    .run(SnapshotRequest.builder(store.toString()).source(source(db, level)).timeout(Duration.ofHours(2)).build());
            lastSnapshotSize = ((Number) r.get("size")).longValue();
            lastDurationMs = ((Number) r.get("durationMs")).longValue();
        }

        /** A fresh snapshot of the big database with the default settings, kept for the restore rounds. */
        Path snapshotFile() throws Exception {
            dbSnapshot("bench", 1);
            try (Stream<Path> s = Files.walk(store)) {
                return s.filter(p -> p.getFileName().toString().equals("pg.dump")).findFirst().orElseThrow();
            }
        }

        void rawPgRestore(Path file, String db) throws Exception {
            sh(List.of(bin + "/pg_restore", "--single-transaction", "-d", db, file.toString()));
        }

        void dbSnapshotRestore(String db) throws Exception {
            long t = System.nanoTime();
            io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotStore st =
                    io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotStore.open(store, false);
            String id = st.list(QUIET).get(0).id();
            List<String> lines = new ArrayList<>();
            ConsoleLog log = new ConsoleLog() {
                @Override
                public void info(String line) {
                    lines.add(line);
                    if (line.contains("checksum of") && line.endsWith("OK")) {
                        lastChecksumSeconds = (System.nanoTime() - t) / 1e9;
                    }
                }

                @Override
                public void warn(String line) {
                    info(line);
                }
            };
            new SnapshotService(ToolRunner.local(), log, Clock.systemUTC()).run(SnapshotRequest.builder(store.toString()).action("restore")
                    .source(source("bench", 1)).snapshot(id).restoreTo(db).confirm(true).timeout(Duration.ofHours(2)).build());
        }

        /** {elapsed ms, max RSS KB, exit} of squad snapshot create in a new JVM under GNU time. */
        long[] cliPeak(String db, String jvmOption) throws Exception {
            Path s = fresh("cli");
            Path timeOut = work.resolve("time-" + run + ".txt");
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %M", "-o", timeOut.toString(),
                    ProcessHandle.current().info().command().orElse("java")));
            if (jvmOption != null) {
                cmd.add(jvmOption);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.jenkins.plugins.squaddeploy.cli.SquadCli", "snapshot", "create",
                    "--store", s.toString(), "--kind", "postgres", "--host", "127.0.0.1", "--port", Integer.toString(pg.port()),
                    "--database", db, "--credentials", "bench", "--bin-dir", bin, "--progress", "3600"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("SQUAD_CRED_BENCH_USERNAME", pg.user());
            pb.environment().put("SQUAD_CRED_BENCH_PASSWORD", pg.password());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                System.out.println(out);
            }
            String[] f = Files.readString(timeOut).strip().split("\\s+");
            return new long[] {(long) (Double.parseDouble(f[f.length - 2]) * 1000), Long.parseLong(f[f.length - 1]), exit};
        }

        String pgDumpVersion() throws Exception {
            Process p = new ProcessBuilder(bin + "/pg_dump", "--version").start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Comparator.naturalOrder());
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }
}
