package io.jenkins.plugins.squaddeploy.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report page in a real browser: Debian's chromium, headless, offline ({@code --disable-background-networking}, and
 * the page has no external asset to fetch). It renders (the DOM chromium builds has the timeline with one mark per
 * event, the measured values against their thresholds, the approval and the time to restore); the screenshot is kept
 * as a test artifact in {@code target/test-output/deploy-report/}, next to the page, and no secret is in any file.
 */
@Timeout(120)
class ReportBrowserTest {
    static final Path ARTIFACTS = Path.of("target/test-output/deploy-report");
    static Path chromium;
    static Path profile;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void write() throws IOException {
        chromium = Binaries.chromium();
        deleteTree(ARTIFACTS);
        SampleReport.write(ARTIFACTS);
        profile = Files.createDirectories(tmp.resolve("chromium-profile"));
    }

    static List<String> chromium(String... args) {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String page() {
        return ARTIFACTS.toAbsolutePath().resolve(ReportFiles.HTML).toUri().toString();
    }

    @Test
    void theRenderedPageHasOneTimelineMarkPerEventTheMeasuredValuesTheApprovalAndTheTimeToRestore() throws IOException {
        Proc.Result r = Proc.run(Duration.ofSeconds(60), java.util.Map.of(), null, chromium("--dump-dom", page()));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String dom = r.stdout();
        Files.writeString(ARTIFACTS.resolve("rendered-dom.html"), dom, StandardCharsets.UTF_8);

        assertThat(count(dom, "<g class=\"mark ")).as("timeline marks").isEqualTo(SampleReport.EVENTS);
        List<String> types = new ArrayList<>();
        Matcher m = Pattern.compile("<g class=\"mark [a-z]+\" data-index=\"(\\d+)\" data-type=\"([a-z-]+)\"").matcher(dom);
        while (m.find()) {
            types.add(m.group(1) + ":" + m.group(2));
        }
        assertThat(types).containsExactly("1:snapshot", "2:deploy", "3:health", "4:approval", "5:switch", "6:watch", "7:rollback", "8:note");
        assertThat(dom).contains("<g class=\"mark failed\" data-index=\"6\" data-type=\"watch\"");
        assertThat(dom).containsPattern("<td class=\"n mono value\">0.31</td><td class=\"mono\">&lt;= 0.05</td>")
                .contains("<div id=\"result\" class=\"result warning\">ROLLED BACK</div>")
                .contains("<span id=\"ttr\" class=\"ttrv\">3.3 s</span>")
                .contains("<tr class=\"approval\"><td><b>alice</b></td>")
                .contains("href=\"output/002-deploy-1-docker-3-command-s.log\"");
        assertThat(dom).doesNotContain("<script").doesNotContain("src=\"http").doesNotContain("<link");
    }

    @Test
    void aScreenshotIsKeptAndNoFileOfTheReportHoldsTheSecret() throws IOException {
        Path png = ARTIFACTS.resolve("report-screenshot.png").toAbsolutePath();
        Proc.Result r = Proc.run(Duration.ofSeconds(60), java.util.Map.of(), null, chromium("--screenshot=" + png, "--window-size=1400,2000", page()));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("screenshot size").isGreaterThan(20_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");

        try (Stream<Path> files = Files.walk(ARTIFACTS)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".png")).toList()) {
                assertThat(Files.readString(f)).as("secret scan of %s", f).doesNotContain(SampleReport.SECRET);
            }
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }
}
