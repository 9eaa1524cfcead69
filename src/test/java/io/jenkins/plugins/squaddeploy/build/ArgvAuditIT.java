package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandAudit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Runs after the unit and real-component tests (failsafe): every command line the product started during the whole
 * test run — recorded by {@link CommandAudit} into {@code target/argv-audit/} (enabled for surefire and failsafe in
 * pom.xml, also for CLI processes the tests start, through {@code SQUAD_ARGV_AUDIT}) — is checked for every secret the
 * tests registered ({@link TestSecrets}), raw and in its base64, URL-encoded and JSON-escaped forms, and each line of
 * a multi-line secret. The audit must be non-empty and must have seen the tools that handle secrets (pg_dump, psql,
 * docker), which proves it ran.
 */
class ArgvAuditIT {
    private static final Path ROOT = Path.of(System.getProperty("squad.repo.root", "."));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void noSecretWasEverOnACommandLine() throws IOException {
        Path dir = Path.of(System.getProperty(CommandAudit.PROPERTY, ROOT.resolve("target/argv-audit").toString()));
        assertThat(dir).as("the argv audit directory (pom.xml: squad.argv.audit)").isDirectory();
        List<String> secrets = TestSecrets.all();
        assertThat(secrets).as("secrets registered by the tests").hasSizeGreaterThanOrEqualTo(3);
        long commands = 0;
        Set<String> programs = new TreeSet<>();
        Set<String> runners = new TreeSet<>();
        List<String> leaks = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n;
                    try {
                        n = JSON.readTree(line);
                    } catch (IOException torn) {
                        continue; // a line cut by a process killed while writing it (the fault tests kill -9 CLI processes)
                    }
                    commands++;
                    runners.add(n.path("runner").asText());
                    List<String> argv = new ArrayList<>();
                    n.path("argv").forEach(a -> argv.add(a.asText()));
                    if (!argv.isEmpty()) {
                        programs.add(Path.of(argv.get(0)).getFileName().toString());
                    }
                    String joined = String.join(" ", argv);
                    for (String secret : secrets) {
                        for (Map.Entry<String, String> form : SecretForms.of(secret).entrySet()) {
                            if (joined.contains(form.getValue())) {
                                leaks.add(f.getFileName() + ": " + form.getKey() + " form of a test secret in the argv of " + argv.get(0));
                            }
                        }
                    }
                }
            }
        }
        System.out.println("RELIABILITY argv audit: " + commands + " command lines checked against " + secrets.size() + " secrets in "
                + SecretForms.of("x").size() + " forms; " + leaks.size() + " leaks; runners " + runners + "; programs " + programs);
        assertThat(commands).as("command lines recorded (the audit ran)").isGreaterThan(20);
        assertThat(programs).as("the tools that handle secrets were audited").contains("docker", "pg_dump");
        assertThat(leaks).as("secrets on a command line").isEmpty();
    }
}
