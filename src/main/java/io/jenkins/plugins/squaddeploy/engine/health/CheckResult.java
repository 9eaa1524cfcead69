package io.jenkins.plugins.squaddeploy.engine.health;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The final state of one check: PASSED, FAILED, ERROR (could not be measured often enough) or INCONCLUSIVE,
 * with the attempt count, the last latency and message, the last measured value next to its threshold, the
 * counts of failed, error and inconclusive measurements, and every measurement taken (up to {@value #MAX_SAMPLES}).
 */
public record CheckResult(String name, String kind, String target, String status, int attempts,
                          long latencyMs, String message, long elapsedMs, Double value, String threshold,
                          int failures, int errors, int inconclusive, List<Sample> samples) implements Serializable {

    public static final int MAX_SAMPLES = 1000;

    public CheckResult {
        samples = List.copyOf(samples);
    }

    /** One measurement: milliseconds since the step started, its status and the measured value, if any. */
    public record Sample(long atMs, String status, Double value) implements Serializable {
    }

    public boolean passed() {
        return "PASSED".equals(status);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind);
        m.put("target", target);
        m.put("status", status);
        m.put("attempts", attempts);
        m.put("latencyMs", latencyMs);
        m.put("message", message);
        m.put("elapsedMs", elapsedMs);
        if (threshold != null) {
            m.put("value", value);
            m.put("threshold", threshold);
        }
        m.put("failures", failures);
        m.put("errors", errors);
        m.put("inconclusive", inconclusive);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Sample s : samples) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("atMs", s.atMs());
            sm.put("status", s.status());
            sm.put("value", s.value());
            list.add(sm);
        }
        m.put("samples", list);
        return m;
    }
}
