package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What blueGreenSwitch returns: {@code [from: 'blue', to: 'green', verifiedAt: '…', switchMillis: 180]}. */
public record SwitchResult(String from, String to, Instant verifiedAt, long switchMillis) implements Serializable {
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from);
        m.put("to", to);
        m.put("verifiedAt", verifiedAt == null ? null : verifiedAt.toString());
        m.put("switchMillis", switchMillis);
        return m;
    }
}
