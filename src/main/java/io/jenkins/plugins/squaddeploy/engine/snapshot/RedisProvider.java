package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis with {@code redis-cli}: {@code BGSAVE}, then wait until {@code LASTSAVE} changes and copy dump.rdb from the
 * data dir (the agent is the Redis host) or out of the container ({@code docker exec CONTAINER cat}); or
 * {@code redis-cli --rdb -} (replication protocol, from anywhere). The dump is checked with {@code redis-check-rdb}
 * when it is installed. The password goes in {@code REDISCLI_AUTH}, never on a command line. A restore stops Redis
 * ({@code SHUTDOWN NOSAVE} or {@code docker stop}), replaces dump.rdb and starts it again.
 */
final class RedisProvider implements Provider {
    static final String FILE = "dump.rdb";
    private final SnapshotSource.Redis src;

    RedisProvider(SnapshotSource.Redis src) {
        this.src = src;
    }

    private String bin(String tool) {
        return src != null && src.binDir() != null ? src.binDir().replaceAll("/+$", "") + "/" + tool : tool;
    }

    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        if (src.credential() != null && !src.credential().secret().isEmpty()) {
            env.put("REDISCLI_AUTH", src.credential().secret());
            if (src.exec().kube() != null) {
                // kubectl exec sets no variables: on the tool's stdin through ExecPrefix's constant wrapper
                env.put(ToolRunner.STDIN_VARIABLES, "REDISCLI_AUTH");
            }
        }
        return env;
    }

    private List<String> cli(Ctx c, boolean stdin, String... args) throws SnapshotException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(bin("redis-cli"), "-h", src.host(), "-p", Integer.toString(src.port())));
        if (src.credential() != null && src.credential().hasUsername()) {
            cmd.addAll(List.of("--user", src.credential().username()));
        }
        cmd.add("--no-auth-warning");
        cmd.addAll(List.of(args));
        return ExecPrefix.wrap(c, src.exec(), cmd, env().keySet(), stdin);
    }

    /** One command; Redis errors (printed on stdout with exit 0 by redis-cli) become exceptions. */
    private String call(Ctx c, String... args) throws SnapshotException, InterruptedException {
        CommandResult r = c.run(cli(c, false, args), env(), null, Duration.ofSeconds(60));
        String out = r.stdout().strip();
        if (!r.succeeded() || out.matches("(?s)^(ERR|WRONGPASS|NOAUTH|NOPERM|LOADING|MISCONF|READONLY|\\(error\\)).*")) {
            String err = r.stderr().strip();
            String why = !r.succeeded() ? Ctx.failure(r) : (err.isEmpty() ? out : err.lines().reduce((a, b) -> b).orElse(err) + " (" + out + ")");
            throw new SnapshotException("Redis " + src.describe() + " answered " + String.join(" ", args) + " with: " + why.replaceAll("\\s+", " "));
        }
        return out;
    }

    private Map<String, String> info(Ctx c, String section) throws SnapshotException, InterruptedException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : call(c, "INFO", section).lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return m;
    }

    private String config(Ctx c, String key) throws SnapshotException, InterruptedException {
        List<String> lines = call(c, "CONFIG", "GET", key).lines().toList();
        return lines.size() >= 2 ? lines.get(1).strip() : null;
    }

    /** Data dir and file name of the dump, from the parameters or CONFIG GET. */
    private Path dumpPath(Ctx c) throws SnapshotException, InterruptedException {
        String dir = src.dataDir();
        String name = null;
        try {
            if (dir == null) {
                dir = config(c, "dir");
            }
            name = config(c, "dbfilename");
        } catch (SnapshotException e) {
            if (dir == null) {
                throw new SnapshotException(e.getMessage() + "; set dataDir when CONFIG is disabled");
            }
        }
        return Path.of(dir, name == null || name.isEmpty() ? "dump.rdb" : name);
    }

    @Override
    public Preflight preflight(Ctx c) throws SnapshotException, InterruptedException {
        CommandResult r = c.run(cli(c, false, "PING"), env(), null, Duration.ofSeconds(30));
        String out = r.stdout().strip();
        if (!r.succeeded() || !out.equals("PONG")) {
            String why = !r.succeeded() ? Ctx.failure(r) : (r.stderr().isBlank() ? out : r.stderr().strip() + " (" + out + ")");
            throw new SnapshotException("cannot reach Redis " + src.describe() + ": " + why.replaceAll("\\s+", " ") + "; nothing was written to the store");
        }
        String version = info(c, "server").get("redis_version");
        CommandResult t = c.run(ExecPrefix.wrap(c, src.exec(), List.of(bin("redis-cli"), "--version"), List.of(), false), Map.of(), null, Duration.ofSeconds(30));
        return new Preflight(version, t.succeeded() ? t.stdout().strip() : "redis-cli");
    }

    @Override
    public Created create(Ctx c, String id, Path dir) throws SnapshotException, InterruptedException {
        Path file = dir.resolve(FILE);
        HashingOutput out;
        try {
            out = new HashingOutput(file, c.progress(SnapshotSource.Redis.RDB.equals(src.method()) ? "redis-cli --rdb" : "copying dump.rdb"));
        } catch (IOException e) {
            throw new SnapshotException("cannot write to the store: " + SnapshotStore.reason(e));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        HashingOutput.Result h;
        try {
            if (SnapshotSource.Redis.RDB.equals(src.method())) {
                c.log.info("dbSnapshot: redis-cli --rdb - " + src.describe() + " → " + file);
                CommandResult r = c.tools.pipeOut(cli(c, false, "--rdb", "-"), env(), out::copyFrom, c.remaining());
                if (!r.succeeded()) {
                    throw new SnapshotException("redis-cli --rdb from " + src.describe() + " failed (" + Ctx.failure(r) + "); the partial snapshot was removed");
                }
            } else {
                Path dump = dumpPath(c);
                long lastSave = bgsave(c);
                extra.put("lastSave", lastSave);
                extra.put("dumpFile", dump.toString());
                if (src.exec().local()) {
                    c.log.info("dbSnapshot: copying " + dump + " → " + file);
                    try (InputStream in = Files.newInputStream(dump)) {
                        out.copyFrom(in);
                    } catch (IOException e) {
                        if (Files.isReadable(dump)) {
                            throw new ToolRunner.SinkFailure(e);
                        }
                        throw new SnapshotException("cannot read " + dump + " on this machine (" + SnapshotStore.reason(e)
                                + "): the agent must run on the Redis host for method 'bgsave', else use method: 'rdb'");
                    }
                } else {
                    c.log.info("dbSnapshot: copying " + dump + " out of " + src.exec().describe() + " → " + file);
                    List<String> cat = ExecPrefix.wrap(c, src.exec(), List.of("cat", dump.toString()), List.of(), false);
                    CommandResult r = c.tools.pipeOut(cat, Map.of(), out::copyFrom, c.remaining());
                    if (!r.succeeded()) {
                        throw new SnapshotException("cannot copy " + dump + " out of " + src.exec().describe() + " (" + Ctx.failure(r) + ")");
                    }
                }
            }
            h = out.finish();
        } catch (ToolRunner.SinkFailure e) {
            throw new SnapshotException("cannot write to the store after " + Progress.bytes(out.count()) + ": " + SnapshotStore.reason(e.getCause())
                    + "; the partial snapshot was removed");
        } catch (IOException e) {
            throw new SnapshotException("cannot write to the store: " + SnapshotStore.reason(e) + "; the partial snapshot was removed");
        } finally {
            out.closeQuietly();
        }
        PostgresProvider.requireMagic(file, "REDIS", "the copy is no RDB file");
        String checked = checkRdb(c, file);
        if (checked != null) {
            extra.put("redisCheckRdb", checked);
        }
        return new Created("rdb (" + src.method() + ")", List.of(new SnapshotMeta.FileEntry(FILE, h.size(), h.sha256())), h.size(), h.sha256(), extra);
    }

    /** BGSAVE and wait until LASTSAVE moves past its value before; returns the new LASTSAVE. */
    private long bgsave(Ctx c) throws SnapshotException, InterruptedException {
        long before = Long.parseLong(call(c, "LASTSAVE").strip());
        // LASTSAVE has a resolution of one second: start the save in a later second than the last one, so a
        // save that finishes quickly still changes it.
        List<String> time = call(c, "TIME").lines().map(String::strip).toList();
        long seconds = Long.parseLong(time.get(0));
        if (seconds <= before) {
            long micros = time.size() > 1 ? Long.parseLong(time.get(1)) : 0;
            Ctx.pause(Duration.ofMillis((before - seconds) * 1000 + (1_000_000 - micros) / 1000 + 20));
        }
        String answer;
        try {
            answer = call(c, "BGSAVE");
        } catch (SnapshotException e) {
            if (!e.getMessage().contains("already in progress")) {
                throw e;
            }
            // a save started before we asked: wait for it, then save again so the dump is not older than the request
            waitNotSaving(c);
            before = Long.parseLong(call(c, "LASTSAVE").strip());
            answer = call(c, "BGSAVE", "SCHEDULE");
        }
        c.log.info("dbSnapshot: BGSAVE on " + src.describe() + ": " + answer + "; waiting for LASTSAVE to change from " + before);
        Progress p = c.progress("BGSAVE");
        long now;
        while ((now = Long.parseLong(call(c, "LASTSAVE").strip())) <= before) {
            c.remaining();
            p.update(0);
            Ctx.pause(Duration.ofMillis(100));
        }
        Map<String, String> persistence = info(c, "persistence");
        if (!"ok".equals(persistence.get("rdb_last_bgsave_status"))) {
            throw new SnapshotException("BGSAVE on " + src.describe() + " failed (rdb_last_bgsave_status " + persistence.get("rdb_last_bgsave_status")
                    + "); see the Redis log");
        }
        return now;
    }

    private void waitNotSaving(Ctx c) throws SnapshotException, InterruptedException {
        while (!"0".equals(info(c, "persistence").get("rdb_bgsave_in_progress"))) {
            c.remaining();
            Ctx.pause(Duration.ofMillis(100));
        }
    }

    /** redis-check-rdb on the dump when it is installed here; null when it is not. */
    private String checkRdb(Ctx c, Path file) throws SnapshotException, InterruptedException {
        String tool = c.tools.which(bin("redis-check-rdb"), Map.of());
        if (tool == null) {
            tool = c.tools.which("redis-check-rdb", Map.of());
        }
        if (tool == null) {
            c.log.info("dbSnapshot: redis-check-rdb is not installed here; the dump is checked by its checksum only");
            return null;
        }
        CommandResult r = c.run(List.of(tool, file.toString()), Map.of(), null, Duration.ofMinutes(30));
        if (!r.succeeded()) {
            throw new SnapshotException("redis-check-rdb rejects the dump (" + Ctx.failure(r) + ")");
        }
        return "redis-check-rdb: OK";
    }

    @Override
    public String check(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException, InterruptedException {
        String r = checkRdb(c, s.dir().resolve(FILE));
        return r == null ? "redis-check-rdb not installed here: dump not read" : r;
    }

    // ---------------------------------------------------------------- restore

    @Override
    public String target(Ctx c, String restoreTo) {
        if (restoreTo != null) {
            throw new ParameterException("restoreTo", SnapshotRequest.SCRATCH.equals(restoreTo)
                    ? "a scratch restore is available for PostgreSQL only" : "a Redis snapshot is restored into the source server",
                    "no restoreTo for Redis (the source's server is stopped, its dump.rdb replaced, and started again)");
        }
        if (src.exec().kube() != null) {
            throw new ParameterException("source.kubernetesPod", "restoring a Redis snapshot into a Kubernetes pod is not supported (the pod's dump.rdb "
                    + "would have to be replaced while Redis is stopped, which kubectl exec cannot do)",
                    "restore into a Redis reached with container:, composeService: or on the agent; for the pod, copy dump.rdb into its volume by hand");
        }
        if (src.exec().local() && src.startCommand().isEmpty()) {
            throw new ParameterException("source.startCommand", "restoring a Redis that runs on the agent needs a command to start it again",
                    "a list of arguments such as ['redis-server', '/etc/redis/redis.conf', '--daemonize', 'yes'] (or container: NAME)");
        }
        return src.describe();
    }

    @Override
    public boolean destructive(Ctx c, String target) {
        return true;
    }

    @Override
    public Restored restore(Ctx c, SnapshotStore.Snapshot s, String target) throws SnapshotException, InterruptedException {
        Path snapshotFile = s.dir().resolve(FILE);
        if ("yes".equals(config(c, "appendonly"))) {
            throw new SnapshotException("appendonly is on for " + src.describe() + ": Redis would load its append-only file, not dump.rdb; "
                    + "turn it off (CONFIG SET appendonly no) for the restore. Nothing was changed");
        }
        Path dump = dumpPath(c);
        long start = System.nanoTime();
        if (src.exec().local()) {
            restoreLocal(c, snapshotFile, dump);
        } else {
            restoreContainer(c, snapshotFile, dump);
        }
        waitReady(c);
        long ms = (System.nanoTime() - start) / 1_000_000;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("keys", Long.parseLong(call(c, "DBSIZE").strip()));
        details.put("dumpFile", dump.toString());
        return new Restored(src.describe(), ms, details);
    }

    private void restoreLocal(Ctx c, Path snapshotFile, Path dump) throws SnapshotException, InterruptedException {
        c.log.info("dbSnapshot: SHUTDOWN NOSAVE " + src.describe());
        CommandResult r = c.run(cli(c, false, "SHUTDOWN", "NOSAVE"), env(), null, Duration.ofSeconds(60));
        if (r.stdout().strip().matches("(?s)^(ERR|NOAUTH|NOPERM|WRONGPASS).*")) {
            throw new SnapshotException("Redis " + src.describe() + " refused SHUTDOWN NOSAVE: " + r.stdout().strip() + "; nothing was changed");
        }
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (c.run(cli(c, false, "PING"), env(), null, Duration.ofSeconds(10)).stdout().strip().equals("PONG")) {
            if (System.nanoTime() > until) {
                throw new SnapshotException("Redis " + src.describe() + " still answers 60 s after SHUTDOWN NOSAVE; nothing was changed");
            }
            Ctx.pause(Duration.ofMillis(100));
        }
        Path tmp = dump.resolveSibling(".squad-restore-" + ProcessHandle.current().pid() + ".rdb");
        try {
            Files.copy(snapshotFile, tmp, StandardCopyOption.REPLACE_EXISTING);
            if (Files.exists(dump)) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(dump));
                Files.setOwner(tmp, Files.getOwner(dump));
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, dump, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // reported below
            }
            throw new SnapshotException("cannot replace " + dump + ": " + SnapshotStore.reason(e) + "; Redis is stopped with its old dump, start it with "
                    + src.startCommand());
        }
        c.log.info("dbSnapshot: replaced " + dump + "; starting Redis: " + String.join(" ", src.startCommand()));
        CommandResult started = c.run(src.startCommand(), Map.of(), null, Duration.ofSeconds(120));
        if (!started.succeeded()) {
            throw new SnapshotException("the start command " + src.startCommand() + " failed (" + Ctx.failure(started) + "); " + dump
                    + " holds the snapshot, start Redis by hand");
        }
    }

    private void restoreContainer(Ctx c, Path snapshotFile, Path dump) throws SnapshotException, InterruptedException {
        String id = ExecPrefix.containerId(c, src.exec());
        Path tmpDir = null;
        try {
            tmpDir = Files.createTempDirectory("squad-rdb-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path copy = tmpDir.resolve(dump.getFileName().toString());
            Files.copy(snapshotFile, copy);
            // readable by the (often non-root) redis user of the image; the directory around it is private
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            c.log.info("dbSnapshot: docker stop " + id);
            CommandResult stop = c.run(List.of("docker", "stop", "-t", "30", id), Map.of(), null, Duration.ofSeconds(90));
            if (!stop.succeeded()) {
                throw new SnapshotException("docker stop " + id + " failed (" + Ctx.failure(stop) + "); nothing was changed");
            }
            CommandResult cp = c.run(List.of("docker", "cp", copy.toString(), id + ":" + dump), Map.of(), null, Duration.ofMinutes(30));
            if (!cp.succeeded()) {
                c.run(List.of("docker", "start", id), Map.of(), null, Duration.ofSeconds(90));
                throw new SnapshotException("docker cp into " + id + ":" + dump + " failed (" + Ctx.failure(cp) + "); the container was started again with its old data");
            }
            c.log.info("dbSnapshot: replaced " + id + ":" + dump + "; docker start " + id);
            CommandResult start = c.run(List.of("docker", "start", id), Map.of(), null, Duration.ofSeconds(90));
            if (!start.succeeded()) {
                throw new SnapshotException("docker start " + id + " failed (" + Ctx.failure(start) + "); its " + dump + " holds the snapshot");
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot prepare the dump for the container: " + SnapshotStore.reason(e) + "; nothing was changed");
        } finally {
            if (tmpDir != null) {
                try {
                    SnapshotStore.deleteRecursively(tmpDir);
                } catch (IOException ignored) {
                    // a private temp dir
                }
            }
        }
    }

    private void waitReady(Ctx c) throws SnapshotException, InterruptedException {
        long until = System.nanoTime() + c.remaining(Duration.ofMinutes(10)).toNanos();
        String last = "";
        while (System.nanoTime() < until) {
            CommandResult r = c.run(cli(c, false, "PING"), env(), null, Duration.ofSeconds(10));
            last = r.stdout().strip() + " " + r.stderr().strip();
            if (r.stdout().strip().equals("PONG")) {
                return;
            }
            Ctx.pause(Duration.ofMillis(100));
        }
        throw new SnapshotException("Redis " + src.describe() + " does not answer PING after the restore (last: " + last.strip() + ")");
    }
}
