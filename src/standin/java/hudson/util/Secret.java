package hudson.util;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Stand-in for {@code hudson.util.Secret}: a confidential string.
 * <p>There is no Jenkins key here: {@link #getEncryptedValue()} is {@code {base64(marker + plain)}} (a stand-in
 * format, NOT encryption), and {@link #fromString} decodes that format back, so the round trip works as in Jenkins.
 * <p>Deliberate difference: Jenkins' deprecated {@link #toString()} returns the plain text; this one throws, so code that
 * would print a secret through string concatenation fails in tests instead of leaking the value.
 * {@code equals}/{@code hashCode} are not in the declared subset, so secrets compare by identity.
 */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String MARKER = "squad-standin-secret:";
    private static final Pattern ENCRYPTED_VALUE_PATTERN = Pattern.compile("\\{?[A-Za-z0-9+/]+={0,2}}?");

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** @deprecated as in Jenkins; unlike Jenkins (which returns the plain text) this throws. */
    @Deprecated
    public String toString() {
        throw new UnsupportedOperationException(
                "Secret.toString() would print the plain-text secret in Jenkins; use getPlainText() deliberately");
    }

    public String getPlainText() {
        return value;
    }

    public String getEncryptedValue() {
        return "{" + Base64.getEncoder().encodeToString((MARKER + value).getBytes(StandardCharsets.UTF_8)) + "}";
    }

    /** Decodes a value produced by {@link #getEncryptedValue()}; anything else is taken as plain text. */
    public static Secret fromString(String data) {
        data = data == null ? "" : data;
        String decoded = decrypt(data);
        return new Secret(decoded != null ? decoded : data);
    }

    public static String toString(Secret s) {
        return s == null ? "" : s.value;
    }

    private static String decrypt(String data) {
        if (!ENCRYPTED_VALUE_PATTERN.matcher(data).matches()) {
            return null;
        }
        String b64 = data.startsWith("{") && data.endsWith("}") ? data.substring(1, data.length() - 1) : data;
        try {
            String text = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
            return text.startsWith(MARKER) ? text.substring(MARKER.length()) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
