package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The dbSnapshot actions, the same for the Jenkins step and the CLI: create (default), list, verify, restore, prune,
 * drill (the DR drill of one store: restore the newest snapshot into scratch, smoke checks, RTO and RPO against their
 * objectives, the JUnit/HTML audit report) and freshness (is the newest verified snapshot younger than a limit).
 * Runs where the store is (the agent), with the tools found there. Every action returns a map of plain values (the
 * step's return value, the CLI's JSON); a failure is a {@link SnapshotException} naming the cause, and a wrong
 * parameter a {@link ParameterException} naming the parameter. Neither leaves anything half-done in the store.
 */
public final class SnapshotService {
    private final ToolRunner tools;
    private final ConsoleLog log;
    private final Clock clock;

    public SnapshotService(ToolRunner tools, ConsoleLog log, Clock clock) {
        this.tools = tools;
        this.log = log;
        this.clock = clock;
    }

    public Map<String, Object> run(SnapshotRequest req) throws SnapshotException, InterruptedException {
        try (Ctx c = new Ctx(tools, log, clock, req)) {
            return switch (req.action()) {
                case CREATE -> create(c);
                case LIST -> list(c);
                case VERIFY -> verify(c);
                case RESTORE -> restore(c);
                case PRUNE -> prune(c);
                case DRILL -> drill(c);
                case FRESHNESS -> freshness(c);
            };
        }
    }

    static Provider provider(String kind, SnapshotSource source) {
        if (source != null && !source.kind().equals(kind)) {
            throw new ParameterException("source", "is a " + source.kind() + " source but the snapshot is of kind " + kind,
                    "a " + kind + "Source(...) for this snapshot");
        }
        return switch (kind) {
            case "postgres" -> new PostgresProvider((SnapshotSource.Postgres) source);
            case "redis" -> new RedisProvider((SnapshotSource.Redis) source);
            case "files" -> new FilesProvider((SnapshotSource.Files) source);
            case "rds" -> new RdsProvider((SnapshotSource.Rds) source);
            default -> throw new ParameterException("source.kind", "unknown kind " + ParameterException.show(kind), "one of " + SnapshotSources.KINDS);
        };
    }

    // ---------------------------------------------------------------- create

    private Map<String, Object> create(Ctx c) throws SnapshotException, InterruptedException {
        SnapshotRequest req = c.req;
        SnapshotStore store = SnapshotStore.open(Path.of(req.store()), true);
        store.cleanInterrupted(log);
        Provider p = provider(req.source().kind(), req.source());
        log.info("dbSnapshot: snapshot of " + req.source().describe() + " (series " + req.series() + ") into " + store.root()
                + (req.release() == null ? "" : ", protecting release " + req.release()));
        Provider.Preflight pre = p.preflight(c);
        if (pre.serverVersion() != null) {
            log.info("dbSnapshot: server version " + pre.serverVersion() + ", " + pre.tool());
        }
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        SnapshotStore.Pending pending = store.begin(req.series(), started);
        try {
            Provider.Created created = p.create(c, pending.id(), pending.dir());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            SnapshotMeta meta = new SnapshotMeta(SnapshotMeta.FORMAT, pending.id(), req.series(), req.source().kind(), req.source().describe(),
                    req.source().details(), pre.serverVersion(), pre.tool(), created.dataFormat(), started.toString(), clock.instant().toString(), ms,
                    created.size(), created.sha256(), created.files(), req.build(), req.reason(), req.release(), created.extra());
            SnapshotStore.Snapshot s = pending.commit(meta);
            log.info("dbSnapshot: created " + s.id() + ": " + Progress.bytes(created.size())
                    + (created.sha256() == null ? "" : ", sha256 " + created.sha256().substring(0, 16) + "…")
                    + " in " + Progress.human(Duration.ofMillis(ms))
                    + (created.size() > 0 ? " (" + Progress.rate(created.size(), ms * 1_000_000L) + ")" : ""));
            Map<String, Object> out = meta.toMap();
            out.put("path", s.dir().toString());
            out.put("store", store.root().toString());
            return out;
        } finally {
            pending.abort(); // no-op after commit
        }
    }

    // ---------------------------------------------------------------- list

