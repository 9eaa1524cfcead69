package io.jenkins.plugins.squaddeploy.engine.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code snapshot.json}, written beside the data of every complete snapshot and never changed afterwards.
 * {@code sha256} is the SHA-256 of the data file (for the PostgreSQL directory format: of the {@code files}
 * manifest, one {@code <sha256>  <name>} line per file). Times are ISO-8601 UTC.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotMeta(String format, String id, String series, String kind, String source, Map<String, Object> sourceDetails,
                           String serverVersion, String tool, String dataFormat, String createdAt, String completedAt, long durationMs,
                           long size, String sha256, List<FileEntry> files, String build, String reason, String release,
                           Map<String, Object> extra) {
    public static final String FORMAT = "squad-deploy/snapshot/1";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One data file of a snapshot, relative to the snapshot's directory. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileEntry(String name, long size, String sha256) {
    }

    public static SnapshotMeta read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), SnapshotMeta.class);
    }

    byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    /** The fields a person or a pipeline reads (the step's return value, list output). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("series", series);
        m.put("kind", kind);
        m.put("source", source);
        if (serverVersion != null) {
            m.put("serverVersion", serverVersion);
        }
        m.put("dataFormat", dataFormat);
        m.put("createdAt", createdAt);
        m.put("durationMs", durationMs);
        m.put("size", size);
        if (sha256 != null) {
            m.put("sha256", sha256);
        }
        if (build != null) {
            m.put("build", build);
        }
        if (reason != null) {
            m.put("reason", reason);
        }
        if (release != null) {
            m.put("release", release);
        }
        if (extra != null && !extra.isEmpty()) {
            m.put("extra", new LinkedHashMap<>(extra));
        }
        return m;
    }
}
