package io.jenkins.plugins.squaddeploy.engine.rollback;

import io.jenkins.plugins.squaddeploy.engine.health.CheckResult;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why a release is rolled back: what tripped ({@code trigger}), the values measured, when the first failing
 * measurement was taken and when the failure was decided ({@code detectedAt}). Built from a failed verifyHealth
 * report ({@link #fromReport}) or from a reason alone ({@link #of}: "the build failed in stage Deploy").
 *
 * @param firstFailureAt the first measurement that did not pass, or null when not known
 */
public record Incident(String trigger, List<Measurement> measurements, Instant firstFailureAt, Instant detectedAt) implements Serializable {
    static final int MAX_VALUES = 20;

    public Incident {
        measurements = List.copyOf(measurements);
        firstFailureAt = firstFailureAt == null ? null : firstFailureAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        detectedAt = detectedAt == null ? null : detectedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /**
     * One failing check: its last message, last value and threshold, and the values it measured (the last
     * {@value #MAX_VALUES}, oldest first).
     */
    public record Measurement(String check, String kind, String target, String status, String message, Double value, String threshold,
                              List<Double> values) implements Serializable {
        public Measurement {
            values = values == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(values));
        }

        /** {@code error-rate (prometheus http://…): FAILED: 3 failed measurements in a row…}. */
        public String describe() {
            return check + " (" + kind + " " + target + "): " + status + ": " + message;
        }
    }

    /** An incident with no measurements: {@code reason} as the trigger, detected now. */
    public static Incident of(String reason, Instant at) {
        return new Incident(reason, List.of(), null, at);
    }

    /**
     * The failing checks of a verifyHealth report that ran from {@code startedAt} and decided at {@code detectedAt}.
     * The first failure is the earliest measurement of a failing check that did not pass.
     */
    public static Incident fromReport(HealthReport report, Instant startedAt, Instant detectedAt) {
        List<Measurement> ms = new ArrayList<>();
        Instant first = null;
        List<String> parts = new ArrayList<>();
        for (CheckResult c : report.failed()) {
            List<Double> values = new ArrayList<>();
            for (CheckResult.Sample s : c.samples()) {
                if (s.value() != null) {
                    values.add(s.value());
                }
                if (!"PASSED".equals(s.status())) {
                    Instant at = startedAt.plusMillis(s.atMs());
                    if (first == null || at.isBefore(first)) {
                        first = at;
                    }
                }
            }
            if (values.size() > MAX_VALUES) {
                values = values.subList(values.size() - MAX_VALUES, values.size());
            }
            Measurement m = new Measurement(c.name(), c.kind(), c.target(), c.status(), c.message(), c.value(), c.threshold(), values);
            ms.add(m);
            parts.add(m.describe());
        }
        String trigger = "verifyHealth " + ("INCONCLUSIVE".equals(report.status()) ? "inconclusive" : "failed") + ": "
                + (parts.isEmpty() ? "no check passed" : String.join("; ", parts));
        return new Incident(trigger, ms, first, detectedAt);
    }

    /** {@code error-rate 0.4821 (threshold <= 0.05), values 0.0000 0.0000 0.4821}; one line per measured check. */
    public List<String> measuredLines() {
        List<String> out = new ArrayList<>();
        for (Measurement m : measurements) {
            StringBuilder b = new StringBuilder(m.check());
            if (m.value() != null) {
                b.append(' ').append(format(m.value()));
            }
            if (m.threshold() != null) {
                b.append(" (threshold ").append(m.threshold()).append(')');
            }
            if (!m.values().isEmpty()) {
                b.append(", measured");
                for (Double v : m.values()) {
                    b.append(' ').append(format(v));
                }
            }
            if (m.value() == null && m.values().isEmpty()) {
                b.append(": ").append(m.status()).append(", ").append(m.message());
            }
            out.add(b.toString());
        }
        return out;
    }

    static String format(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trigger", trigger);
        List<Object> list = new ArrayList<>();
        for (Measurement x : measurements) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("check", x.check());
            mm.put("kind", x.kind());
            mm.put("target", x.target());
            mm.put("status", x.status());
            mm.put("message", x.message());
            mm.put("value", x.value());
            mm.put("threshold", x.threshold());
            mm.put("values", new ArrayList<>(x.values()));
            list.add(mm);
        }
        m.put("measurements", list);
        m.put("firstFailureAt", firstFailureAt == null ? null : firstFailureAt.toString());
        m.put("detectedAt", detectedAt == null ? null : detectedAt.toString());
        return m;
    }

    public static Incident fromMap(Map<?, ?> m) {
        List<Measurement> ms = new ArrayList<>();
        if (m.get("measurements") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> x) {
                    List<Double> values = new ArrayList<>();
                    if (x.get("values") instanceof List<?> vl) {
                        for (Object v : vl) {
                            if (v instanceof Number n) {
                                values.add(n.doubleValue());
                            }
                        }
                    }
                    ms.add(new Measurement(str(x.get("check")), str(x.get("kind")), str(x.get("target")), str(x.get("status")),
                            str(x.get("message")), x.get("value") instanceof Number n ? n.doubleValue() : null, str(x.get("threshold")), values));
                }
            }
        }
        return new Incident(str(m.get("trigger")), ms, instant(m.get("firstFailureAt")), instant(m.get("detectedAt")));
    }

    private static Instant instant(Object o) {
        return o == null ? null : Instant.parse(o.toString());
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