    private Map<String, Object> list(Ctx c) throws SnapshotException {
        SnapshotStore store = SnapshotStore.open(Path.of(c.req.store()), false);
        store.cleanInterrupted(log);
        List<SnapshotStore.Snapshot> all = filtered(store, c.req.series());
        Instant now = clock.instant();
        log.info("dbSnapshot: " + all.size() + " snapshot(s)" + (c.req.series() == null ? "" : " of series " + c.req.series()) + " in " + store.root());
        if (!all.isEmpty()) {
            log.detail(String.format(Locale.ROOT, "%-44s %-8s %10s %12s %-9s %-12s %s", "ID", "KIND", "SIZE", "AGE", "VERIFIED", "RELEASE", "REASON"));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SnapshotStore.Snapshot s : all) {
            log.detail(String.format(Locale.ROOT, "%-44s %-8s %10s %12s %-9s %-12s %s", s.id(), s.meta().kind(), Progress.bytes(s.meta().size()),
                    Progress.human(Duration.between(s.time(), now)), s.verification() == null ? "-" : s.verified() ? "yes" : "FAILED",
                    Objects.toString(s.meta().release(), "-"), Objects.toString(s.meta().reason(), "")));
            rows.add(row(s));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.root().toString());
        out.put("snapshots", rows);
        return out;
    }

    private static Map<String, Object> row(SnapshotStore.Snapshot s) {
        Map<String, Object> m = s.meta().toMap();
        m.put("path", s.dir().toString());
        m.put("verified", s.verified());
        if (s.verification() != null) {
            m.put("verification", s.verification().toMap());
        }
        return m;
    }

    private List<SnapshotStore.Snapshot> filtered(SnapshotStore store, String series) throws SnapshotException {
        List<SnapshotStore.Snapshot> all = store.list(log);
        return series == null ? all : all.stream().filter(s -> s.meta().series().equals(series)).toList();
    }

    /** The snapshot the request names, or the newest of its series. */
    private SnapshotStore.Snapshot pick(SnapshotStore store, SnapshotRequest req) throws SnapshotException {
        List<SnapshotStore.Snapshot> all = store.list(log);
        if (req.snapshotId() != null) {
            return all.stream().filter(s -> s.id().equals(req.snapshotId())).findFirst().orElseThrow(() -> new ParameterException("snapshot",
                    "no snapshot " + req.snapshotId() + " in store " + store.root() + " (" + all.size() + " snapshot(s) there"
                            + (all.isEmpty() ? "" : ", newest " + all.get(all.size() - 1).id()) + ")", SnapshotId.FORM));
        }
        List<SnapshotStore.Snapshot> series = all.stream().filter(s -> s.meta().series().equals(req.series())).toList();
        if (series.isEmpty()) {
            throw new SnapshotException("no snapshot of series " + req.series() + " in store " + store.root()
                    + (all.isEmpty() ? " (the store is empty)" : " (series there: " + all.stream().map(s -> s.meta().series()).distinct().toList() + ")"));
        }
        return series.get(series.size() - 1);
    }

    // ---------------------------------------------------------------- verify

