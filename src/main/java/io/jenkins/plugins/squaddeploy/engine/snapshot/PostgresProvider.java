package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * PostgreSQL with the real client tools: {@code psql} (versions, scratch databases, checks), {@code pg_dump}
 * (custom format streamed to the store; directory format with parallel jobs) and {@code pg_restore}
 * ({@code --clean --if-exists --single-transaction}). The password reaches the tools as a 0600 PGPASSFILE in a
 * private temporary directory deleted afterwards (local client), as PGPASSWORD passed by name with
 * {@code docker exec -e PGPASSWORD} (container), or on stdin to a constant wrapper in the pod ({@code kubectl exec -i}):
 * never on a command line.
 */
final class PostgresProvider implements Provider {
    static final String CUSTOM_FILE = "pg.dump";
    static final String DIRECTORY_FILE = "pg.dir";
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");
    private static final DateTimeFormatter SCRATCH_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final SnapshotSource.Postgres src;

    /** @param src the source, or null when only the archive is checked (verify without a source) */
    PostgresProvider(SnapshotSource.Postgres src) {
        this.src = src;
    }

    // ---------------------------------------------------------------- login and argv

    /** The environment that carries the login to the tools, and what to delete afterwards. */
    private final class Login implements AutoCloseable {
        final Map<String, String> env = new LinkedHashMap<>();
        final List<String> pass = new ArrayList<>();
        private Path file;

        Login() throws SnapshotException {
            env.put("PGCONNECT_TIMEOUT", "10");
            env.put("PGAPPNAME", "squad-dbSnapshot");
            pass.addAll(List.of("PGCONNECT_TIMEOUT", "PGAPPNAME"));
            if (src.exec().kube() != null) {
                // kubectl exec sets no variables: they go on the tool's stdin through ExecPrefix's constant wrapper
                if (src.credential() != null) {
                    env.put("PGPASSWORD", src.credential().secret());
                    pass.add("PGPASSWORD");
                }
                env.put(ToolRunner.STDIN_VARIABLES, String.join(" ", pass));
                return;
            }
            if (src.credential() == null) {
                return;
            }
            String password = src.credential().secret();
            if (!src.exec().local()) {
                env.put("PGPASSWORD", password);
                pass.add("PGPASSWORD");
                return;
            }
            try {
                file = PasswordFiles.create("*:*:*:*:" + password.replace("\\", "\\\\").replace(":", "\\:") + "\n");
                env.put("PGPASSFILE", file.toString());
            } catch (IOException e) {
                throw new SnapshotException("cannot write the temporary password file for the PostgreSQL tools: " + SnapshotStore.reason(e));
            }
        }

        @Override
        public void close() {
            if (file != null) {
                PasswordFiles.delete(file);
                file = null;
            }
        }
    }

    private String bin(String tool) {
        return src != null && src.binDir() != null ? src.binDir().replaceAll("/+$", "") + "/" + tool : tool;
    }

    private List<String> conn() {
        List<String> a = new ArrayList<>();
        if (src.host() != null) {
            a.addAll(List.of("-h", src.host()));
        }
        if (src.port() != null) {
            a.addAll(List.of("-p", Integer.toString(src.port())));
        }
        if (src.loginUser() != null) {
            a.addAll(List.of("-U", src.loginUser()));
        }
        return a;
    }

    private List<String> argv(Ctx c, Login l, boolean stdin, List<String> cmd) throws SnapshotException, InterruptedException {
        return ExecPrefix.wrap(c, src.exec(), cmd, l.pass, stdin);
    }

