package io.jenkins.plugins.squaddeploy.engine.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of one build (or of one CLI report directory): a title, the build's address and its events in the order
 * they happened. The summary (what was released, what serves, the result, the rollback and time to restore) is derived
 * from the events. Its JSON form ({@link ReportJson}) is documented in docs/report-schema.md.
 */
public record DeployReport(String title, String buildUrl, Instant createdAt, Instant updatedAt, List<ReportEvent> events) {
    public static final String SCHEMA = "squad-deploy-report";
    public static final int SCHEMA_VERSION = 1;

    public DeployReport {
        events = List.copyOf(events);
    }

    public static DeployReport empty(String title, String buildUrl, Instant now) {
        return new DeployReport(title, buildUrl, now, now, List.of());
    }

    public DeployReport with(ReportEvent e, Instant now) {
        List<ReportEvent> es = new ArrayList<>(events);
        es.add(e);
        return new DeployReport(title, buildUrl, createdAt, now, es);
    }

    /**
     * What a person wants first.
     *
     * @param version        the version this build released (last deploy), or null
     * @param colour         the colour it went to (or traffic was switched to), or null
     * @param servingVersion what serves at the end: the released version, or the one rolled back to
     * @param result         SUCCESS (nothing failed), FAILED (something failed and was not rolled back) or ROLLED_BACK
     */
    public record Summary(String service, String environment, String version, String colour, String servingVersion, String servingColour,
                          String result, boolean rolledBack, Long timeToRestoreMs, int events, int failed) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", service);
            m.put("environment", environment);
            m.put("version", version);
            m.put("colour", colour);
            m.put("servingVersion", servingVersion);
            m.put("servingColour", servingColour);
            m.put("result", result);
            m.put("rolledBack", rolledBack);
            m.put("timeToRestoreMs", timeToRestoreMs);
            m.put("events", events);
            m.put("failed", failed);
            return m;
        }
    }

    public Summary summary() {
        String service = null, environment = null, version = null, colour = null, servingVersion = null, servingColour = null;
        boolean rolledBack = false, rollbackFailed = false;
        Long ttr = null;
        int failed = 0;
        for (ReportEvent e : events) {
            Map<String, Object> d = e.details();
            if ("FAILED".equals(e.status())) {
                failed++;
            }
            switch (e.type()) {
                case "deploy" -> {
                    if ("OK".equals(e.status())) {
                        service = str(d.get("service"), service);
                        environment = str(d.get("environment"), environment);
                        version = str(d.get("version"), version);
                        colour = str(d.get("colour"), colour);
                        servingVersion = version;
                        servingColour = colour;
                    }
                }
                case "switch" -> {
                    if ("OK".equals(e.status()) && d.get("to") != null) {
                        colour = str(d.get("to"), colour);
                        servingColour = colour;
                        servingVersion = str(d.get("version"), servingVersion);
                        service = service == null ? str(d.get("service"), null) : service; // the router's name for it only when no deploy named it
                    }
                }
                case "rollback" -> {
                    String st = str(d.get("result"), "");
                    if (st.equals("ROLLED_BACK") || st.equals("ALREADY_ROLLED_BACK")) {
                        rolledBack = true;
                        servingVersion = str(d.get("toVersion"), servingVersion);
                        servingColour = str(d.get("toColour"), servingColour);
                        if (d.get("timeToRestoreMs") instanceof Number n) {
                            ttr = n.longValue();
                        }
                    } else if (st.equals("FAILED")) {
                        rollbackFailed = true;
                    }
                }
                default -> {
                }
            }
        }
        String result = rollbackFailed ? "FAILED" : rolledBack ? "ROLLED_BACK" : failed > 0 ? "FAILED" : "SUCCESS";
        return new Summary(service, environment, version, colour, servingVersion, servingColour, result, rolledBack, ttr, events.size(), failed);
    }

    private static String str(Object o, String dflt) {
        return o == null ? dflt : String.valueOf(o);
    }
}