    private Map<String, Object> verify(Ctx c) throws SnapshotException, InterruptedException {
        SnapshotRequest req = c.req;
        SnapshotStore store = SnapshotStore.open(Path.of(req.store()), false);
        store.cleanInterrupted(log);
        List<SnapshotStore.Snapshot> targets;
        if (req.snapshotId() != null || req.scratch()) {
            targets = List.of(pick(store, req));
        } else {
            targets = filtered(store, req.series());
            if (targets.isEmpty()) {
                throw new SnapshotException("no snapshot" + (req.series() == null ? "" : " of series " + req.series()) + " in store " + store.root() + " to verify");
            }
        }
        List<Map<String, Object>> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (SnapshotStore.Snapshot s : targets) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", s.id());
            try {
                checksum(c, s);
                Provider p = provider(s.meta().kind(), req.source() != null && req.source().kind().equals(s.meta().kind()) ? req.source() : null);
                String checked = s.meta().kind().equals("rds") && req.source() == null ? "rds: give the source to ask AWS" : p.check(c, s);
                r.put("check", checked);
                log.info("dbSnapshot: " + s.id() + ": checksum OK, " + checked);
                if (req.scratch()) {
                    r.putAll(drCheck(c, s, p));
                }
                Verification v = new Verification(clock.instant().toString(), req.scratch() ? "restore" : "checksum", true, null,
                        (Long) r.get("restoreMs"), (Long) r.get("ageSeconds"));
                record(store, s, v);
                r.put("ok", true);
            } catch (SnapshotException e) {
                record(store, s, new Verification(clock.instant().toString(), req.scratch() ? "restore" : "checksum", false, e.getMessage(), null, null));
                r.put("ok", false);
                r.put("error", e.getMessage());
                if (e instanceof PostgresProvider.ChecksFailed cf) {
                    r.put("checks", cf.results);
                }
                failures.add(s.id() + ": " + e.getMessage());
                log.warn("dbSnapshot: " + s.id() + ": " + e.getMessage());
            }
            results.add(r);
        }
        if (!failures.isEmpty()) {
            throw new SnapshotException("verification failed for " + failures.size() + " of " + targets.size() + " snapshot(s): " + String.join("; ", failures));
        }
        log.info("dbSnapshot: verified " + targets.size() + " snapshot(s)");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.root().toString());
        out.put("verified", results);
        if (results.size() == 1) {
            out.putAll(results.get(0));
        }
        return out;
    }

    private void record(SnapshotStore store, SnapshotStore.Snapshot s, Verification v) {
        if (!store.writable()) {
            log.warn("dbSnapshot: the store is read-only: the outcome of verifying " + s.id() + " is not recorded");
            return;
        }
        try {
            store.recordVerification(s, v);
        } catch (SnapshotException e) {
            log.warn("dbSnapshot: " + e.getMessage());
        }
    }

    /** Reads every data file back and compares its SHA-256 with the metadata; nothing else is touched. */
    private void checksum(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException {
        List<SnapshotMeta.FileEntry> files = s.meta().files() == null ? List.of() : s.meta().files();
        for (SnapshotMeta.FileEntry f : files) {
            Path p = s.dir().resolve(f.name()).normalize();
            if (!p.startsWith(s.dir())) {
                throw new SnapshotException("snapshot " + s.id() + " is corrupted: its metadata names a file outside it (" + f.name() + ")");
            }
            if (!Files.isRegularFile(p)) {
                throw new SnapshotException("snapshot " + s.id() + " is corrupted: " + f.name() + " is missing");
            }
            HashingOutput.Result h;
            try {
                h = HashingOutput.hashFile(p, c.progress("checksum of " + f.name()));
            } catch (java.io.IOException e) {
                throw new SnapshotException("cannot read " + p + ": " + SnapshotStore.reason(e));
            }
            if (h.size() != f.size() || !h.sha256().equals(f.sha256())) {
                throw new SnapshotException("snapshot " + s.id() + " is corrupted: " + f.name() + " has sha256 " + h.sha256() + " and " + h.size()
                        + " bytes, the metadata says " + f.sha256() + " and " + f.size() + " bytes");
            }
        }
    }

    /** Restore into a throwaway database, run the checks, report RTO and RPO; the database is dropped. */
    private Map<String, Object> drCheck(Ctx c, SnapshotStore.Snapshot s, Provider p) throws SnapshotException, InterruptedException {
        if (!s.meta().kind().equals("postgres")) {
            throw new ParameterException("restoreTo", "a scratch restore is available for PostgreSQL snapshots only, not " + s.meta().kind(),
                    "restoreTo only with a postgres snapshot");
        }
        Provider.Restored r = p.restore(c, s, SnapshotRequest.SCRATCH);
        long age = Duration.between(s.time(), clock.instant()).toSeconds();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("restoreMs", r.restoreMs());
        m.put("ageSeconds", age);
        m.putAll(r.details());
        log.info("dbSnapshot: DR check of " + s.id() + " passed: RTO " + Progress.human(Duration.ofMillis(r.restoreMs())) + " (restore time), RPO "
                + Progress.human(Duration.ofSeconds(age)) + " (age of the snapshot), " + c.req.checks().size() + " check(s) passed, rows "
                + r.details().get("rowCounts"));
        return m;
    }

    // ---------------------------------------------------------------- restore

    private Map<String, Object> restore(Ctx c) throws SnapshotException, InterruptedException {
        SnapshotRequest req = c.req;
        SnapshotStore store = SnapshotStore.open(Path.of(req.store()), false);
        store.cleanInterrupted(log);
        SnapshotStore.Snapshot s = pick(store, req);
        Provider p = provider(s.meta().kind(), req.source());
        String target = p.target(c, req.restoreTo());
        Instant now = clock.instant();
        String window = "snapshot taken " + s.time() + ", " + Progress.human(Duration.between(s.time(), now)) + " before now ("
                + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")";
        boolean destructive = p.destructive(c, target);
        if (destructive && !req.confirm()) {
            throw new ParameterException("confirm", "restoring " + s.id() + " into " + target + " replaces its data: everything written there after the "
                    + window + " would be lost", "confirm: true to restore into " + target + (s.meta().kind().equals("postgres") ? ", or restoreTo: 'scratch'" : ""));
        }
        try {
            checksum(c, s);
        } catch (SnapshotException e) {
            record(store, s, new Verification(clock.instant().toString(), "checksum", false, e.getMessage(), null, null));
            throw new SnapshotException(e.getMessage() + "; the restore was refused, " + target + " is untouched");
        }
        log.info("dbSnapshot: checksum of " + s.id() + " OK");
        if (destructive) {
            log.warn("dbSnapshot: restoring " + s.id() + " into " + target + ": data-loss window: changes made after the " + window + " are lost");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        if (req.scratch()) {
            out.putAll(drCheck(c, s, p));
            record(store, s, new Verification(clock.instant().toString(), "restore", true, null, (Long) out.get("restoreMs"), (Long) out.get("ageSeconds")));
            return out;
        }
        Provider.Restored r = p.restore(c, s, target);
        log.info("dbSnapshot: restored " + s.id() + " into " + r.target() + " in " + Progress.human(Duration.ofMillis(r.restoreMs())));
        out.put("target", r.target());
        out.put("restoreMs", r.restoreMs());
        out.put("snapshotTime", s.time().toString());
        out.put("dataLossWindowSeconds", Duration.between(s.time(), now).toSeconds());
        out.putAll(r.details());
        return out;
    }

    // ---------------------------------------------------------------- drill

    /**
     * The DR drill of one series: its newest snapshot (or {@code snapshot}) is checksummed and restored where it harms
     * nothing (PostgreSQL: a throwaway database, dropped; files: a new directory, removed), the smoke checks run, and the
     * restore time and the snapshot's age are judged against the RTO and RPO objectives. Redis and RDS snapshots restore
     * into a server of their own, so their drill is a checksum check and says so. The result is merged into the report
     * directory (JUnit XML + HTML) before a failed drill fails, so the audit record always shows the failure.
     */
    private Map<String, Object> drill(Ctx c) throws SnapshotException, InterruptedException {
        SnapshotRequest req = c.req;
        SnapshotStore store = SnapshotStore.open(Path.of(req.store()), false);
        store.cleanInterrupted(log);
        long t0 = System.nanoTime();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", req.series());
        r.put("store", store.root().toString());
        r.put("startedAt", clock.instant().toString());
        r.put("rtoSeconds", req.rto().toSeconds());
        r.put("rpoSeconds", req.maxAge().toSeconds());
        String failure = null;
        try {
            SnapshotStore.Snapshot s = pick(store, req);
            String kind = s.meta().kind();
            Duration ageD = Duration.between(s.time(), clock.instant());
            long age = ageD.toSeconds();
            r.put("snapshot", s.id());
            r.put("kind", kind);
            r.put("snapshotTime", s.time().toString());
            r.put("ageSeconds", age);
            if (!req.checks().isEmpty() && !kind.equals("postgres")) {
                throw new ParameterException("checks", "smoke queries are SQL and run in a restored PostgreSQL database; " + s.id() + " is a " + kind
                        + " snapshot", "no checks for a " + kind + " store");
            }
            Provider p = provider(kind, req.source());
            log.info("dbSnapshot: DR drill of " + s.id() + " (" + kind + ", taken " + Progress.human(Duration.ofSeconds(age)) + " ago): RTO objective "
                    + Progress.human(req.rto()) + ", RPO objective " + DrillReport.hours(req.maxAge().toSeconds()) + " h");
            String integrity = null;
            try {
                checksum(c, s);
                switch (kind) {
                    case "postgres" -> {
                        r.putAll(drCheck(c, s, p));
                        r.put("method", "restore into scratch database " + r.get("scratchDatabase") + " (dropped), " + req.checks().size()
                                + " smoke query(ies)");
                    }
                    case "files" -> drillFiles(c, s, p, r);
                    default -> {
                        String checked = p.check(c, s);
                        r.put("method", "checksum verified, " + checked + ": a " + kind + " snapshot restores into a server of its own, "
                                + "so there is no scratch restore here (RTO not measured)");
                    }
                }
            } catch (PostgresProvider.ChecksFailed cf) {
                r.put("checks", cf.results);
                r.put("restoreMs", cf.restoreMs);
                r.put("method", "restore into " + cf.target + " (dropped), " + req.checks().size() + " smoke query(ies)");
                integrity = "smoke check(s) failed: " + cf.failed;
            } catch (SnapshotException e) {
                integrity = e.getMessage();
            }
            boolean restored = kind.equals("postgres") || kind.equals("files");
            record(store, s, new Verification(clock.instant().toString(), restored ? "restore" : "checksum", integrity == null, integrity,
                    (Long) r.get("restoreMs"), age));
            failure = integrity;
            if (failure == null && r.get("restoreMs") instanceof Long ms && ms > req.rto().toMillis()) {
                failure = "RTO " + Progress.human(Duration.ofMillis(ms)) + " is over the objective of " + Progress.human(req.rto());
            }
            if (failure == null && ageD.compareTo(req.maxAge()) > 0) {
                failure = "RPO " + DrillReport.hours(age) + " h (age of the newest snapshot) is over the objective of " + DrillReport.hours(req.maxAge().toSeconds()) + " h";
            }
        } catch (SnapshotException e) {
            failure = e.getMessage(); // no snapshot to drill (a ParameterException is not one: it fails the step as it is)
        }
        r.put("ok", failure == null);
        if (failure != null) {
            r.put("message", failure);
        }
        r.put("durationMs", (System.nanoTime() - t0) / 1_000_000);
        if (req.reportDir() != null) {
            try {
                List<Map<String, Object>> all = DrillReport.merge(Path.of(req.reportDir()), r);
                log.info("dbSnapshot: DR report " + req.reportDir() + "/" + DrillReport.XML_FILE + " (JUnit) and " + DrillReport.HTML_FILE + ": "
                        + all.size() + " store(s)");
            } catch (java.io.IOException e) {
                throw new SnapshotException("cannot write the DR report into " + req.reportDir() + ": " + SnapshotStore.reason(e)
                        + (failure == null ? "" : "; the drill had failed too: " + failure));
            }
        }
        String line = "DR drill of " + req.series() + " " + (failure == null ? "PASSED" : "FAILED: " + failure) + "; " + DrillReport.summary(r);
        if (failure != null) {
            log.warn("dbSnapshot: " + line);
            throw new SnapshotException(req.series() + ": " + failure);
        }
        log.info("dbSnapshot: " + line);
        return r;
    }

    private void drillFiles(Ctx c, SnapshotStore.Snapshot s, Provider p, Map<String, Object> r) throws SnapshotException, InterruptedException {
        String base = c.req.restoreTo();
        Path parent;
        boolean ownParent = base == null || SnapshotRequest.SCRATCH.equals(base);
        try {
            parent = ownParent ? Files.createTempDirectory("squad-drill-") : Files.createDirectories(Path.of(base));
        } catch (java.io.IOException e) {
            throw new SnapshotException("cannot create the scratch directory" + (ownParent ? "" : " under " + base) + ": " + SnapshotStore.reason(e));
        }
        Path target = parent.resolve(s.meta().series() + "-" + s.id());
        if (Files.exists(target)) {
            throw new SnapshotException("the scratch directory " + target + " exists already; remove it or give another restoreTo (nothing was restored)");
        }
        try {
            Provider.Restored x = p.restore(c, s, target.toString());
            long count;
            try (java.util.stream.Stream<Path> files = Files.walk(target)) {
                count = files.filter(Files::isRegularFile).count();
            } catch (java.io.IOException e) {
                throw new SnapshotException("cannot read the restored files in " + target + ": " + SnapshotStore.reason(e));
            }
            r.put("restoreMs", x.restoreMs());
            r.put("restoredFiles", count);
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("query", "files restored into " + target);
            check.put("passed", count > 0);
            check.put("answer", String.valueOf(count));
            r.put("checks", new ArrayList<>(List.of(check)));
            r.put("method", "restore into the scratch directory " + target + " (removed)");
            log.info("dbSnapshot: " + count + " file(s) restored into " + target);
            if (count == 0) {
                throw new SnapshotException("the snapshot restored no file into " + target);
            }
        } finally {
            try {
                SnapshotStore.deleteRecursively(ownParent ? parent : target);
                log.info("dbSnapshot: removed the scratch directory " + target);
            } catch (java.io.IOException e) {
                log.warn("dbSnapshot: could not remove the scratch directory " + target + ": " + SnapshotStore.reason(e) + "; remove it by hand");
            }
        }
    }

    // ---------------------------------------------------------------- freshness

    /** For each series (or the one named): its newest verified snapshot, and whether it is younger than maxAgeHours. */
    private Map<String, Object> freshness(Ctx c) throws SnapshotException {
        SnapshotRequest req = c.req;
        SnapshotStore store = SnapshotStore.open(Path.of(req.store()), false);
        List<SnapshotStore.Snapshot> all = store.list(log);
        List<String> names = req.series() != null ? List.of(req.series()) : all.stream().map(s -> s.meta().series()).distinct().toList();
        if (names.isEmpty()) {
            throw new SnapshotException("no snapshot in store " + store.root() + ": nothing is backed up there");
        }
        Instant now = clock.instant();
        String limit = DrillReport.hours(req.maxAge().toSeconds()) + " h";
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (String name : names) {
            SnapshotStore.Snapshot newest = null;
            for (SnapshotStore.Snapshot s : all) {
                if (s.meta().series().equals(name) && s.verified() && (newest == null || !s.time().isBefore(newest.time()))) {
                    newest = s;
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", name);
            String line;
            if (newest == null) {
                m.put("ok", false);
                line = name + ": no verified snapshot in the store";
            } else {
                Duration ageD = Duration.between(newest.time(), now);
                long age = ageD.toSeconds();
                boolean ok = ageD.compareTo(req.maxAge()) <= 0;
                m.put("ok", ok);
                m.put("id", newest.id());
                m.put("ageSeconds", age);
                m.put("ageHours", age / 3600d);
                line = name + ": newest verified snapshot " + newest.id() + " is " + DrillReport.hours(age) + " h old"
                        + (ok ? " (limit " + limit + ")" : ", OLDER than the limit of " + limit);
            }
            m.put("line", line);
            rows.add(m);
            if (Boolean.TRUE.equals(m.get("ok"))) {
                log.info("dbSnapshot: " + line);
            } else {
                log.warn("dbSnapshot: " + line);
                stale.add(line);
            }
        }
        if (!stale.isEmpty()) {
            throw new SnapshotException(String.join("; ", stale));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.root().toString());
        out.put("maxAgeHours", req.maxAge().toSeconds() / 3600d);
        out.put("series", rows);
        out.put("ok", true);
        return out;
    }

    // ---------------------------------------------------------------- prune

    private Map<String, Object> prune(Ctx c) throws SnapshotException, InterruptedException {
        SnapshotRequest req = c.req;
        SnapshotStore store = SnapshotStore.open(Path.of(req.store()), true);
        store.cleanInterrupted(log);
        List<SnapshotStore.Snapshot> all = filtered(store, req.series());
        Map<String, List<SnapshotStore.Snapshot>> bySeries = new LinkedHashMap<>();
        for (SnapshotStore.Snapshot s : all) {
            bySeries.computeIfAbsent(s.meta().series(), k -> new ArrayList<>()).add(s);
        }
        log.info("dbSnapshot: prune " + (req.series() == null ? "all series" : "series " + req.series()) + " in " + store.root() + " (" + req.retention() + ")");
        List<Map<String, Object>> kept = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (Map.Entry<String, List<SnapshotStore.Snapshot>> e : bySeries.entrySet()) {
            Map<String, SnapshotStore.Snapshot> byId = new LinkedHashMap<>();
            List<Retention.Item> items = new ArrayList<>();
            for (SnapshotStore.Snapshot s : e.getValue()) {
                byId.put(s.id(), s);
                items.add(new Retention.Item(s.id(), s.time(), s.verified()));
            }
            Retention.Decision d = Retention.select(items, req.retention());
            for (Map.Entry<String, List<String>> k : d.kept().entrySet()) {
                log.detail("keep   " + k.getKey() + " (" + String.join(", ", k.getValue()) + ")");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", k.getKey());
                m.put("reasons", new ArrayList<>(k.getValue()));
                kept.add(m);
            }
            for (String id : d.deleted()) {
                SnapshotStore.Snapshot s = byId.get(id);
                if (s.meta().kind().equals("rds")) {
                    if (req.source() == null || !req.source().kind().equals("rds")) {
                        throw new ParameterException("source", "pruning RDS snapshots deletes them in AWS and needs the rdsSource", "source: rdsSource(...)");
                    }
                    provider("rds", req.source()).deleteExternal(c, s);
                }
                store.delete(s);
                log.detail("delete " + id);
                deleted.add(id);
            }
        }
        log.info("dbSnapshot: kept " + kept.size() + ", deleted " + deleted.size() + " snapshot(s)");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.root().toString());
        out.put("kept", kept);
        out.put("deleted", deleted);
        return out;
    }
}
