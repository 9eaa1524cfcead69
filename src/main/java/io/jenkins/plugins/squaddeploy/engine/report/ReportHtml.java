package io.jenkins.plugins.squaddeploy.engine.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline CSS and an inline SVG timeline (one mark per event), no scripts,
 * no external assets, so it opens the same from the build page, an archived artifact or a mail attachment.
 * Sections: summary, timeline, rollback and time to restore, health checks (measured value against threshold),
 * approvals, then every event with its details and links to the full output of its tools.
 */
public final class ReportHtml {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ReportHtml() {
    }

    public static String render(DeployReport r) {
        DeployReport.Summary s = r.summary();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
         .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .append("<meta name=\"generator\" content=\"squad-deploy report schema ").append(DeployReport.SCHEMA_VERSION).append("\">\n")
         .append("<title>").append(esc("Deploy report — " + nz(r.title(), "squad deploy"))).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        header(h, r, s);
        summaryCards(h, s);
        timeline(h, r);
        rollback(h, r);
        checks(h, r);
        approvals(h, r);
        events(h, r);
        h.append("<footer>Written by Squad Deploy · report schema ").append(DeployReport.SCHEMA).append(" v").append(DeployReport.SCHEMA_VERSION)
         .append(" · times in UTC · machine-readable: <a href=\"report.json\">report.json</a></footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void header(StringBuilder h, DeployReport r, DeployReport.Summary s) {
        h.append("<header><div><div class=\"eyebrow\">Deploy report</div><h1>").append(esc(nz(r.title(), "squad deploy"))).append("</h1>")
         .append("<div class=\"sub\">");
        if (r.buildUrl() != null && (r.buildUrl().startsWith("http://") || r.buildUrl().startsWith("https://"))) {
            h.append("<a href=\"").append(esc(r.buildUrl())).append("\">").append(esc(r.buildUrl())).append("</a> · ");
        } else if (r.buildUrl() != null) {
            h.append(esc(r.buildUrl())).append(" · ");
        }
        h.append("started ").append(time(r.createdAt())).append(" UTC · updated ").append(time(r.updatedAt())).append(" UTC</div></div>")
         .append("<div id=\"result\" class=\"result ").append(resultClass(s.result())).append("\">").append(esc(s.result().replace('_', ' '))).append("</div></header>\n");
    }

    private static void summaryCards(StringBuilder h, DeployReport.Summary s) {
        h.append("<section class=\"cards\" id=\"summary\">");
        card(h, "Service", s.service() == null ? "—" : (s.environment() == null ? "" : s.environment() + " / ") + s.service(), null);
        card(h, "Released", nz(s.version(), "—"), s.colour());
        card(h, "Serving now", nz(s.servingVersion(), "—"), s.servingColour());
        card(h, "Rollback", s.rolledBack() ? "yes" : "no", null);
        card(h, "Time to restore", s.timeToRestoreMs() == null ? "—" : ms(s.timeToRestoreMs()), null);
        card(h, "Events", s.events() + (s.failed() > 0 ? " · " + s.failed() + " failed" : ""), null);
        h.append("</section>\n");
    }

    private static void card(StringBuilder h, String label, String value, String colour) {
        h.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">").append(esc(value));
        if (colour != null) {
            h.append(" <span class=\"chip ").append(colourClass(colour)).append("\">").append(esc(colour)).append("</span>");
        }
        h.append("</div></div>");
    }

    // ------------------------------------------------------------------------------------------------ timeline

