package io.jenkins.plugins.squaddeploy.engine.snapshot;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jenkins.plugins.squaddeploy.engine.report.ReportHtml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The audit record of a DR drill in a report directory: {@code dr-test.json} (every store's drill result, merged: a
 * drill job that drills several stores, one {@code dbSnapshot action: 'drill'} each, gets one report), rendered as
 * {@code dr-test.xml} (JUnit: one test case per store, for the {@code junit} step) and {@code dr-test.html} (a
 * self-contained page). Each file is written under a temporary name and renamed, so a reader never sees half a report.
 */
public final class DrillReport {
    public static final String JSON_FILE = "dr-test.json";
    public static final String XML_FILE = "dr-test.xml";
    public static final String HTML_FILE = "dr-test.html";

    private DrillReport() {
    }

    /** Adds (or replaces, by store name) one drill result and rewrites the three files; returns every result now in the report. */
    public static List<Map<String, Object>> merge(Path dir, Map<String, Object> drill) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> cases = read(dir);
        cases.removeIf(c -> Objects.equals(c.get("name"), drill.get("name")) && Objects.equals(c.get("store"), drill.get("store")));
        cases.add(drill);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "squad-deploy/dr-test@1");
        json.put("cases", cases);
        SnapshotStore.writeAtomically(dir.resolve(JSON_FILE), SnapshotMeta.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        SnapshotStore.writeAtomically(dir.resolve(XML_FILE), junitXml(cases).getBytes(StandardCharsets.UTF_8));
        SnapshotStore.writeAtomically(dir.resolve(HTML_FILE), html(cases, Instant.now()).getBytes(StandardCharsets.UTF_8));
        return cases;
    }

    /** The results already in {@code dir/dr-test.json}; none if there is no such file. */
    public static List<Map<String, Object>> read(Path dir) throws IOException {
        Path f = dir.resolve(JSON_FILE);
        if (!Files.isRegularFile(f)) {
            return new ArrayList<>();
        }
        Map<String, Object> json = SnapshotMeta.JSON.readValue(f.toFile(), new TypeReference<Map<String, Object>>() { });
        List<Map<String, Object>> cases = new ArrayList<>();
        if (json.get("cases") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m) {
                    Map<String, Object> c = new LinkedHashMap<>();
                    m.forEach((k, v) -> c.put(String.valueOf(k), v));
                    cases.add(c);
                }
            }
        }
        return cases;
    }

    static String junitXml(List<Map<String, Object>> cases) {
        long failures = cases.stream().filter(c -> !ok(c)).count();
        double total = cases.stream().mapToLong(c -> num(c.get("durationMs"))).sum() / 1000d;
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<testsuite name=\"dr-drill\" tests=\"").append(cases.size()).append("\" failures=\"").append(failures)
                .append("\" errors=\"0\" skipped=\"0\" time=\"").append(seconds(total)).append("\">\n");
        out.append("  <properties>");
        for (String store : stores(cases)) {
            out.append("<property name=\"store\" value=\"").append(xml(store)).append("\"/>");
        }
        out.append("</properties>\n");
        for (Map<String, Object> c : cases) {
            out.append("  <testcase classname=\"dr-drill.").append(xml(Objects.toString(c.get("kind"), "unknown"))).append("\" name=\"")
                    .append(xml(Objects.toString(c.get("name"), ""))).append("\" time=\"").append(seconds(num(c.get("durationMs")) / 1000d)).append("\">\n");
            out.append("    <system-out>").append(xml(summary(c))).append("</system-out>\n");
            if (!ok(c)) {
                String m = Objects.toString(c.get("message"), "failed");
                out.append("    <failure message=\"").append(xml(m)).append("\">").append(xml(m)).append("</failure>\n");
            }
            out.append("  </testcase>\n");
        }
        return out.append("</testsuite>\n").toString();
    }

    static String html(List<Map<String, Object>> cases, Instant now) {
        long passed = cases.stream().filter(DrillReport::ok).count();
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>DR drill</title>");
        out.append("<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}")
                .append(".ok{color:#060}.fail{color:#b00}</style></head><body>\n");
        out.append("<h1>DR drill: ").append(xml(String.join(", ", stores(cases)))).append("</h1>\n");
        out.append("<p>").append(passed).append(" of ").append(cases.size()).append(" store(s) restored within their objectives")
                .append(passed == cases.size() ? "" : "; " + (cases.size() - passed) + " FAILED").append(". Written ").append(xml(now.toString()))
                .append(".</p>\n");
        out.append("<table><tr><th>Store</th><th>Kind</th><th>Snapshot</th><th>Result</th><th>RTO (restore time / objective)</th>")
                .append("<th>RPO (snapshot age / objective)</th><th>How</th><th>Checks</th></tr>\n");
        for (Map<String, Object> c : cases) {
            StringBuilder checks = new StringBuilder();
            if (c.get("checks") instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> q) {
                        if (checks.length() > 0) {
                            checks.append("<br>");
                        }
                        checks.append(Boolean.TRUE.equals(q.get("passed")) ? "passed" : "FAILED").append(": ").append(xml(Objects.toString(q.get("query"), "")))
                                .append(" &rarr; ").append(xml(Objects.toString(q.get("answer") != null ? q.get("answer") : q.get("error"), "")));
                    }
                }
            }
            out.append("<tr><td>").append(xml(Objects.toString(c.get("name"), ""))).append("</td><td>").append(xml(Objects.toString(c.get("kind"), "")))
                    .append("</td><td>").append(xml(Objects.toString(c.get("snapshot"), "none"))).append("</td><td class=\"").append(ok(c) ? "ok" : "fail")
                    .append("\">").append(ok(c) ? "PASSED" : "FAILED: " + xml(Objects.toString(c.get("message"), ""))).append("</td><td>")
                    .append(c.get("restoreMs") == null ? "not measured" : num(c.get("restoreMs")) + " ms").append(" / ")
                    .append(num(c.get("rtoSeconds"))).append(" s</td><td>")
                    .append(c.get("ageSeconds") == null ? "unknown" : num(c.get("ageSeconds")) + " s").append(" / ")
                    .append(hours(num(c.get("rpoSeconds")))).append(" h</td><td>").append(xml(Objects.toString(c.get("method"), ""))).append("</td><td>")
                    .append(checks).append("</td></tr>\n");
        }
        return out.append("</table>\n</body></html>\n").toString();
    }

    /** One line for the console and the JUnit system-out: snapshot, how, RTO and RPO against their objectives. */
    public static String summary(Map<String, Object> c) {
        return "snapshot " + Objects.toString(c.get("snapshot"), "none") + "; " + Objects.toString(c.get("method"), "not restored") + "; RTO "
                + (c.get("restoreMs") == null ? "not measured" : num(c.get("restoreMs")) + " ms") + " (objective " + num(c.get("rtoSeconds")) + " s); RPO "
                + (c.get("ageSeconds") == null ? "unknown" : num(c.get("ageSeconds")) + " s") + " (objective " + hours(num(c.get("rpoSeconds"))) + " h)";
    }

    private static Set<String> stores(List<Map<String, Object>> cases) {
        Set<String> s = new LinkedHashSet<>();
        cases.forEach(c -> s.add(Objects.toString(c.get("store"), "")));
        return s;
    }

    private static boolean ok(Map<String, Object> c) {
        return Boolean.TRUE.equals(c.get("ok"));
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    static String hours(long seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds / 3600d);
    }

    /** XML/HTML text and attribute escaping (the deploy report's), without the control characters XML 1.0 cannot hold. */
    static String xml(String s) {
        return ReportHtml.esc(s.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", ""));
    }
}
