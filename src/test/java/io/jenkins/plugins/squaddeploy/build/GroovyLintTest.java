package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.testbed.MissingBinaryException;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * npm-groovy-lint (from the npm registry, installed by .ci/install-testbed.sh into .tools/npm-groovy-lint; CodeNarc on
 * Java, offline) reports no error on the shared library (vars/), Jenkinsfile.example and docs/examples/, with the
 * repository's .groovylintrc.json (recommended-jenkinsfile; {@code @Library(...) _} is not an unused variable). One run
 * (CodeNarc starts once): a file with an error is linted beside them, to prove the linter and this test can fail.
 */
@Timeout(240)
class GroovyLintTest {
    private static final Path ROOT = PipelineHarness.defaultRepoRoot();

    static Path linter() {
        Path bin = ROOT.resolve(".tools/npm-groovy-lint/node_modules/.bin/npm-groovy-lint");
        if (!Files.isExecutable(bin)) {
            throw new MissingBinaryException("npm-groovy-lint not found at " + bin + ": install the npm package 'npm-groovy-lint' "
                    + "(bash .ci/install-testbed.sh installs it there; it needs the Debian packages 'nodejs' and 'npm')");
        }
        return bin;
    }

    @Test
    void varsJenkinsfileExampleAndExamplesHaveNoLintErrorsAndABadFileHasOne() throws IOException {
        List<String> files = new ArrayList<>();
        files.add(ROOT.resolve("vars").toString());
        files.add(ROOT.resolve("Jenkinsfile.example").toString());
        try (Stream<Path> s = Files.list(ROOT.resolve("docs/examples"))) {
            s.filter(p -> p.toString().endsWith(".Jenkinsfile")).sorted().forEach(p -> files.add(p.toString()));
        }
        // inside the repository: npm-groovy-lint hands CodeNarc the files' common directory, and one outside the
        // repository (/tmp) would make that "/" (CodeNarc then walks the whole file system, /proc included)
        Path bad = Files.createDirectories(ROOT.resolve("target/lint-probe")).resolve("Bad.groovy");
        Files.writeString(bad, "def call() {\n    def unused = 1\n    return 2\n}\n");
        files.add(bad.toString());
        List<String> cmd = new ArrayList<>(List.of(linter().toString(), "--noserver", "--failon", "error", "--loglevel", "error",
                "--output", "json", "--config", ROOT.resolve(".groovylintrc.json").toString()));
        cmd.addAll(files);
        Proc.Result r = Proc.run(Duration.ofMinutes(3), Map.of("NO_COLOR", "1"), null, cmd);

        JsonNode out = new ObjectMapper().readTree(r.stdout().substring(r.stdout().indexOf('{')));
        Map<String, List<String>> errors = new TreeMap<>();
        out.path("files").fields().forEachRemaining(f -> f.getValue().path("errors").forEach(e -> {
            if (e.path("severity").asText().equals("error")) {
                errors.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(e.path("line").asInt() + ": " + e.path("rule").asText() + " "
                        + e.path("msg").asText());
            }
        }));
        assertThat(out.path("summary").path("totalFilesLinted").asInt()).as("files linted").isGreaterThanOrEqualTo(files.size());
        assertThat(errors).as("lint errors (stderr: %s)", r.stderr())
                .containsOnlyKeys(bad.toString())
                .containsEntry(bad.toString(), List.of("2: UnusedVariable The variable [unused] in class None is not used"));
        assertThat(r.exitCode()).as("exit code with an error present").isNotZero();
    }
}
