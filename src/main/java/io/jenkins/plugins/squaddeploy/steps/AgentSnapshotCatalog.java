package io.jenkins.plugins.squaddeploy.steps;

import hudson.EnvVars;
import hudson.FilePath;
import io.jenkins.plugins.squaddeploy.engine.rollback.SnapshotCatalog;
import io.jenkins.plugins.squaddeploy.engine.snapshot.RdsRestore;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotJobs;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotRequest;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * autoRollback's view of a dbSnapshot store on the agent: {@code action: 'list'} and {@code action: 'restore'} with
 * {@code confirm: true}, each run as a dbSnapshot job on the agent that holds the store (as the dbSnapshot step runs
 * them), its console lines relayed to the build log.
 */
final class AgentSnapshotCatalog implements SnapshotCatalog {
    private final FilePath workspace;
    private final String store;
    private final SnapshotSource source;
    private final EnvVars env;
    private final ConsoleLog log;

    /** @param store the store directory, resolved against the workspace */
    AgentSnapshotCatalog(FilePath workspace, String store, SnapshotSource source, EnvVars env, ConsoleLog log) {
        this.workspace = workspace;
        this.store = store;
        this.source = source;
        this.env = env == null ? new EnvVars() : env;
        this.log = log;
    }

    @Override
    public String describe() {
        return store;
    }

    @Override
    public List<Snapshot> list() throws IOException, InterruptedException {
        Map<String, Object> r = run(SnapshotRequest.builder(store).action("list").build(), false);
        List<Snapshot> out = new ArrayList<>();
        if (r.get("snapshots") instanceof List<?> rows) {
            for (Object o : rows) {
                if (o instanceof Map<?, ?> m && m.get("id") != null && m.get("createdAt") != null) {
                    try {
                        out.add(new Snapshot(str(m.get("id")), str(m.get("series")), str(m.get("release")), str(m.get("build")),
                                Instant.parse(str(m.get("createdAt")))));
                    } catch (DateTimeParseException e) {
                        // a snapshot whose time cannot be read is not offered
                    }
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> restore(String id) throws IOException, InterruptedException {
        SnapshotRequest.Builder b = SnapshotRequest.builder(store).action("restore").source(source).snapshot(id).confirm(true);
        if (source instanceof SnapshotSource.Rds rds) {
            b.restoreTo(RdsRestore.target(rds, id)); // RDS restores into a new instance, named as externalRestore() said
        }
        return run(b.build(), true);
    }

    @Override
    public List<String> externalRestore(String id) {
        return source instanceof SnapshotSource.Rds rds ? RdsRestore.argv(rds, id, RdsRestore.target(rds, id)) : null;
    }

    private Map<String, Object> run(SnapshotRequest req, boolean relay) throws IOException, InterruptedException {
        String job = workspace.child(req.store()).act(new AgentSnapshotJob.Start(req, env));
        while (true) {
            SnapshotJobs.Poll p = workspace.act(new AgentSnapshotJob.Poll(job, DbSnapshotStep.POLL_MILLIS));
            if (relay) {
                p.lines().forEach(log::info);
            }
            if (p.unknownJob()) {
                throw new IOException("the dbSnapshot job on the agent is gone (the agent restarted?)");
            }
            if (p.done()) {
                if (p.error() != null) {
                    throw new IOException("dbSnapshot " + req.action().id() + ": " + p.error());
                }
                return p.result();
            }
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
