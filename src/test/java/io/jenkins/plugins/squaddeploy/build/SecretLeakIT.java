package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs after every unit and real-component test (failsafe, after surefire): scans everything the test suite
 * printed or wrote — surefire reports and captured stdout/stderr, pipeline consoles, CLI output — for every
 * secret the tests created, in every form of {@link SecretForms} (raw, base64 also inside a longer text at each
 * alignment, URL-encoded, JSON-escaped, line by line), whose encoders are independent of the plugin's Masker.
 */
class SecretLeakIT {
    private static final Path ROOT = Path.of(System.getProperty("squad.repo.root", "."));

    @Test
    void noSecretAppearsInAnyOutputOfTheTestSuite() throws IOException {
        List<String> secrets = TestSecrets.all();
        assertThat(secrets).as("secrets registered by the tests (the real-component tests create them)").hasSizeGreaterThanOrEqualTo(3);
        List<Path> outputs = new ArrayList<>();
        for (String dir : List.of("target/surefire-reports", "target/failsafe-reports", "target/test-output")) {
            Path d = ROOT.resolve(dir);
            if (Files.isDirectory(d)) {
                try (var walk = Files.walk(d)) {
                    walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().contains("SecretLeakIT")).forEach(outputs::add);
                }
            }
        }
        assertThat(outputs).as("test output files to scan").hasSizeGreaterThan(10);
        long masked = 0;
        List<String> leaks = new ArrayList<>();
        for (Path file : outputs) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            String utf8 = new String(text.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            masked += utf8.split("\\*\\*\\*\\*", -1).length - 1;
            for (String secret : secrets) {
                for (Map.Entry<String, String> form : SecretForms.of(secret).entrySet()) {
                    if (utf8.contains(form.getValue())) {
                        leaks.add(ROOT.relativize(file) + ": " + form.getKey() + " form of a test secret");
                    }
                }
            }
        }
        assertThat(leaks).as("secrets found in test outputs").isEmpty();
        assertThat(masked).as("masked values (****) seen in the outputs: the secrets were used and printed masked").isGreaterThan(0);
    }
}
