package io.jenkins.plugins.squaddeploy.build;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forms a secret can leak in, computed here independently of the plugin's Masker: raw, base64 (standard and URL
 * alphabet, without padding), URL-encoded, JSON-escaped, and each line (8+ characters) of a multi-line secret.
 */
public final class SecretForms {
    private SecretForms() {
    }

    public static Map<String, String> of(String secret) {
        Map<String, String> f = new LinkedHashMap<>();
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        f.put("raw", secret);
        f.put("base64", Base64.getEncoder().encodeToString(b).replace("=", ""));
        f.put("base64url", Base64.getUrlEncoder().encodeToString(b).replace("=", ""));
        f.put("url-encoded", URLEncoder.encode(secret, StandardCharsets.UTF_8));
        f.put("json-escaped", new String(JsonStringEncoder.getInstance().quoteAsString(secret)));
        String[] lines = secret.split("\r?\n");
        if (lines.length > 1) {
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].length() >= 8) {
                    f.put("line " + (i + 1), lines[i]);
                }
            }
        }
        return f;
    }
}
