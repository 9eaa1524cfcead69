package io.jenkins.plugins.squaddeploy.engine.report;

import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.health.CheckResult;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackReport;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report events of the five steps, built from what the engine returns, so the steps and the CLI commands write the
 * same events. Each takes the step's (or command's) name and when it began.
 */
public final class ReportEvents {
    private ReportEvents() {
    }

    /** verifyHealth: {@code health} (until healthy) or {@code watch} (a watch window), one measurement per check. */
    public static ReportEvent.Builder health(String step, Instant startedAt, HealthReport r, boolean watching, String rolledBack) {
        ReportEvent.Builder b = ReportEvent.of(watching ? "watch" : "health", step, startedAt)
                .title((watching ? "watch window: " : "health: ") + (r.healthy() ? "all " + r.checks().size() + " check(s) passed"
                        : r.failed().size() + " of " + r.checks().size() + " check(s) " + ("INCONCLUSIVE".equals(r.status()) ? "inconclusive" : "failed")))
                .status(r.healthy() ? "OK" : "INCONCLUSIVE".equals(r.status()) ? "WARNING" : "FAILED")
                .detail("result", r.status()).detail("elapsedMs", r.elapsedMs())
                .detail("failed", new ArrayList<>(r.failed().stream().map(CheckResult::name).toList()))
                .detail("rollback", rolledBack == null || rolledBack.isBlank() ? null : rolledBack.strip());
        for (CheckResult c : r.checks()) {
            b.measurement(new ReportEvent.Measurement(c.name(), c.kind(), c.target(), c.status(), c.value(), c.threshold(), c.attempts(), c.latencyMs(),
                    c.message()));
        }
        return b;
    }

    /** squadDeploy released {@code rec}. */
    public static ReportEvent.Builder deployed(String step, Instant startedAt, ReleaseRecord rec) {
        ReportEvent.Builder b = ReportEvent.of("deploy", step, startedAt)
                .title("released " + rec.service() + " " + rec.version() + (rec.colour() == null ? "" : " to " + rec.colour()) + " (" + rec.strategy() + ", "
                        + rec.target() + ")")
                .status("OK")
                .detail("service", rec.service()).detail("environment", rec.environment()).detail("version", rec.version()).detail("image", rec.image())
                .detail("imageId", rec.imageId()).detail("strategy", rec.strategy()).detail("target", rec.target()).detail("colour", rec.colour())
                .detail("releaseId", rec.releaseId()).detail("instances", rec.instances().size()).detail("trafficSwitched", rec.trafficSwitched());
        if (rec.previous() != null) {
            b.detail("previousVersion", rec.previous().version()).detail("previousColour", rec.previous().colour());
        }
        return b;
    }

    /** squadDeploy released to an orchestrator (Swarm, Kubernetes, Helm): {@code target} is its kind. */
    public static ReportEvent.Builder orchestrated(String step, Instant startedAt, io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease r) {
        List<String> units = new ArrayList<>();
        for (io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease.Unit u : r.units()) {
            units.add(u.name() + (u.changed() ? ": " + (u.previousImage() == null ? "" : u.previousImage() + " → ") + u.image() : ": unchanged"));
        }
        return ReportEvent.of("deploy", step, startedAt)
                .title("released " + r.service() + " " + r.version() + " to " + r.kind() + (r.strategy() == null ? "" : " (" + r.strategy() + ")"))
                .status("OK").detail("service", r.service()).detail("environment", r.environment()).detail("version", r.version())
                .detail("image", r.image()).detail("strategy", r.strategy()).detail("target", r.kind()).detail("releaseId", r.releaseId())
                .detail("instances", r.units().size()).detail("units", units).detail("notes", r.notes().isEmpty() ? null : new ArrayList<>(r.notes()));
    }

    /** A step failed before or while doing its work: {@code type} event with the failure as title and detail. */
    public static ReportEvent.Builder failed(String type, String step, Instant startedAt, String what, String message) {
        return ReportEvent.of(type, step, startedAt).title(what + " failed").status("FAILED").detail("error", message);
    }

    /** Traffic switched (blueGreenSwitch, or squadDeploy's hand-over to its router). */
    public static ReportEvent.Builder switched(String step, Instant startedAt, String service, String router, SwitchResult r, String version) {
        String title = r.switched() ? "traffic of " + service + " moved from " + (r.from() == null ? "no colour" : r.from()) + " to " + r.to()
                + ", verified through the router" : service + " already routed to " + r.to() + "; nothing changed";
        return ReportEvent.of("switch", step, startedAt).title(title).status(r.switched() ? "OK" : "INFO")
                .detail("service", service).detail("router", router).detail("from", r.from()).detail("to", r.to()).detail("version", version)
                .detail("switched", r.switched()).detail("switchMs", r.switchMillis())
                .detail("verifiedAt", r.verifiedAt() == null ? null : r.verifiedAt().toString());
    }

