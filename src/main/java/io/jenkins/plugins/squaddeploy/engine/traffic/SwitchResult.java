package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What blueGreenSwitch returns: {@code [from: 'blue', to: 'green', verifiedAt: '…', switchMillis: 180, switched: true]}.
 * {@code switched} is false when the router already routed to {@code to} and the switch was not forced: then
 * nothing was changed or verified ({@code verifiedAt} is null).
 */
public record SwitchResult(String from, String to, Instant verifiedAt, long switchMillis, boolean switched) implements Serializable {

    /** A switch that happened and was verified. */
    public SwitchResult(String from, String to, Instant verifiedAt, long switchMillis) {
        this(from, to, verifiedAt, switchMillis, true);
    }

    /** Plain maps, strings and numbers only, so the value is safe in CPS-transformed pipeline code. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from);
        m.put("to", to);
        m.put("verifiedAt", verifiedAt == null ? null : verifiedAt.toString());
        m.put("switchMillis", switchMillis);
        m.put("switched", switched);
        return m;
    }
}
