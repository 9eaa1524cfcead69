package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The build log. Everything a step, the launcher or the harness prints goes through {@link #getLogger()}; complete
 * lines are masked (the values bound by {@code withCredentials} / {@code credentials()}, replaced by {@code ****} as
 * credentials-binding does: the value itself and, as its {@code Base64SecretPatternFactory} does, its base64 forms, also
 * inside a longer base64 text such as {@code base64(user:password)}; no URL- or JSON-escaped forms, which Jenkins does
 * not mask either), kept for assertions and, for the demo, echoed to another stream as they happen.
 * Thread-safe: steps print from their own threads.
 */
public final class Console implements TaskListener {
    static final String MASK = "****";

    private final PrintStream echo;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** One map (variable to the secret value it holds) per open withCredentials block. */
    private final Deque<Map<String, String>> secrets = new ArrayDeque<>();
    private final PrintStream logger;

    /** @param echo where to copy each line as it is written (the demo uses System.out), or null */
    Console(PrintStream echo) {
        this.echo = echo;
        this.logger = new PrintStream(new Lines(), true, StandardCharsets.UTF_8);
    }

    @Override
    public PrintStream getLogger() {
        return logger;
    }

    /** The log so far (a line still being written is included, masked). */
    public synchronized String text() {
        if (partial.size() == 0) {
            return text.toString();
        }
        return text + mask(partial.toString(StandardCharsets.UTF_8));
    }

    void println(String line) {
        logger.println(line);
    }

    /** Masks {@code values} (variable name to secret) in every line written until the matching {@link #popSecrets()}. */
    synchronized void pushSecrets(Map<String, String> values) {
        flushPartial();
        secrets.push(new LinkedHashMap<>(values));
    }

    synchronized void popSecrets() {
        flushPartial();
        secrets.pop();
    }

    /** The variables whose secret values appear in {@code s} (for the Groovy-interpolation warning of {@code sh}). */
    synchronized List<String> secretVariablesIn(String s) {
        List<String> vars = new ArrayList<>();
        for (Map<String, String> scope : secrets) {
            for (Map.Entry<String, String> e : scope.entrySet()) {
                if (!e.getValue().isEmpty() && s.contains(e.getValue()) && !vars.contains(e.getKey())) {
                    vars.add(e.getKey());
                }
            }
        }
        vars.sort(Comparator.naturalOrder());
        return vars;
    }

    synchronized String mask(String line) {
        if (secrets.isEmpty()) {
            return line;
        }
        List<String> values = new ArrayList<>();
        for (Map<String, String> scope : secrets) {
            for (String v : scope.values()) {
                values.add(v);
                values.addAll(base64Forms(v));
            }
        }
        values.sort(Comparator.comparingInt(String::length).reversed());
        String out = line;
        for (String v : values) {
            if (!v.isEmpty()) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }

    /**
     * The base64 forms of a secret that stay the same whatever bytes come before or after it in the encoded text
     * (standard and URL-safe alphabets, at each of the three byte alignments), at least 4 characters long.
     */
    static List<String> base64Forms(String secret) {
        List<String> out = new ArrayList<>();
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (int shift = 0; shift < 3; shift++) {
            byte[] shifted = new byte[bytes.length + shift];
            System.arraycopy(bytes, 0, shifted, shift, bytes.length);
            for (java.util.Base64.Encoder enc : List.of(java.util.Base64.getEncoder(), java.util.Base64.getUrlEncoder())) {
                String e = enc.encodeToString(shifted);
                int from = shift == 0 ? 0 : 4;                             // the first group holds bytes before the secret
                int to = shifted.length % 3 == 0 ? e.length() : e.length() - 4; // the last group depends on what follows
                if (to - from >= 4) {
                    out.add(e.substring(from, to));
                }
            }
        }
        return out;
    }

    private void emit(String line) {
        String masked = mask(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        text.append(masked).append('\n');
        if (echo != null) {
            echo.println(masked);
            echo.flush();
        }
    }

    private void flushPartial() {
        if (partial.size() > 0) {
            emit(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
        }
    }

    /** Splits the byte stream into lines. */
    private final class Lines extends OutputStream {
        @Override
        public void write(int b) {
            synchronized (Console.this) {
                if (b == '\n') {
                    emit(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                } else {
                    partial.write(b);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (Console.this) {
                int start = off;
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        partial.write(b, start, i - start);
                        emit(partial.toString(StandardCharsets.UTF_8));
                        partial.reset();
                        start = i + 1;
                    }
                }
                partial.write(b, start, off + len - start);
            }
        }
    }
}
