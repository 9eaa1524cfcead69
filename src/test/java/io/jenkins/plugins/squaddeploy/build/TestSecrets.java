package io.jenkins.plugins.squaddeploy.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Every secret the tests create (database and Redis passwords, tokens) is made here and written to
 * {@code target/test-secrets/}, so that {@link SecretLeakIT} can scan every output of the suite for it
 * afterwards. The values hold characters that change under base64, URL and JSON encoding.
 */
public final class TestSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private TestSecrets() {
    }

    /** A fresh secret like {@code Sq!redis+Xk3.../"q}, registered for the leak scan. */
    public static String generate(String label) {
        StringBuilder sb = new StringBuilder("Sq!").append(label.replaceAll("[^A-Za-z0-9]", "")).append('+');
        for (int i = 0; i < 18; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        sb.append("/&q");
        return register(sb.toString());
    }

    /** Registers a secret chosen elsewhere. */
    public static String register(String secret) {
        try {
            Path dir = dir();
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("secrets-" + ProcessHandle.current().pid() + ".txt"), secret + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All secrets registered by any test JVM of this build. */
    public static List<String> all() throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = dir();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isEmpty()) {
                        out.add(line);
                    }
                }
            }
        }
        return out;
    }

    static Path dir() {
        return Path.of(System.getProperty("squad.repo.root", ".")).resolve("target/test-secrets");
    }
}
