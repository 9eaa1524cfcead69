package io.jenkins.plugins.squaddeploy.build;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forms a secret can leak in, computed here independently of the plugin's Masker: raw, base64 (standard and URL
 * alphabet, without padding), URL-encoded, JSON-escaped, and each line (8+ characters) of a multi-line secret; and the
 * secret base64-encoded inside a longer text at each of the three byte alignments (standard and URL alphabet), such as
 * the password in an HTTP Basic header {@code base64(user:password)}: only the characters that depend on the secret's
 * bytes alone, so they are found whatever comes before and after it.
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
        for (int offset = 0; offset < 3; offset++) {
            String core = embeddedBase64(b, offset, Base64.getEncoder());
            if (core.length() >= 8) {
                f.put("base64 inside a text, offset " + offset, core);
                f.put("base64url inside a text, offset " + offset, embeddedBase64(b, offset, Base64.getUrlEncoder()));
            }
        }
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

    /**
     * The base64 characters of {@code secret} when it starts {@code offset} bytes into a 3-byte group of a longer text: the
     * characters whose 6 bits all come from the secret (the first and last may mix in the neighbours' bits, and are cut).
     */
    static String embeddedBase64(byte[] secret, int offset, Base64.Encoder encoder) {
        byte[] padded = new byte[offset + secret.length];
        System.arraycopy(secret, 0, padded, offset, secret.length);
        String all = encoder.withoutPadding().encodeToString(padded);
        int from = (8 * offset + 5) / 6;
        int to = 8 * (offset + secret.length) / 6;
        return to <= from ? "" : all.substring(from, to);
    }
}