    /** autoRollback: status, what was undone, the incident and the time to restore; an approval when the database restore was approved. */
    public static ReportEvent.Builder rollback(String step, RollbackReport r) {
        String status = switch (r.status()) {
            case ROLLED_BACK, ALREADY_ROLLED_BACK -> "OK";
            case NOTHING_TO_ROLL_BACK -> "INFO";
            case FAILED -> "FAILED";
        };
        String title = switch (r.status()) {
            case ROLLED_BACK -> "rolled back " + r.rolledBackText();
            case ALREADY_ROLLED_BACK -> "already rolled back: " + r.rolledBackText();
            case NOTHING_TO_ROLL_BACK -> "nothing to roll back";
            case FAILED -> "rollback FAILED: " + r.failureText();
        };
        ReportEvent.Builder b = ReportEvent.of("rollback", step, r.startedAt()).finishedAt(r.finishedAt()).title(title).status(status)
                .detail("result", r.status().name())
                .detail("rolledBack", r.status() == RollbackReport.Status.ROLLED_BACK || r.status() == RollbackReport.Status.ALREADY_ROLLED_BACK)
                .detail("trigger", r.incident() == null ? null : r.incident().trigger())
                .detail("firstFailureAt", r.incident() == null || r.incident().firstFailureAt() == null ? null : r.incident().firstFailureAt().toString())
                .detail("detectedAt", r.incident() == null || r.incident().detectedAt() == null ? null : r.incident().detectedAt().toString())
                .detail("rolledBackAt", r.rolledBackAt() == null ? null : r.rolledBackAt().toString())
                .detail("timeToRestoreMs", r.timeToRestore() == null ? null : r.timeToRestore().toMillis())
                .detail("detectionMs", r.detection() == null ? null : r.detection().toMillis())
                .detail("rollbackMs", r.rollbackTime() == null ? null : r.rollbackTime().toMillis());
        List<String> units = new ArrayList<>();
        for (RollbackReport.Unit u : r.units()) {
            units.add(u.what() + ": " + u.status().name() + ": " + u.action());
            if (b.finish().details().get("fromVersion") == null && (u.status() == RollbackReport.Status.ROLLED_BACK
                    || u.status() == RollbackReport.Status.ALREADY_ROLLED_BACK)) {
                b.detail("service", u.service()).detail("fromVersion", u.fromVersion()).detail("fromColour", u.fromColour())
                        .detail("toVersion", u.toVersion()).detail("toColour", u.toColour());
            }
        }
        b.detail("units", units);
        if (r.incident() != null && !r.incident().measurements().isEmpty()) {
            List<String> measured = new ArrayList<>();
            r.incident().measurements().forEach(m -> measured.add(m.describe()));
            b.detail("measured", measured);
        }
        if (r.database() != null) {
            b.detail("database", r.database().toMap());
            if (r.database().approvedBy() != null) {
                b.approval(r.database().approvedBy(), r.startedAt(), "restore the database " + (r.database().target() == null ? "" : r.database().target() + " ")
                        + "from snapshot " + r.database().snapshot());
            }
        }
        if (!r.notes().isEmpty()) {
            b.detail("notes", new ArrayList<>(r.notes()));
        }
        return b;
    }

    /** dbSnapshot (any action) with the map it returned; {@code snapshot} for create, {@code snapshot-<action>} details otherwise. */
    public static ReportEvent.Builder snapshot(String step, Instant startedAt, String action, Map<String, Object> result) {
        Map<String, Object> r = result == null ? Map.of() : result;
        String title = switch (action) {
            case "create" -> "snapshot " + r.get("id") + " of " + r.get("source") + sizeText(r.get("size"));
            case "restore" -> "restored " + r.get("id") + " into " + r.get("target");
            case "verify" -> "verified snapshots in " + r.get("store");
            case "prune" -> "pruned snapshots in " + r.get("store");
            case "drill" -> "DR drill of " + r.get("name") + ": " + r.get("snapshot") + (r.get("restoreMs") == null ? " checksum verified"
                    : " restored in " + r.get("restoreMs") + " ms") + " (RTO objective " + r.get("rtoSeconds") + " s), age " + r.get("ageSeconds")
                    + " s (RPO objective " + r.get("rpoSeconds") + " s)";
            case "freshness" -> "newest verified snapshots in " + r.get("store") + " are younger than " + r.get("maxAgeHours") + " h";
            default -> action + " snapshots in " + r.get("store");
        };
        ReportEvent.Builder b = ReportEvent.of("snapshot", step, startedAt).title(title).status("OK").detail("action", action);
        for (String k : List.of("id", "kind", "source", "size", "sha256", "durationMs", "path", "store", "reason", "release", "target", "restoreMs",
                "snapshotTime", "dataLossWindowSeconds", "name", "snapshot", "method", "ageSeconds", "rtoSeconds", "rpoSeconds", "maxAgeHours")) {
            Object v = r.get(k);
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                b.detail(k, v);
            }
        }
        return b;
    }

    private static String sizeText(Object size) {
        if (!(size instanceof Number n)) {
            return "";
        }
        long b = n.longValue();
        return b < 1024 ? " (" + b + " B)" : b < 1024 * 1024 ? String.format(java.util.Locale.ROOT, " (%.1f KiB)", b / 1024.0)
                : String.format(java.util.Locale.ROOT, " (%.1f MiB)", b / 1048576.0);
    }
}
