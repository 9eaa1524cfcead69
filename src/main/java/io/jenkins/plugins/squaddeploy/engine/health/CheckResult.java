package io.jenkins.plugins.squaddeploy.engine.health;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** The final state of one check: passed or not, how many attempts, the last latency and message. */
public record CheckResult(String name, String kind, String target, boolean passed, int attempts,
                          long latencyMs, String message, long elapsedMs) implements Serializable {

    public String status() {
        return passed ? "PASSED" : "FAILED";
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind);
        m.put("target", target);
        m.put("status", status());
        m.put("attempts", attempts);
        m.put("latencyMs", latencyMs);
        m.put("message", message);
        m.put("elapsedMs", elapsedMs);
        return m;
    }
}