    private static void timeline(StringBuilder h, DeployReport r) {
        h.append("<section id=\"timeline\"><h2>Timeline</h2>");
        List<ReportEvent> es = r.events();
        if (es.isEmpty()) {
            h.append("<p class=\"muted\">No events yet.</p></section>\n");
            return;
        }
        Instant t0 = es.get(0).startedAt();
        Instant t1 = es.get(0).finishedAt();
        for (ReportEvent e : es) {
            t0 = e.startedAt().isBefore(t0) ? e.startedAt() : t0;
            t1 = e.finishedAt().isAfter(t1) ? e.finishedAt() : t1;
        }
        long span = Math.max(1000, Duration.between(t0, t1).toMillis());
        int labelW = 300, plotW = 760, rowH = 30, top = 34, width = labelW + plotW + 30;
        int height = top + rowH * es.size() + 12;
        h.append("<svg class=\"timeline\" role=\"img\" aria-label=\"Timeline of ").append(es.size()).append(" events\" viewBox=\"0 0 ").append(width)
         .append(' ').append(height).append("\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">");
        // axis: ticks at round elapsed times
        long step = tickStep(span);
        for (long t = 0; t <= span; t += step) {
            double x = labelW + plotW * (double) t / span;
            h.append("<line class=\"grid\" x1=\"").append(f(x)).append("\" y1=\"").append(top - 8).append("\" x2=\"").append(f(x)).append("\" y2=\"")
             .append(height - 6).append("\"/>")
             .append("<text class=\"tick\" x=\"").append(f(x)).append("\" y=\"").append(top - 14).append("\" text-anchor=\"middle\">+").append(esc(shortMs(t))).append("</text>");
        }
        for (int i = 0; i < es.size(); i++) {
            ReportEvent e = es.get(i);
            double x0 = labelW + plotW * (double) Duration.between(t0, e.startedAt()).toMillis() / span;
            double x1 = labelW + plotW * (double) Duration.between(t0, e.finishedAt()).toMillis() / span;
            double w = Math.max(3, x1 - x0);
            int y = top + i * rowH;
            String cls = statusClass(e.status());
            h.append("<g class=\"mark ").append(cls).append("\" data-index=\"").append(i + 1).append("\" data-type=\"").append(esc(e.type()))
             .append("\" data-status=\"").append(esc(e.status())).append("\">")
             .append("<title>").append(esc("#" + (i + 1) + " " + e.type() + " · " + e.title() + " · " + e.status() + " · " + ms(e.durationMs()))).append("</title>")
             .append("<rect class=\"row\" x=\"0\" y=\"").append(y).append("\" width=\"").append(width).append("\" height=\"").append(rowH).append("\"/>")
             .append("<text class=\"lbl\" x=\"8\" y=\"").append(y + 19).append("\"><tspan class=\"num\">").append(i + 1).append("</tspan>  ")
             .append("<tspan class=\"typ\">").append(esc(e.type())).append("</tspan>  ").append(esc(clip(e.step(), 16))).append("</text>")
             .append("<rect class=\"bar\" x=\"").append(f(x0)).append("\" y=\"").append(y + 8).append("\" width=\"").append(f(w)).append("\" height=\"14\" rx=\"3\"/>");
            String label = clip(e.title(), 48) + " · " + ms(e.durationMs());
            boolean right = x0 + w + 8 + label.length() * 6.2 < width;
            h.append("<text class=\"bartxt\" x=\"").append(f(right ? x0 + w + 6 : x0 - 6)).append("\" y=\"").append(y + 19).append("\" text-anchor=\"")
             .append(right ? "start" : "end").append("\">").append(esc(label)).append("</text></g>");
        }
        h.append("</svg>");
        h.append("<div class=\"legend\"><span class=\"sw ok\"></span>OK <span class=\"sw failed\"></span>failed <span class=\"sw warning\"></span>warning "
                + "<span class=\"sw info\"></span>info · bars start and end where each event did; ").append(esc(time(t0))).append(" UTC is +0</div></section>\n");
    }

    private static long tickStep(long span) {
        long[] steps = {100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000};
        for (long s : steps) {
            if (span / s <= 8) {
                return s;
            }
        }
        return 7_200_000;
    }

    // ------------------------------------------------------------------------------------------------ sections

    private static void rollback(StringBuilder h, DeployReport r) {
        List<ReportEvent> rb = r.events().stream().filter(e -> e.type().equals("rollback")).toList();
        if (rb.isEmpty()) {
            return;
        }
        h.append("<section id=\"rollback\"><h2>Rollback</h2>");
        for (ReportEvent e : rb) {
            Map<String, Object> d = e.details();
            h.append("<div class=\"panel ").append(statusClass(e.status())).append("\"><div class=\"big\">").append(esc(e.title())).append("</div><div class=\"kv\">");
            kv(h, "Result", d.get("result"));
            kv(h, "Rolled back", d.get("rolledBack"));
            kv(h, "Trigger", d.get("trigger"));
            kv(h, "First failure", d.get("firstFailureAt"));
            kv(h, "Detected at", d.get("detectedAt"));
            kv(h, "Restored at", d.get("rolledBackAt"));
            kv(h, "Detection", d.get("detectionMs") instanceof Number n ? ms(n.longValue()) : null);
            kv(h, "Rollback", d.get("rollbackMs") instanceof Number n ? ms(n.longValue()) : null);
            h.append("</div>");
            if (d.get("timeToRestoreMs") instanceof Number n) {
                h.append("<div class=\"ttr\"><span class=\"label\">Time to restore</span> <span id=\"ttr\" class=\"ttrv\">").append(esc(ms(n.longValue())))
                 .append("</span> <span class=\"muted\">from the first failing measurement to the previous release verified serving again</span></div>");
            }
            h.append("</div>");
        }
        h.append("</section>\n");
    }

    private static void checks(StringBuilder h, DeployReport r) {
        List<String[]> rows = new ArrayList<>();
        int i = 0;
        for (ReportEvent e : r.events()) {
            i++;
            for (ReportEvent.Measurement m : e.measurements()) {
                rows.add(new String[] {String.valueOf(i), e.type(), m.check(), m.kind(), m.target(), m.status(), m.value() == null ? "—" : num(m.value()),
                        nz(m.threshold(), "—"), String.valueOf(m.attempts()), m.latencyMs() + " ms", nz(m.message(), "")});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        h.append("<section id=\"checks\"><h2>Health checks: measured against thresholds</h2><table class=\"grid\"><thead><tr>")
         .append("<th>#</th><th>When</th><th>Check</th><th>Kind</th><th>Target</th><th>Status</th><th class=\"n\">Measured</th><th>Threshold</th>")
         .append("<th class=\"n\">Attempts</th><th class=\"n\">Latency</th><th>Detail</th></tr></thead><tbody>");
        for (String[] row : rows) {
            h.append("<tr class=\"measurement\"><td>").append(esc(row[0])).append("</td><td>").append(esc(row[1])).append("</td><td><b>").append(esc(row[2]))
             .append("</b></td><td>").append(esc(row[3])).append("</td><td class=\"mono\">").append(esc(row[4])).append("</td><td><span class=\"pill ")
             .append(checkClass(row[5])).append("\">").append(esc(row[5])).append("</span></td><td class=\"n mono value\">").append(esc(row[6]))
             .append("</td><td class=\"mono\">").append(esc(row[7])).append("</td><td class=\"n\">").append(esc(row[8])).append("</td><td class=\"n\">")
             .append(esc(row[9])).append("</td><td>").append(esc(row[10])).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void approvals(StringBuilder h, DeployReport r) {
        List<ReportEvent> as = r.events().stream().filter(e -> e.approval() != null).toList();
        if (as.isEmpty()) {
            return;
        }
        h.append("<section id=\"approvals\"><h2>Approvals</h2><table class=\"grid\"><thead><tr><th>Who</th><th>When (UTC)</th><th>What</th><th>Step</th></tr></thead><tbody>");
        for (ReportEvent e : as) {
            h.append("<tr class=\"approval\"><td><b>").append(esc(nz(e.approval().by(), "?"))).append("</b></td><td class=\"mono\">")
             .append(e.approval().at() == null ? "—" : esc(time(e.approval().at()))).append("</td><td>").append(esc(nz(e.approval().what(), "")))
             .append("</td><td>").append(esc(nz(e.step(), ""))).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void events(StringBuilder h, DeployReport r) {
        h.append("<section id=\"events\"><h2>Events</h2>");
        int i = 0;
        for (ReportEvent e : r.events()) {
            i++;
            h.append("<article class=\"event ").append(statusClass(e.status())).append("\" id=\"event-").append(i).append("\"><div class=\"ehead\">")
             .append("<span class=\"num\">").append(i).append("</span><span class=\"type\">").append(esc(e.type())).append("</span>")
             .append("<span class=\"etitle\">").append(esc(e.title())).append("</span><span class=\"pill ").append(statusClass(e.status())).append("\">")
             .append(esc(e.status())).append("</span></div><div class=\"meta\">").append(esc(nz(e.step(), ""))).append(" · ")
             .append(esc(CLOCK.format(e.startedAt()))).append(" → ").append(esc(CLOCK.format(e.finishedAt()))).append(" UTC · ").append(esc(ms(e.durationMs())))
             .append("</div>");
            if (!e.details().isEmpty()) {
                h.append("<dl>");
                for (Map.Entry<String, Object> d : e.details().entrySet()) {
                    h.append("<dt>").append(esc(d.getKey())).append("</dt><dd>").append(esc(plain(d.getValue()))).append("</dd>");
                }
                h.append("</dl>");
            }
            if (e.approval() != null) {
                h.append("<div class=\"note\">Approved by <b>").append(esc(nz(e.approval().by(), "?"))).append("</b>")
                 .append(e.approval().at() == null ? "" : " at " + esc(time(e.approval().at())) + " UTC").append(": ").append(esc(nz(e.approval().what(), "")))
                 .append("</div>");
            }
            if (!e.outputs().isEmpty()) {
                h.append("<div class=\"outputs\">Full output: ");
                boolean first = true;
                for (ReportEvent.Output o : e.outputs()) {
                    h.append(first ? "" : " · ").append("<a class=\"output\" href=\"").append(esc(nz(o.file(), ""))).append("\">").append(esc(o.name()))
                     .append("</a> <span class=\"muted\">(").append(o.lines()).append(" lines)</span>");
                    first = false;
                }
                h.append("</div>");
            }
            h.append("</article>");
        }
        h.append("</section>\n");
    }

    private static void kv(StringBuilder h, String k, Object v) {
        if (v != null) {
            h.append("<div><span class=\"label\">").append(esc(k)).append("</span> ").append(esc(v instanceof Boolean b ? (b ? "yes" : "no") : plain(v)))
             .append("</div>");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String plain(Object v) {
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(k + ": " + plain(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (v instanceof Iterable<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(plain(x)));
            return String.join(", ", parts);
        }
        if (v instanceof Double d) {
            return num(d);
        }
        return String.valueOf(v);
    }

    static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf((long) d);
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    public static String ms(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
    }

    private static String shortMs(long ms) {
        if (ms == 0) {
            return "0";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 120_000) {
            return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.format(Locale.ROOT, "%.1f", ms / 1000.0)) + "s";
        }
        return (ms / 60_000) + "m" + (ms % 60_000 == 0 ? "" : (ms % 60_000) / 1000 + "s");
    }

    private static String time(Instant t) {
        return TIME.format(t);
    }

    private static String f(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static String clip(String s, int n) {
        String t = s == null ? "" : s;
        return t.length() <= n ? t : t.substring(0, n - 1) + "…";
    }

    private static String nz(String s, String dflt) {
        return s == null ? dflt : s;
    }

    private static String statusClass(String status) {
        return switch (status) {
            case "OK" -> "ok";
            case "FAILED" -> "failed";
            case "WARNING" -> "warning";
            default -> "info";
        };
    }

    private static String checkClass(String status) {
        return switch (status == null ? "" : status) {
            case "PASSED" -> "ok";
            case "FAILED", "ERROR" -> "failed";
            case "INCONCLUSIVE" -> "warning";
            default -> "info";
        };
    }

    private static String resultClass(String result) {
        return switch (result) {
            case "SUCCESS" -> "ok";
            case "ROLLED_BACK" -> "warning";
            default -> "failed";
        };
    }

    private static String colourClass(String colour) {
        String c = colour.toLowerCase(Locale.ROOT);
        return c.equals("blue") || c.equals("green") ? c : "other";
    }

    /** HTML text and attribute escaping. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{--fg:#1b1f24;--muted:#5b6470;--line:#e3e6ea;--bg:#f6f7f9;--card:#fff;--ok:#1f883d;--okbg:#e6f4ea;--failed:#cf222e;--failedbg:#fde8ea;\
            --warning:#9a6700;--warningbg:#fff4d6;--info:#57606a;--infobg:#eef1f4;--blue:#0969da;--green:#1a7f37}
            *{box-sizing:border-box}
            body{margin:0;padding:28px 36px 40px;background:var(--bg);color:var(--fg);font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,\
            "Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
            a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
            header{display:flex;justify-content:space-between;align-items:flex-start;gap:24px;margin-bottom:20px}
            .eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:11px;font-weight:600;color:var(--muted)}
            h1{margin:2px 0 4px;font-size:26px;font-weight:650}
            h2{font-size:16px;margin:0 0 12px;font-weight:650}
            .sub,.muted,.meta{color:var(--muted)}.sub{font-size:13px}
            .result{font-weight:700;letter-spacing:.04em;padding:8px 16px;border-radius:6px;font-size:15px;white-space:nowrap}
            .result.ok{background:var(--okbg);color:var(--ok)}.result.failed{background:var(--failedbg);color:var(--failed)}
            .result.warning{background:var(--warningbg);color:var(--warning)}
            .cards{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:12px;margin-bottom:20px}
            .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
            .label{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600}
            .card .value{font-size:18px;font-weight:600;margin-top:4px;word-break:break-word}
            .chip{display:inline-block;font-size:11px;font-weight:700;padding:1px 8px;border-radius:10px;vertical-align:middle;color:#fff;background:#6e7781}
            .chip.blue{background:var(--blue)}.chip.green{background:var(--green)}
            section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin-bottom:18px}
            section.cards{background:none;border:0;padding:0}
            svg.timeline{display:block;font:12px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Arial,"DejaVu Sans",sans-serif}
            svg .grid{stroke:#e8eaed;stroke-width:1}svg .tick{fill:var(--muted);font-size:11px}
            svg .row{fill:transparent}svg .mark:nth-of-type(even) .row{fill:#fafbfc}
            svg .lbl{fill:var(--fg)}svg .num{font-weight:700;fill:var(--muted)}svg .typ{font-weight:650}
            svg .bartxt{fill:var(--muted);font-size:11px}
            svg .mark.ok .bar{fill:var(--ok)}svg .mark.failed .bar{fill:var(--failed)}svg .mark.warning .bar{fill:#d4a72c}svg .mark.info .bar{fill:#8c959f}
            .legend{font-size:12px;color:var(--muted);margin-top:6px}
            .sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
            .sw.ok{background:var(--ok)}.sw.failed{background:var(--failed)}.sw.warning{background:#d4a72c}.sw.info{background:#8c959f}
            .panel{border-left:4px solid var(--info);padding:8px 14px;background:#fbfbfc;border-radius:4px;margin-bottom:8px}
            .panel.ok{border-color:var(--ok)}.panel.failed{border-color:var(--failed)}.panel.warning{border-color:#d4a72c}
            .panel .big{font-size:15px;font-weight:600;margin-bottom:6px}
            .kv{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:4px 24px}
            .ttr{margin-top:10px;font-size:14px}.ttrv{font-size:22px;font-weight:700;margin:0 6px}
            table.grid{border-collapse:collapse;width:100%;font-size:13px}
            table.grid th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border-bottom:2px solid var(--line);padding:6px 8px}
            table.grid td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
            .n{text-align:right}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
            .pill{display:inline-block;font-size:11px;font-weight:700;padding:1px 8px;border-radius:10px}
            .pill.ok{background:var(--okbg);color:var(--ok)}.pill.failed{background:var(--failedbg);color:var(--failed)}
            .pill.warning{background:var(--warningbg);color:var(--warning)}.pill.info{background:var(--infobg);color:var(--info)}
            .event{border:1px solid var(--line);border-left:4px solid #8c959f;border-radius:6px;padding:10px 14px;margin-bottom:10px}
            .event.ok{border-left-color:var(--ok)}.event.failed{border-left-color:var(--failed)}.event.warning{border-left-color:#d4a72c}
            .ehead{display:flex;gap:10px;align-items:center}.ehead .num{font-weight:700;color:var(--muted);min-width:22px}
            .ehead .type{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.06em;background:var(--infobg);padding:2px 8px;border-radius:4px}
            .etitle{font-weight:600;flex:1}.meta{font-size:12px;margin:4px 0 0 32px}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0 0 32px;font-size:13px}
            dt{color:var(--muted)}dd{margin:0;word-break:break-word;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
            .note,.outputs{margin:8px 0 0 32px;font-size:13px}
            footer{color:var(--muted);font-size:12px;margin-top:8px}
            @media print{body{background:#fff;padding:0}section,.card{break-inside:avoid}}
            """;
}