    private List<String> psql(String database, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(bin("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"));
        cmd.addAll(conn());
        cmd.addAll(List.of("-d", database));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Runs SQL with psql (given on stdin, so no quoting and no length limit) and returns its trimmed output. */
    private String sql(Ctx c, Login l, String database, String sql, String what) throws SnapshotException, InterruptedException {
        CommandResult r = c.run(argv(c, l, true, psql(database, "-f", "-")), l.env, sql.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(30));
        if (!r.succeeded()) {
            throw new SnapshotException(what + " failed on " + where(database) + ": " + pgMessage(r));
        }
        return r.stdout().strip();
    }

    private String where(String database) {
        return "postgresql://" + (src.host() == null ? "(socket)" : src.host()) + (src.port() == null ? "" : ":" + src.port()) + "/" + database
                + (src.exec().local() ? "" : " (" + src.exec().describe() + ")");
    }

    /** A tool's error without its program prefix ({@code psql: error: }), on one line. */
    static String pgMessage(CommandResult r) {
        return Ctx.failure(r).replaceAll("(psql|pg_dump|pg_restore): (error|fatal|FATAL): ", "").replaceAll("\\s+", " ");
    }

    // ---------------------------------------------------------------- create

    @Override
    public Preflight preflight(Ctx c) throws SnapshotException, InterruptedException {
        try (Login l = new Login()) {
            String version;
            CommandResult r = c.run(argv(c, l, true, psql(src.database(), "-f", "-")), l.env, "SHOW server_version".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60));
            if (!r.succeeded()) {
                throw new SnapshotException("cannot connect to PostgreSQL " + src.describe() + ": " + pgMessage(r)
                        + "; nothing was written to the store");
            }
            version = r.stdout().strip();
            CommandResult t = c.run(argv(c, l, false, List.of(bin("pg_dump"), "--version")), l.env, null, Duration.ofSeconds(60));
            if (!t.succeeded()) {
                throw new SnapshotException("pg_dump cannot run" + (src.exec().local() ? "" : " in " + src.exec().describe()) + ": " + Ctx.failure(t));
            }
            return new Preflight(version, t.stdout().strip());
        }
    }

    @Override
    public Created create(Ctx c, String id, Path dir) throws SnapshotException, InterruptedException {
        try (Login l = new Login()) {
            if (SnapshotSource.Postgres.DIRECTORY.equals(src.format())) {
                return createDirectory(c, l, dir);
            }
            List<String> cmd = new ArrayList<>(List.of(bin("pg_dump"), "-Fc", "-Z", Integer.toString(src.compression())));
            cmd.addAll(conn());
            cmd.addAll(List.of("-d", src.database()));
            Path file = dir.resolve(CUSTOM_FILE);
            c.log.info("dbSnapshot: pg_dump -Fc -Z " + src.compression() + " " + src.describe() + " → " + file);
            HashingOutput out;
            try {
                out = new HashingOutput(file, c.progress("pg_dump"));
            } catch (IOException e) {
                throw new SnapshotException("cannot write to the store: " + SnapshotStore.reason(e));
            }
            HashingOutput.Result h;
            try {
                CommandResult r = c.tools.pipeOut(argv(c, l, false, cmd), l.env, out::copyFrom, c.remaining());
                if (!r.succeeded()) {
                    throw new SnapshotException("pg_dump of " + src.describe() + " failed (" + pgMessage(r) + "); the partial snapshot was removed");
                }
                h = out.finish();
            } catch (ToolRunner.SinkFailure e) {
                throw new SnapshotException("cannot write to the store after " + Progress.bytes(out.count()) + ": " + SnapshotStore.reason(e.getCause())
                        + "; the partial snapshot was removed");
            } catch (IOException e) {
                throw new SnapshotException("cannot write to the store: " + SnapshotStore.reason(e) + "; the partial snapshot was removed");
            } finally {
                out.closeQuietly();
            }
            requireMagic(file, "PGDMP", "pg_dump wrote no custom-format archive");
            return new Created("pg_dump custom", List.of(new SnapshotMeta.FileEntry(CUSTOM_FILE, h.size(), h.sha256())), h.size(), h.sha256(),
                    Map.of("compression", src.compression()));
        }
    }

