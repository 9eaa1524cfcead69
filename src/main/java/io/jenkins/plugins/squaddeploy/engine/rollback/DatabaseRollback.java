package io.jenkins.plugins.squaddeploy.engine.rollback;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The database part of a rollback — never automatic: only when the pipeline names the snapshot ({@code database:
 * '<snapshot ID>'}) or asks for "the snapshot taken for this release" ({@code database: 'release'}: the newest snapshot
 * whose dbSnapshot {@code release} is the failed release's version or release ID, or that this build took). It prints
 * the data-loss window (everything written after the snapshot is lost) and, in production, restores only with an
 * approval ({@code approvedBy}): without one it restores nothing and answers {@link DatabaseOutcome.Status#NEEDS_APPROVAL}
 * so that the pipeline can ask with {@code input} and call again (a step cannot ask a person itself).
 *
 * @param selector   {@code release} or a snapshot ID
 * @param approvedBy who approved the restore (from {@code input}'s submitter), or null
 * @param build      this build as dbSnapshot records it ({@code <job> #<n>}), for 'release'
 */
public record DatabaseRollback(String selector, String approvedBy, String build) {
    public static final String RELEASE = "release";
    private static final Pattern ID = Pattern.compile("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z-[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern PRODUCTION = Pattern.compile("prod(uction)?([-_.].*)?", Pattern.CASE_INSENSITIVE);

    /** Validated: {@code database} is 'release' or a snapshot ID; null or blank means no database rollback (returns null). */
    public static DatabaseRollback of(String database, String approvedBy, String build) {
        if (database == null || database.isBlank()) {
            if (approvedBy != null && !approvedBy.isBlank()) {
                throw new ParameterException("databaseApprovedBy", "an approval is given but no database snapshot to restore",
                        "database: 'release' or a snapshot ID together with databaseApprovedBy");
            }
            return null;
        }
        String d = database.strip();
        if (!d.equals(RELEASE) && !ID.matcher(d).matches()) {
            throw new ParameterException("database", "got " + ParameterException.show(d),
                    "'release' (the snapshot dbSnapshot took for the failed release) or a snapshot ID as dbSnapshot action: 'list' shows it, "
                            + "e.g. 20261122T023545.123Z-postgres-app");
        }
        String a = approvedBy == null || approvedBy.isBlank() ? null : approvedBy.strip();
        return new DatabaseRollback(d, a, build);
    }

    /** Production environments need an approval: {@code production}, {@code prod}, {@code prod-eu}, {@code production_2}, … */
    public static boolean isProduction(String environment) {
        return environment != null && PRODUCTION.matcher(environment).matches();
    }

    /**
     * Finds the snapshot, prints the data-loss window, and restores it unless production needs an approval first.
     *
     * @param environment the failed release's environment
     * @param releaseIds  the failed release's version and release ID (what dbSnapshot's {@code release} may hold)
     */
    public DatabaseOutcome run(SnapshotCatalog catalog, String environment, Set<String> releaseIds, Instant now, ConsoleLog log)
            throws InterruptedException {
        SnapshotCatalog.Snapshot s;
        try {
            s = pick(catalog, releaseIds);
        } catch (IOException e) {
            return new DatabaseOutcome(DatabaseOutcome.Status.FAILED, null, null, null, null, approvedBy,
                    "the snapshots in " + catalog.describe() + " cannot be listed: " + e.getMessage() + "; the database was not touched");
        }
        if (s == null) {
            String which = selector.equals(RELEASE) ? "no snapshot in " + catalog.describe() + " was taken for release " + String.join(" / ", releaseIds)
                    + " or by " + build : "there is no snapshot " + selector + " in " + catalog.describe();
            return new DatabaseOutcome(DatabaseOutcome.Status.FAILED, null, null, null, null, approvedBy, which + "; the database was not touched. "
                    + "Name one with database: '<snapshot ID>' (dbSnapshot action: 'list' shows them)");
        }
        long loss = Math.max(0, Duration.between(s.createdAt(), now).toSeconds());
        String window = "data-loss window " + human(loss) + ": everything written to the database after " + s.createdAt().truncatedTo(ChronoUnit.SECONDS)
                + " is lost";
        log.warn("autoRollback: database: snapshot " + s.id() + (s.release() == null ? "" : " (release " + s.release() + ")") + ", taken "
                + s.createdAt().truncatedTo(ChronoUnit.SECONDS) + "; " + window);
        List<String> external = catalog.externalRestore(s.id());
        if (external != null) {
            // RDS: the restore makes a NEW instance and the application must be pointed at it by hand, so it is never
            // automatic, in any environment: the command is named, and run only with an approval.
            String command = String.join(" ", external);
            String after = "; the application keeps using its current database until its endpoint is switched to the new instance (not done by Squad Deploy)";
            if (approvedBy == null) {
                String msg = "restoring " + s.id() + " creates a new database instance and needs an approval (" + window + "); nothing was restored. It would run: "
                        + command + after + ". Ask with input and call autoRollback again with databaseApprovedBy (vars/autoRollbackWithApproval does both)";
                log.warn("autoRollback: database: " + msg);
                return new DatabaseOutcome(DatabaseOutcome.Status.NEEDS_APPROVAL, s.id(), s.createdAt().toString(), loss, null, null, msg);
            }
            log.info("autoRollback: database: approved by " + approvedBy + ": " + command);
        }
        if (external == null && isProduction(environment) && approvedBy == null) {
            String msg = environment + " is production: restoring " + s.id() + " needs an approval (" + window + "); nothing was restored. "
                    + "Ask with input and call autoRollback again with databaseApprovedBy (vars/autoRollbackWithApproval does both)";
            log.warn("autoRollback: database: " + msg);
            return new DatabaseOutcome(DatabaseOutcome.Status.NEEDS_APPROVAL, s.id(), s.createdAt().toString(), loss, null, null, msg);
        }
        log.info("autoRollback: database: restoring " + s.id() + (approvedBy == null ? "" : ", approved by " + approvedBy));
        try {
            Map<String, Object> r = catalog.restore(s.id());
            Object target = r.get("target");
            String msg = "restored " + s.id() + (target == null ? "" : " into " + target) + (r.get("restoreMs") == null ? "" : " in " + r.get("restoreMs") + " ms")
                    + "; " + window + (approvedBy == null ? "" : "; approved by " + approvedBy)
                    + (external == null ? "" : "; point the application's database endpoint at the new instance");
            log.info("autoRollback: database: " + msg);
            return new DatabaseOutcome(DatabaseOutcome.Status.RESTORED, s.id(), s.createdAt().toString(), loss, target == null ? null : target.toString(),
                    approvedBy, msg);
        } catch (IOException | RuntimeException e) {
            return new DatabaseOutcome(DatabaseOutcome.Status.FAILED, s.id(), s.createdAt().toString(), loss, null, approvedBy,
                    "restoring " + s.id() + " failed: " + e.getMessage() + "; check the database before it takes traffic");
        }
    }

    private SnapshotCatalog.Snapshot pick(SnapshotCatalog catalog, Set<String> releaseIds) throws IOException, InterruptedException {
        List<SnapshotCatalog.Snapshot> all = new ArrayList<>(catalog.list());
        SnapshotCatalog.Snapshot found = null;
        for (SnapshotCatalog.Snapshot s : all) {
            boolean match = selector.equals(RELEASE)
                    ? (s.release() != null && releaseIds.contains(s.release())) || (build != null && build.equals(s.build()))
                    : selector.equals(s.id());
            if (match && (found == null || !s.createdAt().isBefore(found.createdAt()))) {
                found = s;
            }
        }
        return found;
    }

    static String human(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return String.format(Locale.ROOT, "%d min %d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %d min", seconds / 3600, (seconds % 3600) / 60);
    }
}
