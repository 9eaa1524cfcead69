package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store and retention with real snapshots (tar.gz of a folder, made by the real tar): a simulated month of
 * snapshots pruned by keepLast/keepDaily/keepWeekly keeps exactly the expected ones plus the newest verified; work
 * left under .tmp/ is never listed or counted and is removed by the next action; file modes survive a round trip.
 */
@Timeout(120)
class SnapshotStoreTest {
    @TempDir
    Path tmp;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        final AtomicReference<Instant> now;

        TestClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    Path config() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("app"));
        Path conf = Files.createDirectories(base.resolve("config"));
        Files.writeString(conf.resolve("app.yaml"), "log_level: INFO\nname: squad-api ✓\n");
        Files.setPosixFilePermissions(conf.resolve("app.yaml"), PosixFilePermissions.fromString("rw-r-----"));
        Path scripts = Files.createDirectories(conf.resolve("scripts"));
        Files.writeString(scripts.resolve("backup.sh"), "#!/bin/sh\necho backup\n");
        Files.setPosixFilePermissions(scripts.resolve("backup.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(scripts, PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(base.resolve(".env.production"), "POSTGRES_PASSWORD=not-a-real-one\n");
        Files.setPosixFilePermissions(base.resolve(".env.production"), PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(conf.resolve("current.yaml"), Path.of("app.yaml"));
        return base;
    }

    @Test
    void retentionOverASimulatedMonthKeepsExactlyWhatThePolicySays() throws Exception {
        Path base = config();
        Path store = tmp.resolve("store");
        SnapshotSource.Files src = SnapshotSources.files("source", base.toString(), List.of("config", ".env.production"));
        TestClock clock = new TestClock(Instant.parse("2026-03-01T03:00:00Z"));
        SnapshotTesting t = new SnapshotTesting();
        Map<String, String> idByTime = new LinkedHashMap<>();
        for (int day = 1; day <= 31; day++) {
            for (String hour : List.of("03", "15")) {
                Instant at = Instant.parse(String.format("2026-03-%02dT%s:00:00Z", day, hour));
                clock.now.set(at);
                String id = (String) t.service(clock).run(SnapshotRequest.builder(store.toString()).source(src).name("config").build()).get("id");
                idByTime.put(String.format("%02d %s", day, hour), id);
            }
        }
        assertThat(SnapshotTesting.ids(store)).hasSize(62);
        // verified once, on the 10th in the afternoon
        t.service(clock).run(SnapshotRequest.builder(store.toString()).action("verify").snapshot(idByTime.get("10 15")).build());
        // something a killed run left behind: never counted, removed
        Files.createDirectories(store.resolve(".tmp").resolve("20260331T160000.000Z-config"));
        Files.writeString(store.resolve(".tmp").resolve("20260331T160000.000Z-config").resolve("files.tar.gz"), "partial");

        Map<String, Object> r = t.service(clock).run(SnapshotRequest.builder(store.toString()).action("prune").name("config")
                .retention(3, 7, 4).build());

        // March 2026: the 30th is a Monday. last 3: 31 15h, 31 03h, 30 15h; daily 7: 25..31 at 15h;
        // weekly 4: ISO weeks 14 (31st), 13 (29th), 12 (22nd), 11 (15th); newest verified: 10th 15h.
        List<String> expected = new ArrayList<>();
        for (String k : List.of("31 15", "31 03", "30 15", "29 15", "28 15", "27 15", "26 15", "25 15", "22 15", "15 15", "10 15")) {
            expected.add(idByTime.get(k));
        }
        List<String> kept = ((List<?>) r.get("kept")).stream().map(m -> (String) ((Map<?, ?>) m).get("id")).toList();
        assertThat(kept).containsExactlyElementsOf(expected);
        assertThat(list(r.get("deleted"))).hasSize(51).doesNotContainAnyElementsOf(expected);
        assertThat(SnapshotTesting.ids(store)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(SnapshotTesting.pending(store)).isEmpty();
        Map<String, List<Object>> reasons = new LinkedHashMap<>();
        for (Object m : (List<?>) r.get("kept")) {
            reasons.put((String) ((Map<?, ?>) m).get("id"), list(((Map<?, ?>) m).get("reasons")));
        }
        assertThat(reasons.get(idByTime.get("31 15"))).containsExactly("last 3", "daily 2026-03-31", "weekly 2026-W14");
        assertThat(reasons.get(idByTime.get("22 15"))).containsExactly("weekly 2026-W12");
        assertThat(reasons.get(idByTime.get("10 15"))).containsExactly("newest verified");
        assertThat(t.console()).contains("removed interrupted snapshot 20260331T160000.000Z-config");

        // pruning again changes nothing
        Map<String, Object> again = t.service(clock).run(SnapshotRequest.builder(store.toString()).action("prune").name("config").retention(3, 7, 4).build());
        assertThat((List<?>) again.get("deleted")).isEmpty();
    }

    static List<Object> list(Object o) {
        return new ArrayList<>((List<?>) o);
    }

    @Test
    void retentionRulesOnTheirOwn() {
        Instant t0 = Instant.parse("2026-01-05T00:00:00Z"); // a Monday
        List<Retention.Item> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            items.add(new Retention.Item("s" + i, t0.plusSeconds(i * 3600L * 12), i == 2));
        }
        Retention.Decision d = Retention.select(items, new Retention.Policy(1, 0, 0));
        assertThat(d.kept()).containsOnlyKeys("s9", "s2");
        assertThat(Retention.select(items, new Retention.Policy(2, 0, 0)).deleted()).doesNotContain("s9", "s8", "s2").hasSize(7);
        assertThat(Retention.select(items, new Retention.Policy(1, 2, 0)).kept()).containsOnlyKeys("s9", "s7", "s2");
        assertThat(Retention.select(items, new Retention.Policy(1, 0, 1)).kept()).containsOnlyKeys("s9", "s2");
        assertThat(Retention.select(List.of(), Retention.Policy.DEFAULT).kept()).isEmpty();
        assertThatThrownBy(() -> Retention.Policy.of(0, 7, 4)).isInstanceOf(ParameterException.class)
                .hasMessageContaining("Invalid parameter 'keepLast': got 0");
        assertThatThrownBy(() -> Retention.Policy.of(1, -1, 4)).isInstanceOf(ParameterException.class).hasMessageContaining("'keepDaily'");
    }

    @Test
    void filesKeepTheirModesAndRestoringOverExistingFilesNeedsConfirm() throws Exception {
        Path base = config();
        Path store = tmp.resolve("store");
        SnapshotSource.Files src = SnapshotSources.files("source", base.toString(), List.of("config", ".env.production"));
        SnapshotTesting t = new SnapshotTesting();
        String id = (String) t.run(SnapshotRequest.builder(store.toString()).source(src)).get("id");
        Path archive = store.resolve(id).resolve("files.tar.gz");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(id)))).isEqualTo("rwx------");

        Path copy = tmp.resolve("copy");
        t.run(SnapshotRequest.builder(store.toString()).action("restore").source(src).restoreTo(copy.toString()));
        for (String f : List.of("config/app.yaml", "config/scripts", "config/scripts/backup.sh", ".env.production")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve(f)))).as(f)
                    .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(base.resolve(f))));
        }
        assertThat(Files.readString(copy.resolve("config/app.yaml"))).contains("squad-api ✓");
        assertThat(Files.readSymbolicLink(copy.resolve("config/current.yaml"))).isEqualTo(Path.of("app.yaml"));

        Files.writeString(base.resolve("config/app.yaml"), "log_level: DEBUG\n");
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("restore").source(src)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'confirm'").hasMessageContaining(base.toString());
        assertThat(Files.readString(base.resolve("config/app.yaml"))).isEqualTo("log_level: DEBUG\n");
        t.run(SnapshotRequest.builder(store.toString()).action("restore").source(src).confirm(true));
        assertThat(Files.readString(base.resolve("config/app.yaml"))).contains("log_level: INFO");

        assertThatThrownBy(() -> SnapshotSources.files("source", base.toString(), List.of("../etc")))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'source.paths[0]'").hasMessageContaining("leaves baseDir");
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).source(SnapshotSources.files("source", base.toString(), List.of("nope")))))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'source.paths[0]': 'nope' does not exist");
    }

    @Test
    void unknownKindsActionsAndMisplacedParametersAreNamed() {
        assertThatThrownBy(() -> SnapshotSources.fromMap("source", Map.of("kind", "mysql"), null))
                .isInstanceOf(ParameterException.class)
                .hasMessage("Invalid parameter 'source.kind': unknown kind 'mysql'. Expected one of postgres, redis, files, rds.");
        assertThatThrownBy(() -> SnapshotSources.fromMap("source", Map.of("kind", "postgres", "database", "app", "pasword", "x"), null))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'source.pasword': unknown option for a postgres source");
        assertThatThrownBy(() -> SnapshotRequest.builder("/tmp/s").action("backup").build())
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'action': unknown action 'backup'");
        assertThatThrownBy(() -> SnapshotRequest.builder("/tmp/s").build())
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'source': action 'create' needs a source");
        assertThatThrownBy(() -> SnapshotRequest.builder("relative/store").action("list").build())
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'store'");
        assertThatThrownBy(() -> SnapshotRequest.builder("/tmp/s").action("list").checks(List.of("SELECT true")).build())
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'checks'");
        assertThat(SnapshotSources.postgres("source", null, null, "app", null, null, null, "directory", 2, null, null, null).jobs()).isEqualTo(2);
        assertThatThrownBy(() -> SnapshotSources.postgres("source", null, null, "app", null, null, SnapshotSources.exec("source", "db", null, null, null),
                "directory", 2, null, null, null)).isInstanceOf(ParameterException.class).hasMessageContaining("'source.format'");
        assertThatThrownBy(() -> SnapshotSources.exec("source", "a", "b", null, null)).isInstanceOf(ParameterException.class)
                .hasMessageContaining("both container and composeService");
        assertThatThrownBy(() -> SnapshotSources.postgres("source", null, null, "app; DROP", null, null, null, null, null, null, null, null))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'source.database'");
    }
}
