package io.jenkins.plugins.squaddeploy.engine.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state file {@code <stateDir>/<service>.json} on the Docker host: the current release, the previous one (for
 * rollback), a short history and the last failed attempt. Written atomically (temporary file, then rename), so a
 * reader never sees half a file.
 *
 * <pre>
 * {"schema": 1, "service": "shop", "environment": "production", "updatedAt": "…",
 *  "current": {release record}, "previous": {release record},
 *  "history": [{releaseId, version, image, imageId, colour, strategy, deployedAt, buildUrl}, …],   (newest first, 20 at most)
 *  "lastFailure": {version, image, strategy, at, buildUrl, reason}}
 * </pre>
 */
public final class ReleaseStore {
    static final int SCHEMA = 1;
    static final int HISTORY = 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final DeployFiles files;
    private final String stateFile;

    public ReleaseStore(DeployFiles files, String stateFile) {
        this.files = files;
        this.stateFile = stateFile;
    }

    /** {@code <stateDir>/<service>.json}. */
    public static String stateFile(String stateDir, String service) {
        return stateDir + "/" + service + ".json";
    }

    public String path() {
        return stateFile;
    }

    /** What the state file holds; an empty state when there is none yet. */
    public record State(ReleaseRecord current, ReleaseRecord previous, List<Map<String, Object>> history, Map<String, Object> lastFailure) {
        public static final State EMPTY = new State(null, null, List.of(), null);
    }

    public State read() throws IOException, InterruptedException {
        String text = files.read(stateFile);
        if (text == null || text.isBlank()) {
            return State.EMPTY;
        }
        Map<String, Object> m;
        try {
            m = JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new DeployException("the state file " + stateFile + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "); fix or move it away, then deploy again. Nothing was changed.");
        }
        ReleaseRecord previous = m.get("previous") instanceof Map<?, ?> p ? ReleaseRecord.fromMap(p) : null;
        ReleaseRecord current = m.get("current") instanceof Map<?, ?> c ? ReleaseRecord.fromMap(c).withPrevious(previous) : null;
        List<Map<String, Object>> history = new ArrayList<>();
        if (m.get("history") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> h) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    h.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    history.add(copy);
                }
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = m.get("lastFailure") instanceof Map<?, ?> f ? (Map<String, Object>) f : null;
        return new State(current, previous, history, failure);
    }

    /** Records {@code released} as current, its previous release as previous, and prepends it to the history. */
    public void recordRelease(State before, ReleaseRecord released) throws IOException, InterruptedException {
        List<Map<String, Object>> history = new ArrayList<>();
        history.add(summary(released));
        for (Map<String, Object> h : before.history()) {
            if (history.size() >= HISTORY) {
                break;
            }
            if (!String.valueOf(h.get("releaseId")).equals(released.releaseId())) {
                history.add(h);
            }
        }
        write(released.service(), released.environment(), released, released.previous(), history, before.lastFailure());
    }

    /** Keeps the current release and notes the failed attempt. */
    public void recordFailure(State before, DeployRequest request, String buildUrl, String reason) throws IOException, InterruptedException {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("version", request.version());
        f.put("image", request.image().toString());
        f.put("strategy", request.strategy().id());
        f.put("at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        f.put("buildUrl", buildUrl);
        f.put("reason", reason);
        write(request.service(), request.environment(), before.current(), before.previous(), before.history(), f);
    }

    private void write(String service, String environment, ReleaseRecord current, ReleaseRecord previous, List<Map<String, Object>> history,
                       Map<String, Object> failure) throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("service", service);
        m.put("environment", environment);
        m.put("updatedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("current", current == null ? null : current.withPrevious(null).toMap());
        m.put("previous", previous == null ? null : previous.withPrevious(null).toMap());
        m.put("history", history);
        m.put("lastFailure", failure);
        files.writeAtomically(stateFile, JSON.writeValueAsString(m) + "\n");
    }

    private static Map<String, Object> summary(ReleaseRecord r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("releaseId", r.releaseId());
        s.put("version", r.version());
        s.put("image", r.image());
        s.put("imageId", r.imageId());
        s.put("colour", r.colour());
        s.put("strategy", r.strategy());
        s.put("deployedAt", r.deployedAt());
        s.put("buildUrl", r.buildUrl());
        return s;
    }
}
