package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One dbSnapshot action, validated: what to do, on which store, with which source and options. Serialisable: the
 * Jenkins adapter sends it to the agent. Built with {@link #builder(String)}; {@link Builder#build()} checks every
 * parameter and every combination before anything is touched, naming the parameter that is wrong.
 */
public record SnapshotRequest(Action action, String store, SnapshotSource source, String series, String snapshotId,
                              String reason, String release, String build, String restoreTo, boolean confirm,
                              List<String> checks, Retention.Policy retention, Duration timeout, Duration progressEvery,
                              Duration rto, Duration maxAge, String reportDir)
        implements Serializable {
    public static final String SCRATCH = "scratch";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_PROGRESS = Duration.ofSeconds(10);
    /** The recovery time objective of a drill when none is given: 15 minutes. */
    public static final int DEFAULT_RTO_SECONDS = 900;
    /** The oldest acceptable newest snapshot (drill: the recovery point objective) when none is given: 26 hours. */
    public static final double DEFAULT_MAX_AGE_HOURS = 26;

    public SnapshotRequest {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    public enum Action {
        CREATE, LIST, VERIFY, RESTORE, PRUNE, DRILL, FRESHNESS;

        public static final String FORM = "one of create, list, verify, restore, prune, drill, freshness";

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Action parse(String p, String value) {
            if (value == null || value.isBlank()) {
                return CREATE;
            }
            for (Action a : values()) {
                if (a.id().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
            throw new ParameterException(p, "unknown action " + ParameterException.show(value), FORM);
        }
    }

    /** The series this request is about: {@code name}, else the source's default, else null (all series). */
    public String seriesOrNull() {
        return series;
    }

    public boolean scratch() {
        return SCRATCH.equals(restoreTo);
    }

    public static Builder builder(String store) {
        return new Builder(store);
    }

    /** Collects the parameters as written; {@link #build()} validates them. */
    public static final class Builder {
        private final String store;
        private String action;
        private SnapshotSource source;
        private String name;
        private String snapshot;
        private String reason;
        private String release;
        private String build;
        private String restoreTo;
        private boolean confirm;
        private List<String> checks = List.of();
        private Integer keepLast;
        private Integer keepDaily;
        private Integer keepWeekly;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration progressEvery = DEFAULT_PROGRESS;
        private Integer rtoSeconds;
        private Double maxAgeHours;
        private String reportDir;

        Builder(String store) {
            this.store = store;
        }

        public Builder action(String a) {
            action = a;
            return this;
        }

        public Builder source(SnapshotSource s) {
            source = s;
            return this;
        }

        public Builder name(String n) {
            name = n;
            return this;
        }

        public Builder snapshot(String id) {
            snapshot = id;
            return this;
        }

        public Builder reason(String r) {
            reason = r;
            return this;
        }

        public Builder release(String r) {
            release = r;
            return this;
        }

        public Builder build(String b) {
            build = b;
            return this;
        }

        public Builder restoreTo(String t) {
            restoreTo = t;
            return this;
        }

        public Builder confirm(boolean c) {
            confirm = c;
            return this;
        }

        public Builder checks(List<String> c) {
            checks = c == null ? List.of() : c;
            return this;
        }

        public Builder retention(Integer last, Integer daily, Integer weekly) {
            keepLast = last;
            keepDaily = daily;
            keepWeekly = weekly;
            return this;
        }

        public Builder timeout(Duration t) {
            timeout = t;
            return this;
        }

        public Builder progressEvery(Duration p) {
            progressEvery = p;
            return this;
        }

        /** The drill's recovery time objective (seconds) and the oldest acceptable newest snapshot (hours: drill, freshness). */
        public Builder objectives(Integer rtoSeconds, Double maxAgeHours) {
            this.rtoSeconds = rtoSeconds;
            this.maxAgeHours = maxAgeHours;
            return this;
        }

        /** The directory where a drill merges its result into dr-test.json and renders dr-test.xml (JUnit) and dr-test.html. */
        public Builder reportDir(String dir) {
            reportDir = dir;
            return this;
        }

        public SnapshotRequest build() {
            Action a = Action.parse("action", action);
            if (store == null || store.isBlank()) {
                throw new ParameterException("store", "no store given", "a directory on the agent for the snapshots, e.g. '/var/backups/squad-api'");
            }
            SnapshotSources.checkPath("store", store, true);
            String series = name == null || name.isBlank() ? (source == null ? null : source.defaultSeries()) : SnapshotSources.series("name", name.strip());
            if (source == null && (a == Action.CREATE || a == Action.RESTORE || a == Action.DRILL)) {
                throw new ParameterException("source", "action '" + a.id() + "' needs a source",
                        "postgresSource(...), redisSource(...), filesSource(...) or rdsSource(...)");
            }
            String id = snapshot == null || snapshot.isBlank() ? null : SnapshotId.check("snapshot", snapshot.strip());
            if (id != null && a == Action.CREATE) {
                throw new ParameterException("snapshot", "is set for action 'create' (the ID of a new snapshot is chosen by the step)", "no snapshot parameter when creating");
            }
            String target = restoreTo == null || restoreTo.isBlank() ? null : restoreTo.strip();
            if (target != null && a != Action.RESTORE && a != Action.VERIFY && a != Action.DRILL) {
                throw new ParameterException("restoreTo", "is only used by actions 'restore', 'verify' and 'drill'", "no restoreTo for action '" + a.id() + "'");
            }
            if (target != null && a == Action.DRILL && !SCRATCH.equals(target) && !target.startsWith("/")) {
                throw new ParameterException("restoreTo", "a drill restores files snapshots into a new directory under restoreTo; got "
                        + ParameterException.show(target), "an absolute directory (default: a temporary directory), or 'scratch'");
            }
            if (target != null && a == Action.VERIFY && !SCRATCH.equals(target)) {
                throw new ParameterException("restoreTo", "verify restores only into a throwaway database", "restoreTo: 'scratch' (or action: 'restore')");
            }
            if (target != null && (target.indexOf('\0') >= 0 || target.contains("\n") || target.length() > 4096)) {
                throw new ParameterException("restoreTo", "got " + ParameterException.show(target), "'scratch', a database name, or a directory");
            }
            if (target != null && SCRATCH.equals(target) && source == null) {
                throw new ParameterException("source", "restoreTo: 'scratch' needs the database server to restore into", "postgresSource(...) of the server");
            }
            List<String> qs = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                String q = checks.get(i);
                if (q == null || q.isBlank() || q.indexOf('\0') >= 0 || q.length() > 100_000) {
                    throw new ParameterException("checks[" + i + "]", "got " + ParameterException.show(q), "an SQL query that returns one boolean, e.g. \"SELECT count(*) > 0 FROM users\"");
                }
                qs.add(q.strip());
            }
            if (!qs.isEmpty() && !SCRATCH.equals(target) && a != Action.DRILL) {
                throw new ParameterException("checks", "verification queries run only in a throwaway database",
                        "restoreTo: 'scratch' together with checks, or action: 'drill'");
            }
            int rto = rtoSeconds == null ? DEFAULT_RTO_SECONDS : rtoSeconds;
            if (rto < 1 || rto > 604_800) {
                throw new ParameterException("rtoSeconds", "got " + rto, "seconds from 1 to 604800 (7 days): the longest acceptable restore");
            }
            double age = maxAgeHours == null ? DEFAULT_MAX_AGE_HOURS : maxAgeHours;
            if (!(age > 0) || age > 8784 || Double.isNaN(age)) {
                throw new ParameterException("maxAgeHours", "got " + age, "hours above 0 and up to 8784 (a year): the oldest acceptable newest snapshot");
            }
            String report = reportDir == null || reportDir.isBlank() ? null : reportDir.strip();
            if (report != null && a != Action.DRILL) {
                throw new ParameterException("reportDir", "is only used by action 'drill'", "no reportDir for action '" + a.id() + "'");
            }
            if (report != null) {
                SnapshotSources.checkPath("reportDir", report, true);
            }
            String r = text("reason", reason, 500);
            String rel = text("release", release, 128);
            String b = text("build", build, 500);
            Retention.Policy policy = Retention.Policy.of(keepLast, keepDaily, keepWeekly);
            if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofDays(7)) > 0) {
                throw new ParameterException("timeout", "got " + (timeout == null ? "nothing" : timeout.toSeconds() + " s"), "seconds from 1 to 604800 (7 days)");
            }
            Duration progress = progressEvery == null || progressEvery.isNegative() || progressEvery.isZero() ? DEFAULT_PROGRESS : progressEvery;
            return new SnapshotRequest(a, store, source, series, id, r, rel, b, target, confirm, qs, policy, timeout, progress,
                    Duration.ofSeconds(rto), Duration.ofMillis(Math.round(age * 3_600_000d)), report);
        }

        private static String text(String p, String value, int max) {
            if (value == null || value.isBlank()) {
                return null;
            }
            String v = value.strip();
            if (v.length() > max || v.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                throw new ParameterException(p, "got " + ParameterException.show(v), "one line of text up to " + max + " characters");
            }
            return v;
        }
    }
}
