package io.jenkins.plugins.squaddeploy.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Amazon RDS through the AWS CLI, as runbook 004 does it: {@code aws rds create-db-snapshot}, then
 * {@code aws rds describe-db-snapshots} every {@code pollInterval} until the snapshot is {@code available}. The store
 * keeps only the metadata (the data stays in AWS). Access keys, when a credential is given, go in
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}; otherwise the CLI's own configuration (profile, instance
 * role) applies. Not tested against AWS here (none is reachable): against a fake {@code aws} program on PATH.
 */
final class RdsProvider implements Provider {
    private static final Set<String> WAITING = Set.of("creating", "pending", "backing-up", "modifying", "upgrading", "copying");
    private final SnapshotSource.Rds src;

    RdsProvider(SnapshotSource.Rds src) {
        this.src = src;
    }

    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_PAGER", "");
        if (src.credential() != null) {
            env.put("AWS_ACCESS_KEY_ID", src.credential().username());
            env.put("AWS_SECRET_ACCESS_KEY", src.credential().secret());
        }
        return env;
    }

    private JsonNode aws(Ctx c, String... args) throws SnapshotException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(src.awsCommand(), "rds"));
        cmd.addAll(List.of(args));
        if (src.region() != null) {
            cmd.addAll(List.of("--region", src.region()));
        }
        cmd.addAll(List.of("--output", "json"));
        CommandResult r = c.run(cmd, env(), null, Duration.ofMinutes(5));
        if (!r.succeeded()) {
            throw new AwsFailure("aws rds " + args[0] + " failed (" + Ctx.failure(r) + ")");
        }
        try {
            return SnapshotMeta.JSON.readTree(r.stdout().isBlank() ? "{}" : r.stdout());
        } catch (IOException e) {
            throw new SnapshotException("aws rds " + args[0] + " printed no JSON: " + e.getMessage());
        }
    }

    static final class AwsFailure extends SnapshotException {
        private static final long serialVersionUID = 1L;

        AwsFailure(String message) {
            super(message);
        }
    }

    /** An RDS snapshot identifier made from a store ID: letters, digits, single hyphens, starting with a letter. */
    static String awsId(String id) {
        String series = SnapshotId.series(id);
        String time = SnapshotId.TIME.format(SnapshotId.time(id)).replace(".", "").toLowerCase(java.util.Locale.ROOT);
        String s = ("squad-" + series + "-" + time).replaceAll("[^A-Za-z0-9-]", "-").replaceAll("-{2,}", "-").replaceAll("-$", "");
        return s.length() > 255 ? s.substring(0, 255) : s;
    }

    @Override
    public Preflight preflight(Ctx c) throws SnapshotException, InterruptedException {
        CommandResult t = c.run(List.of(src.awsCommand(), "--version"), env(), null, Duration.ofSeconds(60));
        if (!t.succeeded()) {
            throw new SnapshotException(src.awsCommand() + " --version failed (" + Ctx.failure(t) + ")");
        }
        return new Preflight(null, (t.stdout() + t.stderr()).strip().lines().findFirst().orElse("aws"));
    }

    @Override
    public Created create(Ctx c, String id, Path dir) throws SnapshotException, InterruptedException {
        String snap = awsId(id);
        c.log.info("dbSnapshot: aws rds create-db-snapshot --db-instance-identifier " + src.instance() + " --db-snapshot-identifier " + snap);
        JsonNode created = aws(c, "create-db-snapshot", "--db-instance-identifier", src.instance(), "--db-snapshot-identifier", snap);
        JsonNode s = created.path("DBSnapshot");
        s = waitFor(c, snap, s);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("awsSnapshotId", snap);
        put(extra, "arn", s.path("DBSnapshotArn"));
        put(extra, "engine", s.path("Engine"));
        put(extra, "engineVersion", s.path("EngineVersion"));
        put(extra, "allocatedStorageGiB", s.path("AllocatedStorage"));
        put(extra, "snapshotCreateTime", s.path("SnapshotCreateTime"));
        return new Created("rds snapshot", List.of(), 0, null, extra);
    }

    private static void put(Map<String, Object> m, String key, JsonNode v) {
        if (!v.isMissingNode() && !v.isNull()) {
            m.put(key, v.isNumber() ? (Object) v.asLong() : v.asText());
        }
    }

    private JsonNode waitFor(Ctx c, String snap, JsonNode first) throws SnapshotException, InterruptedException {
        JsonNode s = first;
        long start = System.nanoTime();
        long nextLine = 0;
        while (true) {
            String status = s.path("Status").asText("");
            if (status.equals("available")) {
                c.log.info("dbSnapshot: RDS snapshot " + snap + " is available after " + Progress.elapsed(System.nanoTime() - start));
                return s;
            }
            if (!status.isEmpty() && !WAITING.contains(status)) {
                throw new SnapshotException("RDS snapshot " + snap + " of " + src.instance() + " ended in status '" + status + "'");
            }
            long now = System.nanoTime();
            if (now >= nextLine) {
                c.log.info("dbSnapshot: RDS snapshot " + snap + ": " + (status.isEmpty() ? "requested" : status)
                        + (s.has("PercentProgress") ? ", " + s.path("PercentProgress").asText() + " %" : "") + ", " + Progress.elapsed(now - start) + " elapsed");
                nextLine = now + c.req.progressEvery().toNanos();
            }
            try {
                Duration left = c.remaining();
                Ctx.pause(left.compareTo(src.pollInterval()) < 0 ? left : src.pollInterval());
                s = aws(c, "describe-db-snapshots", "--db-snapshot-identifier", snap).path("DBSnapshots").path(0);
            } catch (SnapshotException e) {
                if (!expired(c)) {
                    throw e;
                }
                throw new SnapshotException("the timeout of " + Progress.human(c.req.timeout()) + " was reached while waiting for RDS snapshot " + snap
                        + " (last status '" + status + "'); AWS goes on creating it: check with aws rds describe-db-snapshots --db-snapshot-identifier "
                        + snap + "; it is not in the store");
            }
        }
    }

    private static boolean expired(Ctx c) {
        try {
            c.remaining();
            return false;
        } catch (SnapshotException e) {
            return true;
        }
    }

    @Override
    public String check(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException, InterruptedException {
        String snap = String.valueOf(s.meta().extra().get("awsSnapshotId"));
        JsonNode d = aws(c, "describe-db-snapshots", "--db-snapshot-identifier", snap).path("DBSnapshots").path(0);
        String status = d.path("Status").asText("missing");
        if (!status.equals("available")) {
            throw new SnapshotException("RDS snapshot " + snap + " is '" + status + "', not available");
        }
        return "RDS snapshot " + snap + " is available";
    }

    @Override
    public String target(Ctx c, String restoreTo) {
        if (restoreTo == null || SnapshotRequest.SCRATCH.equals(restoreTo) || !restoreTo.matches("[A-Za-z][A-Za-z0-9-]{0,62}")
                || restoreTo.contains("--") || restoreTo.endsWith("-")) {
            throw new ParameterException("restoreTo", "got " + ParameterException.show(restoreTo),
                    "the identifier of a NEW RDS instance to restore into, e.g. 'prod-db-restore' (RDS never restores over an instance)");
        }
        if (restoreTo.equalsIgnoreCase(src.instance())) {
            throw new ParameterException("restoreTo", "is the source instance", "the identifier of a new instance; RDS restores create one");
        }
        return restoreTo;
    }

    @Override
    public boolean destructive(Ctx c, String target) {
        return false;
    }

    @Override
    public Restored restore(Ctx c, SnapshotStore.Snapshot s, String target) throws SnapshotException, InterruptedException {
        String snap = String.valueOf(s.meta().extra().get("awsSnapshotId"));
        long start = System.nanoTime();
        c.log.info("dbSnapshot: aws rds restore-db-instance-from-db-snapshot --db-instance-identifier " + target + " --db-snapshot-identifier " + snap);
        aws(c, "restore-db-instance-from-db-snapshot", "--db-instance-identifier", target, "--db-snapshot-identifier", snap);
        while (true) {
            JsonNode i = aws(c, "describe-db-instances", "--db-instance-identifier", target).path("DBInstances").path(0);
            String status = i.path("DBInstanceStatus").asText("");
            if (status.equals("available")) {
                break;
            }
            if (status.equals("failed") || status.equals("incompatible-restore") || status.equals("deleting")) {
                throw new SnapshotException("RDS instance " + target + " ended in status '" + status + "'");
            }
            c.log.info("dbSnapshot: RDS instance " + target + ": " + (status.isEmpty() ? "requested" : status) + ", "
                    + Progress.elapsed(System.nanoTime() - start) + " elapsed");
            Duration left = c.remaining();
            Ctx.pause(left.compareTo(src.pollInterval()) < 0 ? left : src.pollInterval());
        }
        return new Restored("rds instance " + target, (System.nanoTime() - start) / 1_000_000, Map.of("instance", target));
    }

    @Override
    public void deleteExternal(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException, InterruptedException {
        Object snap = s.meta().extra() == null ? null : s.meta().extra().get("awsSnapshotId");
        if (snap == null) {
            return;
        }
        try {
            aws(c, "delete-db-snapshot", "--db-snapshot-identifier", snap.toString());
        } catch (AwsFailure e) {
            if (!e.getMessage().contains("DBSnapshotNotFound")) {
                throw e;
            }
        }
    }
}
