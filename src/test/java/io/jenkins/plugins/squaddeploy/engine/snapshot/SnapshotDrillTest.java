package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * dbSnapshot actions {@code drill} and {@code freshness} in the engine, with real snapshots made by the real tar and a
 * clock the test moves: a drill restores into a new scratch directory and removes it, judges the RPO, merges each
 * store's result into one JUnit XML + HTML report (written before a failed drill fails), refuses a corrupted
 * snapshot; freshness fails on a stale or unverified series. PostgreSQL drills run against a real server in
 * BackupAndDrillVarTest.
 */
@Timeout(120)
class SnapshotDrillTest {
    @TempDir
    Path tmp;

    Path app() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("app"));
        Files.createDirectories(base.resolve("config/nginx"));
        Files.writeString(base.resolve("config/app.yaml"), "rate_limit: 100\n");
        Files.writeString(base.resolve("config/nginx/squad.conf"), "upstream squad { server 127.0.0.1:8001; }\n");
        return base;
    }

    /** The files source of {@link #app()}'s config directory. */
    SnapshotSource.Files config() throws Exception {
        return SnapshotSources.files("source", app().toString(), List.of("config"));
    }

    /** Takes a snapshot of {@code src} as series {@code name}; returns its ID. */
    static String create(SnapshotService service, Path store, SnapshotSource src, String name) throws Exception {
        return (String) service.run(SnapshotRequest.builder(store.toString()).source(src).name(name).build()).get("id");
    }

    SnapshotRequest.Builder drill(Path store, SnapshotSource src, String name) {
        return SnapshotRequest.builder(store.toString()).action("drill").source(src).name(name);
    }

    static List<String> scratchLeft(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aDrillOfTwoStoresRestoresIntoScratchRemovesItAndMergesOneJUnitReport() throws Exception {
        Path base = app();
        Path store = tmp.resolve("store");
        Path scratch = tmp.resolve("scratch");
        Path report = tmp.resolve("dr-report");
        SnapshotSource.Files src = SnapshotSources.files("source", base.toString(), List.of("config"));
        SnapshotStoreTest.TestClock clock = new SnapshotStoreTest.TestClock(Instant.parse("2026-12-06T02:00:00Z"));
        SnapshotTesting t = new SnapshotTesting();
        create(t.service(clock), store, src, "config");
        create(t.service(clock), store, SnapshotSources.files("source", base.toString(), List.of("config/nginx")), "nginx");
        clock.now.set(Instant.parse("2026-12-06T05:00:00Z"));

        Map<String, Object> r = t.service(clock).run(drill(store, src, "config").restoreTo(scratch.toString()).reportDir(report.toString()).build());
        assertThat(r).containsEntry("ok", true).containsEntry("kind", "files").containsEntry("ageSeconds", 3L * 3600)
                .containsEntry("restoredFiles", 2L).containsEntry("rtoSeconds", 900L).containsEntry("rpoSeconds", 26L * 3600);
        assertThat((String) r.get("method")).startsWith("restore into the scratch directory " + scratch.resolve("config-")).endsWith("(removed)");
        assertThat(scratchLeft(scratch)).as("scratch directories left").isEmpty();
        assertThat(Files.readString(base.resolve("config/app.yaml"))).isEqualTo("rate_limit: 100\n");
        t.service(clock).run(drill(store, src, "nginx").reportDir(report.toString()).build());

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readString(report.resolve("dr-test.xml")).getBytes(StandardCharsets.UTF_8)));
        Element suite = xml.getDocumentElement();
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("0");
        assertThat(suite.getElementsByTagName("testcase").getLength()).isEqualTo(2);
        assertThat(((Element) suite.getElementsByTagName("testcase").item(1)).getAttribute("name")).isEqualTo("nginx");
        assertThat(Files.readString(report.resolve("dr-test.html"))).contains("2 of 2 store(s) restored within their objectives")
                .contains("<td>config</td>").contains("<td>nginx</td>").doesNotContain("<script").doesNotContain("http");
        assertThat(DrillReport.read(report)).hasSize(2);
        assertThat(t.console()).contains("dbSnapshot: DR drill of config PASSED; snapshot ").contains("dbSnapshot: removed the scratch directory ");
        // the drill counts as a verification: freshness sees both series
        Map<String, Object> f = t.service(clock).run(SnapshotRequest.builder(store.toString()).action("freshness").build());
        assertThat(f).containsEntry("ok", true);
        assertThat(t.console()).contains("dbSnapshot: config: newest verified snapshot 20261206T020000.000Z-config is 3.0 h old (limit 26.0 h)");
    }

    @Test
    void aSnapshotOlderThanTheRpoFailsTheDrillAfterTheReportRecordsIt() throws Exception {
        Path store = tmp.resolve("store");
        Path report = tmp.resolve("dr-report");
        SnapshotSource.Files src = config();
        SnapshotStoreTest.TestClock clock = new SnapshotStoreTest.TestClock(Instant.parse("2026-12-01T02:00:00Z"));
        SnapshotTesting t = new SnapshotTesting();
        create(t.service(clock), store, src, "config");
        clock.now.set(Instant.parse("2026-12-02T08:00:00Z")); // 30 h later: the nightly backup did not run

        assertThatThrownBy(() -> t.service(clock).run(drill(store, src, "config").reportDir(report.toString()).build()))
                .isInstanceOf(SnapshotException.class)
                .hasMessage("config: RPO 30.0 h (age of the newest snapshot) is over the objective of 26.0 h");
        String xml = Files.readString(report.resolve("dr-test.xml"));
        assertThat(xml).contains("tests=\"1\" failures=\"1\"")
                .contains("<failure message=\"RPO 30.0 h (age of the newest snapshot) is over the objective of 26.0 h\">");
        // the restore itself worked: the snapshot stays verified, so retention keeps protecting it
        assertThat(SnapshotStore.open(store, false).list(t.log).get(0).verified()).isTrue();
        // a longer objective passes
        assertThat(t.service(clock).run(drill(store, src, "config").objectives(null, 48.0).build())).containsEntry("ok", true);

        assertThatThrownBy(() -> t.service(clock).run(SnapshotRequest.builder(store.toString()).action("freshness").name("config").build()))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("config: newest verified snapshot 20261201T020000.000Z-config is 30.0 h old, OLDER than the limit of 26.0 h");
        assertThatThrownBy(() -> t.service(clock).run(SnapshotRequest.builder(store.toString()).action("freshness").name("squad-db").build()))
                .hasMessage("squad-db: no verified snapshot in the store");
    }

    @Test
    void aCorruptedSnapshotFailsTheDrillRestoresNothingAndIsRecordedUnverified() throws Exception {
        Path store = tmp.resolve("store");
        Path scratch = tmp.resolve("scratch");
        SnapshotSource.Files src = config();
        SnapshotTesting t = new SnapshotTesting();
        String id = create(t.service(), store, src, "config");
        Files.write(store.resolve(id).resolve("files.tar.gz"), new byte[] {31, -117, 8, 0, 0});

        assertThatThrownBy(() -> t.service().run(drill(store, src, "config").restoreTo(scratch.toString()).build()))
                .isInstanceOf(SnapshotException.class).hasMessageStartingWith("config: snapshot " + id + " is corrupted: files.tar.gz has sha256 ");
        assertThat(scratchLeft(scratch)).isEmpty();
        assertThat(SnapshotStore.open(store, false).list(t.log).get(0).verified()).isFalse();
        assertThatThrownBy(() -> t.service().run(SnapshotRequest.builder(store.toString()).action("freshness").build()))
                .hasMessage("config: no verified snapshot in the store");
    }

    @Test
    void badDrillParametersFailNamingThemBeforeAnythingIsRestored() throws Exception {
        Path store = tmp.resolve("store");
        Path report = tmp.resolve("dr-report");
        SnapshotSource.Files src = config();
        SnapshotTesting t = new SnapshotTesting();
        create(t.service(), store, src, "config");

        assertThatThrownBy(() -> drill(store, src, "config").objectives(0, null).build()).isInstanceOf(ParameterException.class)
                .hasMessageContaining("'rtoSeconds'").hasMessageContaining("seconds from 1 to 604800");
        assertThatThrownBy(() -> drill(store, src, "config").objectives(null, -1.0).build()).isInstanceOf(ParameterException.class)
                .hasMessageContaining("'maxAgeHours'");
        assertThatThrownBy(() -> drill(store, src, "config").objectives(null, Double.NaN).build()).hasMessageContaining("'maxAgeHours'");
        assertThatThrownBy(() -> drill(store, null, "config").build()).hasMessageContaining("'source'");
        assertThatThrownBy(() -> drill(store, src, "config").restoreTo("relative/dir").build()).hasMessageContaining("'restoreTo'");
        assertThatThrownBy(() -> SnapshotRequest.builder(store.toString()).action("list").reportDir(report.toString()).build())
                .hasMessageContaining("'reportDir'").hasMessageContaining("only used by action 'drill'");
        assertThatThrownBy(() -> drill(store, src, "config").reportDir("dr-report\nx").build()).hasMessageContaining("'reportDir'");
        // SQL checks on a files store: refused before the restore, no report written
        assertThatThrownBy(() -> t.service().run(drill(store, src, "config").checks(List.of("SELECT 1 = 1")).reportDir(report.toString()).build()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'checks'").hasMessageContaining("no checks for a files store");
        assertThat(report).doesNotExist();
        assertThatThrownBy(() -> SnapshotRequest.builder(store.toString()).action("rehearse").build())
                .hasMessageContaining("one of create, list, verify, restore, prune, drill, freshness");
        assertThat(drill(store, src, "config").build().rto()).as("the default RTO objective").isEqualTo(Duration.ofMinutes(15));
    }
}
