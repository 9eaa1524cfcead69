package io.jenkins.plugins.squaddeploy.engine.health;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything verifyHealth found, as a person reads it (table, summary) and as a pipeline reads it (map). */
public record HealthReport(boolean healthy, List<CheckResult> checks, long elapsedMs) implements Serializable {

    public HealthReport {
        checks = List.copyOf(checks);
    }

    /** Checks that failed, could not be measured (ERROR) or were inconclusive; not those stopped early. */
    public List<CheckResult> failed() {
        return checks.stream().filter(c -> !c.passed() && !"STOPPED".equals(c.status())).toList();
    }

    /** HEALTHY, FAILED (a check failed or errored) or INCONCLUSIVE (only inconclusive checks). */
    public String status() {
        if (healthy) {
            return "HEALTHY";
        }
        boolean hard = failed().stream().anyMatch(c -> !"INCONCLUSIVE".equals(c.status()));
        return hard || failed().isEmpty() ? "FAILED" : "INCONCLUSIVE";
    }

    /**
     * The value a pipeline gets back: {@code [healthy: true, elapsedMs: 812, failed: [],
     * checks: [api: [status: 'PASSED', latencyMs: 12, attempts: 1, message: 'HTTP 200', ...]]]}.
     * Plain maps, lists, strings and numbers only, so it is safe in CPS-transformed pipeline code.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> checkMap = new LinkedHashMap<>();
        for (CheckResult c : checks) {
            checkMap.put(c.name(), c.toMap());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("healthy", healthy);
        m.put("status", status());
        m.put("elapsedMs", elapsedMs);
        m.put("failed", new ArrayList<>(failed().stream().map(CheckResult::name).toList()));
        m.put("checks", checkMap);
        return m;
    }

    /** One line per failing check, e.g. {@code api (http http://…/health): HTTP 503, expected 200 after 10 attempts}. */
    public String failureSummary() {
        StringBuilder sb = new StringBuilder();
        for (CheckResult c : failed()) {
            sb.append(sb.length() == 0 ? "" : "\n")
              .append("  ").append(c.name()).append(" (").append(c.kind()).append(' ').append(c.target()).append("): ")
              .append(c.message()).append(" [").append(c.attempts()).append(c.attempts() == 1 ? " attempt" : " attempts").append(']');
        }
        return sb.toString();
    }

    /** A fixed-width table of all checks. */
    public List<String> table() {
        String[] head = {"CHECK", "KIND", "STATUS", "ATTEMPTS", "LATENCY", "DETAIL"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (CheckResult c : checks) {
            rows.add(new String[] {c.name(), c.kind(), c.status(), String.valueOf(c.attempts()), c.latencyMs() + " ms", c.message()});
        }
        int[] width = new int[head.length - 1];
        for (String[] r : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                sb.append(String.format("%-" + width[i] + "s  ", r[i]));
            }
            sb.append(r[width.length]);
            lines.add(sb.toString().stripTrailing());
        }
        return lines;
    }
}
