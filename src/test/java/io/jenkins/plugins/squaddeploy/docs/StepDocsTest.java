package io.jenkins.plugins.squaddeploy.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.steps.VerifyHealthStep;
import io.jenkins.plugins.squaddeploy.steps.health.HealthCheck;
import io.jenkins.plugins.squaddeploy.steps.health.HttpCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/steps/*.md carry a reference block generated from the step classes and their help files ({@link StepDocs},
 * {@code ./squad docs}). This test fails when a page is missing or its block differs from what the classes and help
 * files give now, i.e. when someone changed a parameter or a help file and did not regenerate.
 */
class StepDocsTest {
    private static Path repo;
    private static StepDocs docs;

    @BeforeAll
    static void generator() throws Exception {
        repo = Path.of(System.getProperty("squad.repo.root", ".")).toAbsolutePath().normalize();
        docs = StepDocs.forRepository(repo);
    }

    @Test
    void everyStepPageIsUpToDate() throws Exception {
        Path dir = repo.resolve("docs/steps");
        Map<String, String> pages = docs.pages(dir);
        assertThat(pages.keySet()).as("one page per step").contains("verifyHealth.md", "squadDeploy.md", "blueGreenSwitch.md",
                "dbSnapshot.md", "autoRollback.md");
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> e : pages.entrySet()) {
            Path f = dir.resolve(e.getKey());
            String now = Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
            if (!e.getValue().equals(now)) {
                stale.add("docs/steps/" + e.getKey() + (now == null ? " is missing" : " is stale"));
            }
        }
        assertThat(stale).as("pages that differ from the step classes and help files: run ./squad docs and commit").isEmpty();
    }

    @Test
    void blockHoldsEveryParameterAndTheHelpText() {
        String block = docs.block(VerifyHealthStep.class);
        assertThat(block).startsWith(StepDocs.BEGIN).endsWith(StepDocs.END)
                .contains("## Parameters", "### `checks`", "### `deadline` (optional)", "## Health check types",
                        "### `httpCheck`: HTTP(S) endpoint", "#### `url`", "#### `expect` (optional)")
                .doesNotContain("<p>", "<code>", "</div>");
    }

    @Test
    void aFamilyIsDocumentedOnceOnTheStepThatRequiresIt() {
        assertThat(docs.home(HealthCheck.class)).isEqualTo(VerifyHealthStep.class);
        assertThat(docs.members(HealthCheck.class)).contains(HttpCheck.class);
        long pagesWithFamily = docs.steps().stream().filter(s -> docs.block(s).contains("## Health check types")).count();
        assertThat(pagesWithFamily).isEqualTo(1);
    }

    @Test
    void aChangedHelpFileMakesThePageStale() throws Exception {
        Path dir = repo.resolve("docs/steps");
        String page = Files.readString(dir.resolve("verifyHealth.md"), StandardCharsets.UTF_8);
        StepDocs changed = new StepDocs(HelpFilesTest.dataBoundClasses(
                Path.of(VerifyHealthStep.class.getProtectionDomain().getCodeSource().getLocation().toURI()), StepDocs.STEPS_PACKAGE),
                path -> path.endsWith("VerifyHealthStep/help-deadline.html") ? "<div><p>Changed text.</p></div>" : read(path));
        assertThat(changed.page(VerifyHealthStep.class, page)).isNotEqualTo(page).contains("Changed text.");
        assertThat(docs.page(VerifyHealthStep.class, page)).isEqualTo(page);
    }

    @Test
    void aPageWithoutMarkersIsRefusedNotOverwritten() {
        assertThatThrownBy(() -> docs.page(VerifyHealthStep.class, "# verifyHealth\n\nhand-written only\n"))
                .hasMessageContaining("no generated block");
    }

    @Test
    void helpHtmlBecomesMarkdown() {
        String md = StepDocs.HtmlToMarkdown.convert("<div>\n  <p>Seconds to wait, <code>0</code> to <b>disable</b>;"
                + " see <a href=\"https://example.org/x\">x</a>.</p>\n  <ul><li>one <code>a</code></li><li>two</li></ul>\n"
                + "  <pre>\n    node {\n      x()\n    }\n  </pre>\n</div>");
        assertThat(md).isEqualTo("Seconds to wait, `0` to **disable**; see [x](https://example.org/x).\n\n- one `a`\n- two\n\n"
                + "```\nnode {\n  x()\n}\n```\n");
    }

    private static String read(String path) {
        try {
            Path p = repo.resolve("src/main/resources").resolve(path);
            return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
