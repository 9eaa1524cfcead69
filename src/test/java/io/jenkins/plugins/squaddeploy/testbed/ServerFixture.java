package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Base of the process fixtures: a throwaway server in its own work dir ({@code /tmp/squadtest-<kind>-*})
 * on its own free 127.0.0.1 port, started in the foreground and polled until it really answers.
 * {@link #stop()} / {@link #start()} simulate an outage on the same port and data; {@link #close()} stops it
 * and deletes the work dir (kept when {@code -Dsquad.testbed.keep=true}, for debugging).
 */
public abstract class ServerFixture implements AutoCloseable {
    protected final String kind;
    protected final Path dir;
    protected final int port;
    private volatile ManagedProcess process;
    private boolean closed;

    protected ServerFixture(String kind) {
        this.kind = kind;
        this.dir = Testbed.newWorkDir(kind);
        this.port = FreePorts.next();
        Testbed.track(this);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The private work dir (config, data, logs, sockets). */
    public Path dir() {
        return dir;
    }

    public Path logFile() {
        return dir.resolve(kind + ".log");
    }

    public boolean isRunning() {
        ManagedProcess p = process;
        return p != null && p.isAlive();
    }

    /** Pid of the server's main process (e.g. the postmaster, the nginx/haproxy master). */
    public long pid() {
        ManagedProcess p = process;
        if (p == null) {
            throw new IllegalStateException(kind + " is not running");
        }
        return p.pid();
    }

    public String logTail() {
        return ManagedProcess.tail(logFile(), 60);
    }

    protected abstract List<String> command();

    protected Map<String, String> environment() {
        return Map.of();
    }

    /** One readiness probe; exceptions mean "not yet". */
    protected abstract boolean probeReady() throws Exception;

    protected Duration startTimeout() {
        return Duration.ofSeconds(60);
    }

    /** Stops the process gracefully; default SIGTERM, then SIGKILL after 15 s. */
    protected void stopProcess(ManagedProcess p) {
        p.stop(Duration.ofSeconds(15), "TERM");
    }

    /** (Re)starts the server and waits until it answers. No-op when running. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(kind + " fixture is closed");
        }
        if (isRunning()) {
            return;
        }
        List<String> command = command();
        ManagedProcess p = ManagedProcess.start(kind, dir, logFile(), command, environment());
        process = p;
        try {
            Poll.until(kind + " on 127.0.0.1:" + port + " to answer", startTimeout(), () -> {
                if (!p.isAlive()) {
                    throw new Poll.Abort(kind + " exited with code " + p.process().exitValue());
                }
                return probeReady();
            }, () -> "command: " + String.join(" ", command) + "\nlog " + logFile() + ":\n" + p.logTail(40));
        } catch (RuntimeException e) {
            stopProcess(p);
            process = null;
            throw e;
        }
    }

    /** Stops the server (the port then refuses connections); {@link #start()} brings it back. */
    public synchronized void stop() {
        ManagedProcess p = process;
        if (p != null) {
            process = null;
            stopProcess(p);
        }
    }

    /** Stops the server with a specific signal sequence (e.g. SIGQUIT for a PostgreSQL crash). */
    protected synchronized void stopWith(Duration grace, String... signals) {
        ManagedProcess p = process;
        if (p != null) {
            process = null;
            p.stop(grace, signals);
        }
    }

    /** Writes {@code content} to {@code relative} inside the work dir (parents created). */
    public Path writeFile(String relative, String content) {
        Path target = dir.resolve(relative).normalize();
        if (!target.startsWith(dir)) {
            throw new IllegalArgumentException("outside the work dir: " + relative);
        }
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, content);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces {@code @PORT@}, {@code @DIR@} and fixture-specific placeholders in a config template. */
    protected String expand(String template) {
        return template.replace("@PORT@", Integer.toString(port)).replace("@DIR@", dir.toString());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            Testbed.untrack(this);
            if (!Boolean.getBoolean("squad.testbed.keep")) {
                Testbed.deleteRecursively(dir);
            }
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[127.0.0.1:" + port + ", " + dir + "]";
    }
}
