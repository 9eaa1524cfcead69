package io.jenkins.plugins.squaddeploy.engine.rollback;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What autoRollback did: one {@link Unit} per service (or router) it looked at, the incident that caused it, and
 * the times that make the incident summary (first failure, detected, rolled back, time to restore).
 */
public record RollbackReport(Status status, List<Unit> units, Incident incident, Instant startedAt, Instant finishedAt,
                             DatabaseOutcome database, List<String> notes) implements Serializable {

    public enum Status {
        /** Traffic is back on the previous release, verified. */
        ROLLED_BACK,
        /** The previous release already serves (an earlier call, or someone by hand); nothing was switched. */
        ALREADY_ROLLED_BACK,
        /** This build released nothing that could be undone. */
        NOTHING_TO_ROLL_BACK,
        /** The rollback could not be done; the message says what state the target is in and what to do. */
        FAILED
    }

    public RollbackReport {
        units = List.copyOf(units);
        notes = List.copyOf(notes);
        startedAt = startedAt.truncatedTo(ChronoUnit.MILLIS);
        finishedAt = finishedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * One service (or one router without a recorded release).
     *
     * @param from         the failed release: version and colour (colour null but for blue-green)
     * @param to           the release that serves again
     * @param action       what was done, e.g. {@code nginx routes to blue again (1.0.0), verified through http://…/health; green stopped}
     * @param rolledBackAt when the previous release was verified serving again (null unless ROLLED_BACK)
     */
    public record Unit(String service, String environment, String strategy, Status status, String fromVersion, String fromColour,
                       String toVersion, String toColour, String action, Instant rolledBackAt, List<String> warnings) implements Serializable {
        public Unit {
            warnings = List.copyOf(warnings);
            rolledBackAt = rolledBackAt == null ? null : rolledBackAt.truncatedTo(ChronoUnit.MILLIS);
        }

        public String what() {
            return environment == null ? service : environment + "/" + service;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", service);
            m.put("environment", environment);
            m.put("strategy", strategy);
            m.put("status", status.name());
            m.put("fromVersion", fromVersion);
            m.put("fromColour", fromColour);
            m.put("toVersion", toVersion);
            m.put("toColour", toColour);
            m.put("action", action);
            m.put("rolledBackAt", rolledBackAt == null ? null : rolledBackAt.toString());
            m.put("warnings", new ArrayList<>(warnings));
            return m;
        }
    }

    /** The latest time a unit was verified serving the previous release again. */
    public Instant rolledBackAt() {
        Instant t = null;
        for (Unit u : units) {
            if (u.rolledBackAt() != null && (t == null || u.rolledBackAt().isAfter(t))) {
                t = u.rolledBackAt();
            }
        }
        return t;
    }

    /** From the first failing measurement (else the detection) to the previous release verified serving again. */
    public Duration timeToRestore() {
        Instant end = rolledBackAt();
        Instant begin = incident == null ? null : incident.firstFailureAt() != null ? incident.firstFailureAt() : incident.detectedAt();
        return end == null || begin == null ? null : Duration.between(begin, end);
    }

    /** From the first failing measurement to the detection (the watch window's limits). */
    public Duration detection() {
        return incident == null || incident.firstFailureAt() == null || incident.detectedAt() == null ? null
                : Duration.between(incident.firstFailureAt(), incident.detectedAt());
    }

    /** From the detection to the previous release verified serving again. */
    public Duration rollbackTime() {
        Instant end = rolledBackAt();
        return end == null || incident == null || incident.detectedAt() == null ? null : Duration.between(incident.detectedAt(), end);
    }

    /** The units as {@code production/api 2.0.0 (green) → 1.0.0 (blue)}. */
    public String rolledBackText() {
        List<String> parts = new ArrayList<>();
        for (Unit u : units) {
            if (u.status() == Status.ROLLED_BACK || u.status() == Status.ALREADY_ROLLED_BACK) {
                parts.add(u.what() + " " + release(u.fromVersion(), u.fromColour()) + " → " + release(u.toVersion(), u.toColour()));
            }
        }
        return String.join(", ", parts);
    }

    private static String release(String version, String colour) {
        return (version == null ? "?" : version) + (colour == null ? "" : " (" + colour + ")");
    }

    /**
     * The one line that says both what failed and what the rollback did, e.g. {@code autoRollback: the release FAILED
     * (verifyHealth failed: …) and was ROLLED BACK: production/api 2.0.0 (green) → 1.0.0 (blue) in 1.9 s; the build
     * result is FAILURE}.
     */
    public String summaryLine() {
        String failed = "the release FAILED (" + (incident == null ? "the build failed" : incident.trigger()) + ")";
        return switch (status) {
            case ROLLED_BACK -> "autoRollback: " + failed + " and was ROLLED BACK: " + rolledBackText()
                    + (timeToRestore() == null ? "" : ", service restored " + seconds(timeToRestore()) + " after the first failure")
                    + "; the build result is FAILURE";
            case ALREADY_ROLLED_BACK -> "autoRollback: " + failed + "; it was ALREADY ROLLED BACK: " + rolledBackText()
                    + "; nothing was changed; the build result is FAILURE";
            case NOTHING_TO_ROLL_BACK -> "autoRollback: nothing to roll back: " + (notes.isEmpty() ? "this build released nothing" : notes.get(0));
            case FAILED -> "autoRollback: " + failed + " and the ROLLBACK FAILED: " + failureText();
        };
    }

    /** The failed units' actions (which say the state of the target and what to do). */
    public String failureText() {
        List<String> parts = new ArrayList<>();
        for (Unit u : units) {
            if (u.status() == Status.FAILED) {
                parts.add(u.what() + ": " + u.action());
            }
        }
        if (database != null && database.status() == DatabaseOutcome.Status.FAILED) {
            parts.add("database: " + database.message());
        }
        return parts.isEmpty() ? String.join("; ", notes) : String.join("; ", parts);
    }

    /** The incident summary: trigger, measured values, detected at, rolled back at, time to restore, what was done. */
    public List<String> incidentLines() {
        List<String> out = new ArrayList<>();
        out.add("autoRollback: incident summary");
        out.add("  trigger:         " + (incident == null ? "the build failed" : incident.trigger()));
        if (incident != null) {
            for (String l : incident.measuredLines()) {
                out.add("  measured:        " + l);
            }
            if (incident.firstFailureAt() != null) {
                out.add("  first failure:   " + incident.firstFailureAt());
            }
            if (incident.detectedAt() != null) {
                out.add("  detected at:     " + incident.detectedAt() + (detection() == null ? "" : " (" + seconds(detection()) + " after the first failure)"));
            }
        }
        out.add("  rollback began:  " + startedAt);
        Instant back = rolledBackAt();
        out.add("  rolled back at:  " + (back == null ? "-" : back.toString()) + (rollbackTime() == null ? "" : " (" + seconds(rollbackTime()) + " after detection)"));
        Duration ttr = timeToRestore();
        out.add("  time to restore: " + (ttr == null ? "-" : seconds(ttr) + (detection() == null || rollbackTime() == null ? ""
                : " (detection " + seconds(detection()) + " + rollback " + seconds(rollbackTime()) + ")")));
        for (Unit u : units) {
            out.add("  " + u.status().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + u.what() + ": " + u.action());
            for (String w : u.warnings()) {
                out.add("    warning: " + w);
            }
        }
        if (database != null) {
            out.add("  database:        " + database.status() + ": " + database.message());
        }
        return out;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.name());
        m.put("summary", summaryLine());
        List<Object> us = new ArrayList<>();
        for (Unit u : units) {
            us.add(u.toMap());
        }
        m.put("units", us);
        m.put("incident", incident == null ? null : incident.toMap());
        m.put("startedAt", startedAt.toString());
        m.put("finishedAt", finishedAt.toString());
        Instant back = rolledBackAt();
        m.put("rolledBackAt", back == null ? null : back.toString());
        m.put("timeToRestoreMs", timeToRestore() == null ? null : timeToRestore().toMillis());
        m.put("detectionMs", detection() == null ? null : detection().toMillis());
        m.put("rollbackMs", rollbackTime() == null ? null : rollbackTime().toMillis());
        m.put("database", database == null ? null : database.toMap());
        m.put("notes", new ArrayList<>(notes));
        return m;
    }

    public RollbackReport withDatabase(DatabaseOutcome d) {
        Status s = status;
        if (d != null && d.status() == DatabaseOutcome.Status.FAILED) {
            s = Status.FAILED;
        }
        return new RollbackReport(s, units, incident, startedAt, finishedAt, d, notes);
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
