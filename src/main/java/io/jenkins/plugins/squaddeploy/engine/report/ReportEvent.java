package io.jenkins.plugins.squaddeploy.engine.report;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One entry of the deploy report: what a step (or a var, through {@code squadReport}) did, when, with which outcome.
 *
 * @param type         what kind of event: {@link #TYPES} (free-form events of vars are {@code note})
 * @param step         who wrote it: a step name ({@code squadDeploy}), a var, or a CLI command ({@code squad deploy})
 * @param title        one line, e.g. {@code released squad-api 2.0.0 to green (blueGreen)}
 * @param status       {@code OK}, {@code FAILED}, {@code WARNING} or {@code INFO}
 * @param details      plain values only (strings, numbers, booleans, lists and maps of them), documented per type in docs/report-schema.md
 * @param measurements health checks: measured value against its threshold (empty for other events)
 * @param approval     who approved what and when (null unless an approval was given)
 * @param outputs      full tool output kept in files next to the report (filled in when the report is written)
 */
public record ReportEvent(String type, String step, String title, String status, Instant startedAt, Instant finishedAt,
                          Map<String, Object> details, List<Measurement> measurements, Approval approval, List<Output> outputs)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final List<String> TYPES = List.of("snapshot", "deploy", "health", "watch", "approval", "switch", "rollback", "note");
    public static final List<String> STATUSES = List.of("OK", "FAILED", "WARNING", "INFO");
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** One check: the measured value (null when it has no number) against its threshold, and what it said. */
    public record Measurement(String check, String kind, String target, String status, Double value, String threshold,
                              int attempts, long latencyMs, String message) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Who approved what, and when. */
    public record Approval(String by, Instant at, String what) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Approval {
            at = at == null ? null : at.truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /** A tool's full output: a name (e.g. {@code docker compose up}) and its text; {@code file} is relative to the report. */
    public record Output(String name, String file, long bytes, int lines, String text) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The output before it is written: the file name is chosen by the report. */
        public static Output of(String name, String text) {
            String t = text == null ? "" : text;
            return new Output(name, null, t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, (int) t.lines().count(), t);
        }
    }

    public ReportEvent {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("report event type '" + type + "': expected a lowercase word such as " + String.join(", ", TYPES));
        }
        status = status == null ? "INFO" : status.toUpperCase(Locale.ROOT);
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("report event status '" + status + "': expected one of " + String.join(", ", STATUSES));
        }
        startedAt = (startedAt == null ? Instant.now() : startedAt).truncatedTo(ChronoUnit.MILLIS);
        finishedAt = (finishedAt == null ? startedAt : finishedAt).truncatedTo(ChronoUnit.MILLIS);
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        measurements = measurements == null ? List.of() : List.copyOf(measurements);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        title = title == null ? type : title;
    }

    /** Starts an event of {@code type} by {@code step}, begun at {@code startedAt}. */
    public static Builder of(String type, String step, Instant startedAt) {
        return new Builder(type, step, startedAt);
    }

    public long durationMs() {
        return Duration.between(startedAt, finishedAt).toMillis();
    }

    /** This event with every text passed through {@code masker} (details, measurements, approval, outputs). */
    public ReportEvent masked(Masker masker) {
        if (masker == null) {
            return this;
        }
        List<Measurement> ms = new ArrayList<>();
        for (Measurement m : measurements) {
            ms.add(new Measurement(masker.mask(m.check()), m.kind(), masker.mask(m.target()), m.status(), m.value(), masker.mask(m.threshold()),
                    m.attempts(), m.latencyMs(), masker.mask(m.message())));
        }
        List<Output> os = new ArrayList<>();
        for (Output o : outputs) {
            os.add(new Output(masker.mask(o.name()), o.file(), o.bytes(), o.lines(), masker.mask(o.text())));
        }
        Approval a = approval == null ? null : new Approval(masker.mask(approval.by()), approval.at(), masker.mask(approval.what()));
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) maskValue(details, masker);
        return new ReportEvent(type, step, masker.mask(title), status, startedAt, finishedAt, d, ms, a, os);
    }

    static Object maskValue(Object v, Masker masker) {
        if (v instanceof String s) {
            return masker.mask(s);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(masker.mask(String.valueOf(k)), maskValue(x, masker)));
            return out;
        }
        if (v instanceof Iterable<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(maskValue(x, masker)));
            return out;
        }
        if (v == null || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        return masker.mask(String.valueOf(v));
    }

    ReportEvent withOutputs(List<Output> os) {
        return new ReportEvent(type, step, title, status, startedAt, finishedAt, details, measurements, approval, os);
    }

    /** Builds an event; {@link #finish} sets the end time (now unless given). */
    public static final class Builder {
        private final String type;
        private final String step;
        private final Instant startedAt;
        private String title;
        private String status = "OK";
        private Instant finishedAt;
        private final Map<String, Object> details = new LinkedHashMap<>();
        private final List<Measurement> measurements = new ArrayList<>();
        private Approval approval;
        private final List<Output> outputs = new ArrayList<>();

        Builder(String type, String step, Instant startedAt) {
            this.type = type;
            this.step = step;
            this.startedAt = startedAt;
        }

        public Builder title(String t) {
            this.title = t;
            return this;
        }

        public Builder status(String s) {
            this.status = s;
            return this;
        }

        public Builder failed(boolean failed) {
            this.status = failed ? "FAILED" : "OK";
            return this;
        }

        /** Adds a detail; null values are left out. */
        public Builder detail(String key, Object value) {
            if (value != null) {
                details.put(key, value);
            }
            return this;
        }

        public Builder details(Map<String, ?> m) {
            if (m != null) {
                m.forEach(this::detail);
            }
            return this;
        }

        public Builder measurement(Measurement m) {
            measurements.add(m);
            return this;
        }

        public Builder approval(String by, Instant at, String what) {
            this.approval = new Approval(by, at, what);
            return this;
        }

        public Builder output(String name, String text) {
            if (text != null && !text.isBlank()) {
                outputs.add(Output.of(name, text));
            }
            return this;
        }

        public Builder outputs(List<Output> os) {
            outputs.addAll(os);
            return this;
        }

        public Builder finishedAt(Instant at) {
            this.finishedAt = at;
            return this;
        }

        public ReportEvent finish() {
            return new ReportEvent(type, step, title, status, startedAt, finishedAt == null ? Instant.now() : finishedAt, details, measurements,
                    approval, outputs);
        }
    }
}
