package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.testbed.MissingBinaryException;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * npm-groovy-lint (from the npm registry, installed by .ci/install-testbed.sh into .tools/npm-groovy-lint; CodeNarc on
 * Java, offline) reports no error on the shared library (vars/), Jenkinsfile.example and docs/examples/, with the
 * repository's .groovylintrc.json (recommended-jenkinsfile; {@code @Library(...) _} is not an unused variable).
 * The second test proves the linter can fail.
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

    static Proc.Result lint(List<String> files) {
        List<String> cmd = new ArrayList<>(List.of(linter().toString(), "--noserver", "--failon", "error", "--loglevel", "error",
                "--output", "txt", "--config", ROOT.resolve(".groovylintrc.json").toString()));
        cmd.addAll(files);
        return Proc.run(Duration.ofMinutes(3), java.util.Map.of("NO_COLOR", "1", "FORCE_COLOR", "0"), null, cmd);
    }

    @Test
    void varsJenkinsfileExampleAndExamplesHaveNoLintErrors() throws IOException {
        List<String> files = new ArrayList<>();
        files.add(ROOT.resolve("vars").toString());
        files.add(ROOT.resolve("Jenkinsfile.example").toString());
        Path examples = ROOT.resolve("docs/examples");
        if (Files.isDirectory(examples)) {
            try (Stream<Path> s = Files.list(examples)) {
                s.filter(p -> p.toString().endsWith(".Jenkinsfile")).sorted().forEach(p -> files.add(p.toString()));
            }
        }
        Proc.Result r = lint(files);
        assertThat(r.exitCode()).as("npm-groovy-lint on %s:\n%s\n%s", files, r.stdout(), r.stderr()).isZero();
        assertThat(r.stdout()).contains("'Error'").containsPattern("'Error'\\s*│\\s*0\\s");
    }

    @Test
    void theLinterFailsOnAnError(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path bad = dir.resolve("Bad.groovy");
        Files.writeString(bad, "def call() {\n    def unused = 1\n    return 2\n}\n");
        Proc.Result r = lint(List.of(bad.toString()));
        assertThat(r.exitCode()).as(r.stdout()).isNotZero();
        assertThat(r.stdout()).contains("UnusedVariable");
    }
}