    private Created createDirectory(Ctx c, Login l, Path dir) throws SnapshotException, InterruptedException {
        Path out = dir.resolve(DIRECTORY_FILE);
        List<String> cmd = new ArrayList<>(List.of(bin("pg_dump"), "-Fd", "-j", Integer.toString(src.jobs()), "-Z", Integer.toString(src.compression()),
                "-f", out.toString()));
        cmd.addAll(conn());
        cmd.addAll(List.of("-d", src.database()));
        c.log.info("dbSnapshot: pg_dump -Fd -j " + src.jobs() + " " + src.describe() + " → " + out);
        Progress progress = c.progress("pg_dump");
        CommandResult r;
        try (SizeWatcher w = new SizeWatcher(out, progress, c.req.progressEvery())) {
            r = c.tools.run(argv(c, l, false, cmd), l.env, null, c.remaining());
        }
        if (!r.succeeded()) {
            throw new SnapshotException("pg_dump of " + src.describe() + " failed (" + pgMessage(r) + "); the partial snapshot was removed");
        }
        // pg_dump writes the directory itself (its parallel workers), so the checksums are a second read of files
        // that were just written: from the page cache as a rule.
        List<SnapshotMeta.FileEntry> files = new ArrayList<>();
        StringBuilder manifest = new StringBuilder();
        long total = 0;
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                HashingOutput.Result h = HashingOutput.hashFile(f, null);
                String name = dir.relativize(f).toString();
                files.add(new SnapshotMeta.FileEntry(name, h.size(), h.sha256()));
                manifest.append(h.sha256()).append("  ").append(name).append('\n');
                total += h.size();
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new SnapshotException("cannot read back the directory dump in the store: " + SnapshotStore.reason(e));
        }
        String sha = java.util.HexFormat.of().formatHex(HashingOutput.sha256().digest(manifest.toString().getBytes(StandardCharsets.UTF_8)));
        return new Created("pg_dump directory", files, total, sha, Map.of("jobs", src.jobs(), "compression", src.compression()));
    }

    static void requireMagic(Path file, String magic, String problem) throws SnapshotException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(magic.length());
            if (!new String(head, StandardCharsets.ISO_8859_1).equals(magic)) {
                throw new SnapshotException(problem + " (the output does not start with " + magic + "); the partial snapshot was removed");
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot read back " + file + ": " + SnapshotStore.reason(e));
        }
    }

    // ---------------------------------------------------------------- verify

    @Override
    public String check(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException, InterruptedException {
        Path data = s.dir().resolve(s.meta().dataFormat().endsWith("directory") ? DIRECTORY_FILE : CUSTOM_FILE);
        boolean directory = Files.isDirectory(data);
        CommandResult r;
        if (src != null && !directory) {
            try (Login l = new Login()) {
                r = c.tools.pipeIn(argv(c, l, true, List.of(bin("pg_restore"), "--list")), l.env, data, c.remaining(Duration.ofMinutes(30)));
            }
        } else {
            String tool = bin("pg_restore");
            if (c.tools.which(tool, Map.of()) == null) {
                return "pg_restore not found here: archive not read";
            }
            r = c.run(List.of(tool, "--list", data.toString()), Map.of(), null, Duration.ofMinutes(30));
        }
        if (!r.succeeded()) {
            throw new SnapshotException("pg_restore cannot read the archive of " + s.id() + ": " + pgMessage(r));
        }
        long entries = r.stdout().lines().filter(x -> !x.startsWith(";") && !x.isBlank()).count();
        return "pg_restore reads " + entries + " archive entries";
    }

    // ---------------------------------------------------------------- restore

    @Override
    public String target(Ctx c, String restoreTo) {
        if (restoreTo == null) {
            return src.database();
        }
        if (SnapshotRequest.SCRATCH.equals(restoreTo)) {
            return restoreTo;
        }
        if (!DATABASE.matcher(restoreTo).matches()) {
            throw new ParameterException("restoreTo", "got " + ParameterException.show(restoreTo), "'scratch' or the name of an existing database on the source's server");
        }
        return restoreTo;
    }

    @Override
    public boolean destructive(Ctx c, String target) {
        return !SnapshotRequest.SCRATCH.equals(target);
    }

    @Override
    public Restored restore(Ctx c, SnapshotStore.Snapshot s, String target) throws SnapshotException, InterruptedException {
        boolean scratch = SnapshotRequest.SCRATCH.equals(target);
        try (Login l = new Login()) {
            String db = scratch ? createScratch(c, l) : target;
            Map<String, Object> details = new LinkedHashMap<>();
            try {
                long restoreMs = pgRestore(c, l, s, db, !scratch);
                if (scratch) {
                    details.put("scratchDatabase", db);
                    details.put("rowCounts", rowCounts(c, l, db));
                    details.put("checks", runChecks(c, l, db, restoreMs));
                }
                return new Restored(scratch ? "scratch database " + db : where(db), restoreMs, details);
            } finally {
                if (scratch) {
                    dropScratch(c, l, db);
                }
            }
        }
    }

    private long pgRestore(Ctx c, Login l, SnapshotStore.Snapshot s, String db, boolean clean) throws SnapshotException, InterruptedException {
        Path data = s.dir().resolve(CUSTOM_FILE);
        Path dirData = s.dir().resolve(DIRECTORY_FILE);
        List<String> cmd = new ArrayList<>(List.of(bin("pg_restore")));
        if (clean) {
            cmd.addAll(List.of("--clean", "--if-exists"));
        }
        cmd.add("--single-transaction");
        cmd.addAll(conn());
        cmd.addAll(List.of("-d", db));
        long start = System.nanoTime();
        c.log.info("dbSnapshot: pg_restore " + (clean ? "--clean --if-exists " : "") + "--single-transaction " + s.id() + " → " + where(db));
        CommandResult r;
        if (Files.isDirectory(dirData)) {
            if (!src.exec().local()) {
                throw new SnapshotException("a directory-format snapshot can only be restored with the local client");
            }
            cmd.add(dirData.toString());
            r = c.run(argv(c, l, false, cmd), l.env, null, c.remaining());
        } else {
            r = c.tools.pipeIn(argv(c, l, true, cmd), l.env, data, c.remaining());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (!r.succeeded()) {
            throw new SnapshotException("pg_restore into " + where(db) + " failed (" + pgMessage(r) + "); "
                    + "--single-transaction rolled everything back, the database is as it was");
        }
        return ms;
    }

    private String createScratch(Ctx c, Login l) throws SnapshotException, InterruptedException {
        String name = "squad_scratch_" + SCRATCH_TIME.format(c.clock.instant()) + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        sql(c, l, src.maintenanceDatabase(), "CREATE DATABASE \"" + name + "\"", "creating the scratch database " + name
                + " (the user needs the CREATEDB privilege)");
        c.log.info("dbSnapshot: created scratch database " + name);
        return name;
    }

    private void dropScratch(Ctx c, Login l, String name) throws InterruptedException {
        try {
            sql(c, l, src.maintenanceDatabase(), "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)", "dropping the scratch database " + name);
            c.log.info("dbSnapshot: dropped scratch database " + name);
        } catch (SnapshotException e) {
            c.log.warn("dbSnapshot: could not drop the scratch database " + name + ": " + e.getMessage() + "; drop it by hand");
        }
    }

    private Map<String, Object> rowCounts(Ctx c, Login l, String db) throws SnapshotException, InterruptedException {
        String q = "SELECT format('%I.%I', n.nspname, c.relname) || '|' || "
                + "(xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
                + "ORDER BY 1 LIMIT 500";
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String line : sql(c, l, db, q, "counting rows").lines().toList()) {
            int bar = line.lastIndexOf('|');
            if (bar > 0) {
                counts.put(line.substring(0, bar), Long.parseLong(line.substring(bar + 1).strip()));
            }
        }
        return counts;
    }

    private List<Map<String, Object>> runChecks(Ctx c, Login l, String db, long restoreMs) throws SnapshotException, InterruptedException {
        List<Map<String, Object>> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> checks = c.req.checks();
        for (int i = 0; i < checks.size(); i++) {
            String q = checks.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("query", q);
            String answer;
            try {
                answer = sql(c, l, db, q, "check " + (i + 1));
            } catch (SnapshotException e) {
                answer = null;
                m.put("error", e.getMessage());
            }
            boolean ok = answer != null && (answer.equals("t") || answer.equalsIgnoreCase("true"));
            m.put("passed", ok);
            if (answer != null) {
                m.put("answer", answer);
            }
            c.log.info("dbSnapshot: check " + (i + 1) + " " + (ok ? "passed" : "FAILED") + ": " + q + (ok ? "" : " → " + (answer == null ? m.get("error") : "'" + answer + "'")));
            if (!ok) {
                failed.add("checks[" + i + "] " + q + " → " + (answer == null ? m.get("error") : "'" + answer + "' (expected true)"));
            }
            results.add(m);
        }
        if (!failed.isEmpty()) {
            throw new ChecksFailed(String.join("; ", failed), results, restoreMs, "scratch database " + db);
        }
        return results;
    }

    /** Verification queries that did not answer true; the scratch database is still dropped. */
    static final class ChecksFailed extends SnapshotException {
        private static final long serialVersionUID = 1L;
        final transient List<Map<String, Object>> results;
        /** The failed checks alone, without the prefix of the message. */
        final String failed;
        /** The restore itself succeeded: how long it took, and where (for a drill's RTO). */
        final long restoreMs;
        final String target;

        ChecksFailed(String failed, List<Map<String, Object>> results, long restoreMs, String target) {
            super("verification queries failed: " + failed);
            this.failed = failed;
            this.results = results;
            this.restoreMs = restoreMs;
            this.target = target;
        }
    }

    /** Prints the size of a directory being written by another process, as progress. */
    private static final class SizeWatcher implements AutoCloseable {
        private final Thread thread;

        SizeWatcher(Path dir, Progress progress, Duration every) {
            thread = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(Math.max(100, every.toMillis() / 4));
                        progress.update(SnapshotStore.sizeOf(dir));
                    }
                } catch (InterruptedException done) {
                    // closed
                }
            }, "squad-snapshot-progress");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
