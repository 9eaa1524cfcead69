package io.jenkins.plugins.squaddeploy.engine.rollback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployFiles;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code <stateDir>/<service>.rollback.json} on the target, beside the release record: what a rollback set out to do,
 * each step as it happens, and — when it stops half-way (the Docker daemon went away, the router refused) — what state
 * it left and what to do next. Written atomically after every step, so it is right even when the build dies.
 *
 * <pre>
 * {"schema": 1, "service": "api", "environment": "production", "build": "…", "status": "in-progress|done|failed",
 *  "from": {"release": "…", "version": "2.0.0", "colour": "green"}, "to": {"release": "…", "version": "1.0.0", "colour": "blue"},
 *  "startedAt": "…", "updatedAt": "…", "steps": [{"at": "…", "step": "switch nginx to blue", "status": "done", "detail": "…"}],
 *  "next": "what to do now, when not done"}
 * </pre>
 */
final class RollbackJournal {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final DeployFiles files;
    private final String path;
    private final ConsoleLog log;
    private final Clock clock;
    private final Map<String, Object> doc = new LinkedHashMap<>();
    private final List<Object> steps = new ArrayList<>();

    /** @param path the journal file, or null for none (a rollback without a state directory: router only) */
    RollbackJournal(DeployFiles files, String path, ConsoleLog log, Clock clock) {
        this.files = files;
        this.path = path;
        this.log = log;
        this.clock = clock;
    }

    /**
     * The release the last rollback took away ({@code done}), or was taking away when it was cut (still
     * {@code in-progress}: killed after it made the good release current again in the state file, before it finished
     * its journal — the state's current release is the journal's {@code to}); null otherwise. A re-run after a kill -9
     * must never put the failed release back.
     */
    static String rolledBack(DeployFiles files, String stateDir, String service) throws IOException, InterruptedException {
        String text = files.read(path(stateDir, service));
        if (text == null || text.isBlank()) {
            return null;
        }
        Map<?, ?> m;
        try {
            m = JSON.readValue(text, Map.class);
        } catch (IOException e) {
            return null;
        }
        Object status = m.get("status");
        if (!(m.get("from") instanceof Map<?, ?> from) || from.get("release") == null) {
            return null;
        }
        if ("done".equals(status) || "done-with-warnings".equals(status)) {
            return from.get("release").toString();
        }
        if ("in-progress".equals(status) && m.get("to") instanceof Map<?, ?> to && to.get("release") != null) {
            // cut (killed) after it made the good release current again, and nothing was released since
            io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord current = new io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore(files,
                    io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore.stateFile(stateDir, service)).read().current();
            if (current != null && to.get("release").toString().equals(current.releaseId())) {
                return from.get("release").toString();
            }
        }
        return null;
    }

    static String path(String stateDir, String service) {
        return stateDir + "/" + service + ".rollback.json";
    }

    String path() {
        return path;
    }

    void begin(String service, String environment, String build, Map<String, Object> from, Map<String, Object> to, String next)
            throws InterruptedException {
        doc.put("schema", 1);
        doc.put("service", service);
        doc.put("environment", environment);
        doc.put("build", build);
        doc.put("status", "in-progress");
        doc.put("from", from);
        doc.put("to", to);
        doc.put("startedAt", now());
        doc.put("steps", steps);
        doc.put("next", next);
        write();
    }

    /** Records a step: {@code status} done, failed or skipped. */
    void step(String step, String status, String detail, String next) throws InterruptedException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", now());
        s.put("step", step);
        s.put("status", status);
        s.put("detail", detail);
        steps.add(s);
        if (next != null) {
            doc.put("next", next);
        }
        write();
    }

    void finish(String status, String next) throws InterruptedException {
        doc.put("status", status);
        doc.put("next", next);
        write();
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private void write() throws InterruptedException {
        if (path == null) {
            return;
        }
        doc.put("updatedAt", now());
        try {
            files.writeAtomically(path, JSON.writeValueAsString(doc) + "\n");
        } catch (IOException e) {
            log.warn("autoRollback: could not write the rollback journal " + path + ": " + e.getMessage());
        }
    }
}
