package io.jenkins.plugins.squaddeploy.engine.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report as JSON, schema {@value DeployReport#SCHEMA} version {@value DeployReport#SCHEMA_VERSION} (docs/report-schema.md). */
public final class ReportJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    public static String write(DeployReport r) {
        try {
            return JSON.writeValueAsString(toMap(r)) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("the report could not be written as JSON: " + e.getMessage(), e);
        }
    }

    public static Map<String, Object> toMap(DeployReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", DeployReport.SCHEMA);
        m.put("schemaVersion", DeployReport.SCHEMA_VERSION);
        m.put("title", r.title());
        m.put("buildUrl", r.buildUrl());
        m.put("createdAt", r.createdAt().toString());
        m.put("updatedAt", r.updatedAt().toString());
        m.put("summary", r.summary().toMap());
        List<Object> es = new ArrayList<>();
        int i = 0;
        for (ReportEvent e : r.events()) {
            es.add(toMap(e, ++i));
        }
        m.put("events", es);
        return m;
    }

    static Map<String, Object> toMap(ReportEvent e, int index) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("type", e.type());
        m.put("step", e.step());
        m.put("title", e.title());
        m.put("status", e.status());
        m.put("startedAt", e.startedAt().toString());
        m.put("finishedAt", e.finishedAt().toString());
        m.put("durationMs", e.durationMs());
        m.put("details", new LinkedHashMap<>(e.details()));
        List<Object> ms = new ArrayList<>();
        for (ReportEvent.Measurement x : e.measurements()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("check", x.check());
            mm.put("kind", x.kind());
            mm.put("target", x.target());
            mm.put("status", x.status());
            mm.put("value", x.value());
            mm.put("threshold", x.threshold());
            mm.put("attempts", x.attempts());
            mm.put("latencyMs", x.latencyMs());
            mm.put("message", x.message());
            ms.add(mm);
        }
        m.put("measurements", ms);
        if (e.approval() == null) {
            m.put("approval", null);
        } else {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("by", e.approval().by());
            a.put("at", e.approval().at() == null ? null : e.approval().at().toString());
            a.put("what", e.approval().what());
            m.put("approval", a);
        }
        List<Object> os = new ArrayList<>();
        for (ReportEvent.Output o : e.outputs()) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("name", o.name());
            om.put("file", o.file());
            om.put("bytes", o.bytes());
            om.put("lines", o.lines());
            os.add(om);
        }
        m.put("outputs", os);
        return m;
    }

    /** Reads a report written by {@link #write}; a report of a newer schema version is refused (it would be rewritten wrongly). */
    public static DeployReport read(String json) throws IOException {
        Map<?, ?> m = JSON.readValue(json, Map.class);
        if (!DeployReport.SCHEMA.equals(m.get("schema"))) {
            throw new IOException("not a deploy report (schema '" + m.get("schema") + "', expected '" + DeployReport.SCHEMA + "')");
        }
        if (!(m.get("schemaVersion") instanceof Number v) || v.intValue() > DeployReport.SCHEMA_VERSION) {
            throw new IOException("deploy report schema version " + m.get("schemaVersion") + " is newer than this plugin's " + DeployReport.SCHEMA_VERSION);
        }
        List<ReportEvent> events = new ArrayList<>();
        if (m.get("events") instanceof List<?> l) {
            for (Object o : l) {
                events.add(event((Map<?, ?>) o));
            }
        }
        return new DeployReport(str(m.get("title")), str(m.get("buildUrl")), instant(m.get("createdAt")), instant(m.get("updatedAt")), events);
    }

    @SuppressWarnings("unchecked")
    private static ReportEvent event(Map<?, ?> m) {
        List<ReportEvent.Measurement> ms = new ArrayList<>();
        if (m.get("measurements") instanceof List<?> l) {
            for (Object o : l) {
                Map<?, ?> x = (Map<?, ?>) o;
                ms.add(new ReportEvent.Measurement(str(x.get("check")), str(x.get("kind")), str(x.get("target")), str(x.get("status")),
                        x.get("value") instanceof Number n ? n.doubleValue() : null, str(x.get("threshold")), num(x.get("attempts")).intValue(),
                        num(x.get("latencyMs")).longValue(), str(x.get("message"))));
            }
        }
        ReportEvent.Approval a = null;
        if (m.get("approval") instanceof Map<?, ?> am) {
            a = new ReportEvent.Approval(str(am.get("by")), am.get("at") == null ? null : instant(am.get("at")), str(am.get("what")));
        }
        List<ReportEvent.Output> os = new ArrayList<>();
        if (m.get("outputs") instanceof List<?> l) {
            for (Object o : l) {
                Map<?, ?> x = (Map<?, ?>) o;
                os.add(new ReportEvent.Output(str(x.get("name")), str(x.get("file")), num(x.get("bytes")).longValue(), num(x.get("lines")).intValue(), null));
            }
        }
        Map<String, Object> details = m.get("details") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
        return new ReportEvent(str(m.get("type")), str(m.get("step")), str(m.get("title")), str(m.get("status")), instant(m.get("startedAt")),
                instant(m.get("finishedAt")), details, ms, a, os);
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static Number num(Object o) {
        return o instanceof Number n ? n : 0;
    }

    private static Instant instant(Object o) {
        return o == null ? Instant.EPOCH : Instant.parse(String.valueOf(o));
    }
}
