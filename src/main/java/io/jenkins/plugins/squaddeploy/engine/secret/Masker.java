package io.jenkins.plugins.squaddeploy.engine.secret;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces every known secret in a text with {@value #MASK}: the raw value and the forms in which it
 * leaks in practice: base64 (also inside a longer base64 text, e.g. a Basic auth header), URL-encoded
 * and JSON-escaped, and each line of a multi-line secret. Every log line, report, notification and
 * error message passes through one of these before a person can see it.
 */
public final class Masker implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String MASK = "****";
    /** Encoded fragments shorter than this are not masked on their own: they would hide ordinary text. */
    private static final int MIN_FRAGMENT = 4;

    private final Set<String> secrets = new LinkedHashSet<>();
    private transient volatile Pattern pattern;

    public Masker() {
    }

    public Masker(Iterable<String> values) {
        values.forEach(this::add);
    }

    /** Registers a secret value; null and empty values are ignored. Returns this for chaining. */
    public synchronized Masker add(String secret) {
        if (secret != null && !secret.isEmpty()) {
            secrets.add(secret);
            pattern = null;
        }
        return this;
    }

    /** Registers a username/password pair, including the Basic authorization form {@code user:password}. */
    public synchronized Masker addUserPassword(String user, String password) {
        add(password);
        if (user != null && password != null && !password.isEmpty()) {
            add(user + ":" + password);
        }
        return this;
    }

    public synchronized Masker addAll(Masker other) {
        if (other != null) {
            synchronized (other) {
                other.secrets.forEach(this::add);
            }
        }
        return this;
    }

    public synchronized boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** Returns the text with every form of every secret replaced; null stays null. */
    public String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        Pattern p = pattern();
        if (p == null) {
            return text;
        }
        String masked = p.matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
        return masked.indexOf(CUT) >= 0 ? maskCutTails(masked) : masked;
    }

    /** What a text shortened for display ends with (e.g. a response body cut to 120 characters). */
    static final String CUT = "…";

    /**
     * A secret (in any form) cut short by a shortened text, {@code Sq!tok…}: the part before the cut is masked too
     * (the cut is made before masking, far from the console, so the whole value never reaches the mask).
     */
    private String maskCutTails(String text) {
        Set<String> forms = new LinkedHashSet<>();
        synchronized (this) {
            for (String s : secrets) {
                forms.addAll(formsOf(s));
            }
        }
        String out = text;
        for (String f : forms) {
            for (int k = f.length() - 1; k >= MIN_FRAGMENT; k--) {
                String head = f.substring(0, k) + CUT;
                if (out.contains(head)) {
                    out = out.replace(head, MASK + CUT);
                }
            }
        }
        return out;
    }

    /** A throwable's message chain, masked: for errors that reach the console. */
    public String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable cur = t;
        Set<Throwable> seen = new java.util.HashSet<>();
        while (cur != null && seen.add(cur)) {
            String msg = cur.getMessage();
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(msg == null || msg.isBlank() ? cur.getClass().getSimpleName() : msg);
            cur = cur.getCause();
        }
        return mask(sb.toString());
    }

    private Pattern pattern() {
        Pattern p = pattern;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (pattern == null && !secrets.isEmpty()) {
                Set<String> forms = new LinkedHashSet<>();
                for (String s : secrets) {
                    forms.addAll(formsOf(s));
                }
                List<String> sorted = new ArrayList<>(forms);
                sorted.sort(Comparator.comparingInt(String::length).reversed());
                StringBuilder re = new StringBuilder();
                for (String f : sorted) {
                    if (re.length() > 0) {
                        re.append('|');
                    }
                    re.append(Pattern.quote(f));
                }
                pattern = Pattern.compile(re.toString());
            }
            return pattern;
        }
    }

    /** Every text form of one secret that the mask must catch. */
    static Set<String> formsOf(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        // base64, standard and URL-safe, at each of the three alignments inside a longer encoded text
        for (int shift = 0; shift < 3; shift++) {
            byte[] shifted = new byte[bytes.length + shift];
            System.arraycopy(bytes, 0, shifted, shift, bytes.length);
            for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String encoded = enc.encodeToString(shifted);
                String stable = stableBase64(encoded, shift, shifted.length);
                if (stable.length() >= MIN_FRAGMENT) {
                    forms.add(stable);
                }
            }
        }
        String url = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(url);
        forms.add(url.replace("+", "%20"));
        forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(secret)));
        forms.add(secret.replace("\\", "\\\\").replace("\"", "\\\""));
        // JSON allows "\/" for "/", and some encoders write it (PHP's json_encode, many web frameworks' error pages)
        forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(secret)).replace("/", "\\/"));
        if (secret.contains("\n") || secret.contains("\r")) {
            for (String line : secret.split("\\R")) {
                if (line.strip().length() >= MIN_FRAGMENT) {
                    forms.add(line.strip());
                }
            }
        }
        forms.removeIf(String::isEmpty);
        return forms;
    }

    /**
     * The part of a base64 text that depends only on the secret's bytes: the first characters
     * carry bits of the {@code shift} bytes before it, the last ones bits of what follows it.
     */
    private static String stableBase64(String encoded, int shift, int byteLength) {
        String s = encoded.replace("=", "");
        int dropFront = shift == 0 ? 0 : (shift == 1 ? 2 : 3);
        int totalBits = byteLength * 8;
        int fullChars = totalBits / 6; // characters whose 6 bits are all inside the data
        int end = Math.min(s.length(), fullChars);
        if (dropFront >= end) {
            return "";
        }
        return s.substring(dropFront, end);
    }
}
