package io.jenkins.plugins.squaddeploy.engine.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code verified.json} beside a snapshot: the outcome of its last verification ({@code checksum}: the data read
 * back and its SHA-256 compared; {@code restore}: also restored into a throwaway database and checked).
 * Rewritten by every verification; a failed one replaces an earlier success.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Verification(String verifiedAt, String method, boolean ok, String message, Long restoreMs, Long ageSeconds) {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verifiedAt", verifiedAt);
        m.put("method", method);
        m.put("ok", ok);
        if (message != null) {
            m.put("message", message);
        }
        if (restoreMs != null) {
            m.put("restoreMs", restoreMs);
        }
        if (ageSeconds != null) {
            m.put("ageSeconds", ageSeconds);
        }
        return m;
    }
}
