package io.jenkins.plugins.squaddeploy.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON a report writes matches docs/report-schema.md, field by field, both ways; and the files are written as documented. */
class ReportSchemaTest {
    private static final Path DOC = Path.of("docs/report-schema.md");
    private static final Pattern FIELD_ROW = Pattern.compile("^\\| `([^`]+)` \\| [^|]+ \\| [^|]+ \\|$");
    private static final Pattern DETAIL_ROW = Pattern.compile("^\\| `([a-z-]+)` \\| `?([A-Za-z0-9]+)`? \\| [^|]+ \\|$");

    @TempDir
    Path dir;

    @Test
    void everyFieldWrittenIsDocumentedAndEveryDocumentedFieldIsWritten() throws IOException {
        SampleReport.write(dir);
        Map<?, ?> json = new ObjectMapper().readValue(dir.resolve(ReportFiles.JSON).toFile(), Map.class);
        Set<String> written = new TreeSet<>();
        paths("", json, written);

        Set<String> documented = new TreeSet<>();
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String fields = doc.substring(doc.indexOf("## Fields"), doc.indexOf("## Details by event type"));
        for (String line : fields.split("\n")) {
            Matcher m = FIELD_ROW.matcher(line.strip());
            if (m.matches() && !m.group(1).equals("Path")) {
                documented.add(m.group(1));
            }
        }
        assertThat(documented).as("fields documented in %s", DOC).hasSizeGreaterThan(40);
        assertThat(written).as("fields in report.json that docs/report-schema.md does not document").isSubsetOf(documented);
        assertThat(documented).as("fields docs/report-schema.md documents that report.json does not contain").isSubsetOf(written);
        assertThat(json.get("schema")).isEqualTo(DeployReport.SCHEMA);
        assertThat(json.get("schemaVersion")).isEqualTo(1);
    }

    @Test
    void everyDetailKeyOfEveryEventTypeIsDocumented() throws IOException {
        SampleReport.write(dir);
        DeployReport r = ReportFiles.read(dir);
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Set<String> documented = new TreeSet<>();
        for (String line : doc.substring(doc.indexOf("## Details by event type")).split("\n")) {
            Matcher m = DETAIL_ROW.matcher(line.strip());
            if (m.matches()) {
                documented.add(m.group(1) + "." + m.group(2));
            }
        }
        Set<String> types = new TreeSet<>();
        for (ReportEvent e : r.events()) {
            types.add(e.type());
            if (documented.contains(e.type() + ".any")) {
                continue;
            }
            for (String k : e.details().keySet()) {
                assertThat(documented).as("docs/report-schema.md documents detail '%s' of '%s' events", k, e.type()).contains(e.type() + "." + k);
            }
        }
        assertThat(types).containsExactlyInAnyOrder("snapshot", "deploy", "health", "approval", "switch", "watch", "rollback", "note");
        assertThat(ReportEvent.TYPES).allSatisfy(t -> assertThat(doc).contains("| `" + t + "` |"));
    }

    @Test
    void eventsAppendInOrderWithTheSummaryAndTheOutputFilesAndNoSecret() throws IOException {
        SampleReport.write(dir);
        DeployReport r = ReportFiles.read(dir);
        assertThat(r.events()).extracting(ReportEvent::type)
                .containsExactly("snapshot", "deploy", "health", "approval", "switch", "watch", "rollback", "note");
        DeployReport.Summary s = r.summary();
        assertThat(s.version()).isEqualTo("2.0.0");
        assertThat(s.colour()).isEqualTo("green");
        assertThat(s.servingVersion()).isEqualTo("1.0.0");
        assertThat(s.servingColour()).isEqualTo("blue");
        assertThat(s.result()).isEqualTo("ROLLED_BACK");
        assertThat(s.rolledBack()).isTrue();
        assertThat(s.timeToRestoreMs()).isEqualTo(3300L); // 15.000 first failure → 18.300 verified serving again
        assertThat(r.events().get(6).approval()).isNull();
        assertThat(r.events().get(3).approval().by()).isEqualTo("alice");

        ReportEvent deploy = r.events().get(1);
        assertThat(deploy.outputs()).hasSize(1);
        String file = deploy.outputs().get(0).file();
        assertThat(file).isEqualTo("output/002-deploy-1-docker-3-command-s.log");
        assertThat(ReportFiles.output(dir, file.substring("output/".length()))).contains("$ docker pull squad-api:2.0.0");
        assertThat(ReportFiles.output(dir, "../report.json")).as("only output file names are served").isNull();

        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as("%s", f).doesNotContain(SampleReport.SECRET).doesNotContain(".tmp");
                assertThat(f.getFileName().toString()).as("no temporary file left").doesNotEndWith(".tmp");
            }
        }
        assertThat(Files.readString(dir.resolve(ReportFiles.JSON))).contains("https://hooks.example.invalid/services/" + Masker.MASK);
    }

    @Test
    void aReportOfANewerSchemaIsNotRewritten() throws IOException {
        Files.writeString(dir.resolve(ReportFiles.JSON), "{\"schema\":\"squad-deploy-report\",\"schemaVersion\":2,\"events\":[]}");
        ReportEvent e = ReportEvent.of("note", "test", Instant.now()).title("x").finish();
        assertThatThrownBy(() -> ReportFiles.add(dir, "t", null, e, new Masker()))
                .hasMessageContaining("deploy report schema version 2 is newer than this plugin's 1");
        assertThatThrownBy(() -> ReportEvent.of("Bad Type", "test", Instant.now()).finish()).hasMessageContaining("report event type 'Bad Type'");
        assertThat(List.of(Files.readString(dir.resolve(ReportFiles.JSON)))).allSatisfy(s -> assertThat(s).contains("\"schemaVersion\":2"));
    }

    private static void paths(String prefix, Object v, Set<String> out) {
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String p = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
                out.add(p);
                if (!p.equals("events[].details")) {
                    paths(p, e.getValue(), out);
                }
            }
        } else if (v instanceof List<?> l) {
            for (Object x : l) {
                paths(prefix + "[]", x, out);
            }
        }
    }
}
