package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandAudit;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.OutputTail;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Runs the database tools (pg_dump, redis-cli, docker, aws, tar, ...) where the snapshot is made: on the agent in
 * Jenkins, on this machine in the CLI. Always argv, never a shell; secrets only in the environment. Three shapes:
 * output kept as a tail ({@link #run}), stdout streamed to a consumer on the calling thread ({@link #pipeOut}: the
 * dump goes straight to the store), stdin fed from a file ({@link #pipeIn}: restores).
 *
 * <p>The program is looked up on the {@code PATH} of the environment given to the tool (the build's environment in
 * Jenkins), not the JVM's, so a missing tool is reported by name with the directories searched. {@link #cancel()}
 * kills every running tool (an aborted build) and makes later calls fail.
 */
public final class ToolRunner {
    private static final Map<String, String> HINTS = Map.of(
            "pg_dump", "install the PostgreSQL client (postgresql-client, same major version as the server or newer) or set binDir",
            "pg_restore", "install the PostgreSQL client (postgresql-client) or set binDir",
            "psql", "install the PostgreSQL client (postgresql-client) or set binDir",
            "redis-cli", "install redis-tools or set binDir",
            "docker", "install the Docker CLI (docker.io) on the agent",
            "docker-compose", "install Docker Compose (docker compose plugin or docker-compose)",
            "aws", "install the AWS CLI or set awsCommand",
            "tar", "install tar");

    /**
     * When the environment given to a tool holds this variable, its value names (space-separated) variables of that
     * environment that are NOT set for the process: they are written to its stdin first instead, one {@code NAME=value}
     * line each and an empty line, before the tool's own input (the constant wrapper of {@code kubectl exec} reads them,
     * see {@link ExecPrefix}). So a password reaches a tool inside a pod without any command line or kubectl's environment.
     */
    public static final String STDIN_VARIABLES = "SQUAD_STDIN_VARIABLES";

    private final Map<String, String> baseEnv;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final List<Consumer<Invocation>> observers = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    /** One tool started: its argv (secrets are never in it) and the names of the variables set for it. */
    public record Invocation(List<String> argv, Set<String> envKeys) {
    }

    /** @param baseEnv the whole environment of the tools (the build's in Jenkins, the process's in the CLI) */
    public ToolRunner(Map<String, String> baseEnv) {
        this.baseEnv = Map.copyOf(baseEnv);
    }

    public static ToolRunner local() {
        return new ToolRunner(System.getenv());
    }

    /** Calls {@code observer} with every tool started (tests check that no secret is on a command line). */
    public ToolRunner observe(Consumer<Invocation> observer) {
        observers.add(observer);
        return this;
    }

    public Map<String, String> baseEnv() {
        return baseEnv;
    }

    /** Runs to the end, keeping the tail of stdout and stderr; stdin is {@code stdin} (or empty). */
    public CommandResult run(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout)
            throws SnapshotException, InterruptedException {
        try {
            return exec(argv, env, timeout, null, stdin, null);
        } catch (SinkFailure impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Reads the tool's stdout on this thread. */
    @FunctionalInterface
    public interface StdoutSink {
        void consume(InputStream stdout) throws IOException;
    }

    /**
     * Runs with stdout handed to {@code sink} on the calling thread, as it comes. When the sink fails (a full disk),
     * the tool is killed and the sink's exception is thrown as {@link SinkFailure}.
     */
    public CommandResult pipeOut(List<String> argv, Map<String, String> env, StdoutSink sink, Duration timeout)
            throws SnapshotException, InterruptedException, SinkFailure {
        return exec(argv, env, timeout, sink, null, null);
    }

    /** Runs with stdin read from {@code file} by the tool itself (no copy through this JVM). */
    public CommandResult pipeIn(List<String> argv, Map<String, String> env, Path file, Duration timeout)
            throws SnapshotException, InterruptedException {
        try {
            return exec(argv, env, timeout, null, null, file);
        } catch (SinkFailure impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The sink of {@link #pipeOut} failed; the tool was killed. */
    public static final class SinkFailure extends Exception {
        private static final long serialVersionUID = 1L;

        SinkFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Kills every running tool; later calls throw InterruptedException. */
    public void cancel() {
        cancelled = true;
        for (Process p : live) {
            kill(p);
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** The absolute path of {@code program} on the tools' PATH, or null. */
    public String which(String program, Map<String, String> env) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program)) ? program : null;
        }
        for (String dir : searchPath(env)) {
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private List<String> searchPath(Map<String, String> env) {
        String path = env != null && env.containsKey("PATH") ? env.get("PATH") : baseEnv.get("PATH");
        List<String> dirs = new ArrayList<>();
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        return dirs;
    }

    private CommandResult exec(List<String> argv, Map<String, String> env, Duration timeout, StdoutSink sink, byte[] stdin, Path stdinFile)
            throws SnapshotException, InterruptedException, SinkFailure {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("cancelled");
        }
        Map<String, String> requestEnv = env == null ? Map.of() : env;
        List<String> cmd = new ArrayList<>(argv);
        String program = cmd.get(0);
        String resolved = which(program, requestEnv);
        if (resolved == null) {
            String hint = HINTS.getOrDefault(Path.of(program).getFileName().toString(), "install it or give its full path");
            throw new SnapshotException(program.contains("/")
                    ? program + " does not exist or is not executable on this machine (" + hint + ")"
                    : program + " not found on the PATH of this machine (" + String.join(":", searchPath(requestEnv)) + "): " + hint);
        }
        cmd.set(0, resolved);
        byte[] prefix = null;
        Map<String, String> processEnv = requestEnv;
        if (requestEnv.containsKey(STDIN_VARIABLES)) {
            processEnv = new java.util.LinkedHashMap<>(requestEnv);
            processEnv.remove(STDIN_VARIABLES);
            StringBuilder b = new StringBuilder();
            for (String name : requestEnv.get(STDIN_VARIABLES).split(" ")) {
                if (name.isEmpty()) {
                    continue;
                }
                String value = processEnv.remove(name);
                if (value == null) {
                    continue;
                }
                if (value.contains("\n") || value.contains("\r") || value.indexOf('\0') >= 0) {
                    throw new SnapshotException("the value of " + name + " holds a line break or NUL character: it cannot be passed on the standard "
                            + "input of " + Path.of(program).getFileName() + " (change the password)");
                }
                b.append(name).append('=').append(value).append('\n');
            }
            prefix = b.append('\n').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        for (Consumer<Invocation> o : observers) {
            o.accept(new Invocation(List.copyOf(argv), Set.copyOf(requestEnv.keySet())));
        }
        CommandAudit.record("snapshot-tool", cmd, requestEnv.keySet());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.clear();
        e.putAll(baseEnv);
        e.putAll(processEnv);
        if (stdinFile != null && prefix == null) {
            pb.redirectInput(stdinFile.toFile());
        }
        long started = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException x) {
            throw new SnapshotException("cannot start " + program + ": " + x.getMessage());
        }
        live.add(process);
        if (cancelled) {
            kill(process);
        }
        OutputTail out = new OutputTail();
        OutputTail err = new OutputTail();
        Thread errPump = pump(process.getErrorStream(), err);
        Thread outPump = sink == null ? pump(process.getInputStream(), out) : null;
        OutputTail.Deadline deadline = OutputTail.killAfter(timeout, () -> kill(process));
        try {
            if (stdinFile == null || prefix != null) {
                try (OutputStream in = process.getOutputStream()) {
                    if (prefix != null) {
                        in.write(prefix);
                        in.flush();
                    }
                    if (stdinFile != null) {
                        Files.copy(stdinFile, in);
                    } else if (stdin != null) {
                        in.write(stdin);
                    }
                } catch (IOException closedEarly) {
                    // the tool did not read its input; its exit code tells the rest
                }
            }
            if (sink != null) {
                try (InputStream stdout = process.getInputStream()) {
                    sink.consume(stdout);
                } catch (IOException x) {
                    kill(process);
                    if (!cancelled && !deadline.fired()) {
                        throw new SinkFailure(x);
                    }
                }
            }
            int exit = process.waitFor();
            errPump.join(5000);
            if (outPump != null) {
                outPump.join(5000);
            }
            if (cancelled) {
                throw new InterruptedException("cancelled");
            }
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            return new CommandResult(deadline.fired() ? -1 : exit, out.text(), err.text(), deadline.fired(), elapsed);
        } catch (InterruptedException x) {
            kill(process);
            throw x;
        } finally {
            deadline.cancel();
            live.remove(process);
        }
    }


    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static Thread pump(InputStream in, OutputStream into) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(into);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "squad-snapshot-tool-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
