package io.jenkins.plugins.squaddeploy.testbed;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A long-running server process started in the foreground by a fixture, with its output in a log file. */
public final class ManagedProcess {
    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} in {@code workDir}, stdin from /dev/null, stdout+stderr appended to {@code log},
     * and records its pid in the work dir for the leftover reaper.
     */
    public static ManagedProcess start(String name, Path workDir, Path log, List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            Testbed.recordPid(workDir, p.pid());
            return new ManagedProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    public boolean signal(String signal) {
        return Proc.signal(process.pid(), signal);
    }

    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the process: sends each of {@code signals} in turn and waits up to {@code grace} for it to exit;
     * finally SIGKILLs it. Children that outlive it (e.g. nginx workers) are killed too.
     */
    public void stop(Duration grace, String... signals) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        try {
            for (String s : signals) {
                if (!process.isAlive()) {
                    break;
                }
                signal(s);
                if (awaitExit(grace)) {
                    break;
                }
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(10));
            }
            for (ProcessHandle h : tree) {
                if (h.isAlive()) {
                    h.destroyForcibly();
                }
            }
        }
    }

    /** The last {@code maxLines} lines of the log (for error messages). */
    public String logTail(int maxLines) {
        return tail(log, maxLines);
    }

    static String tail(Path file, int maxLines) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 16384);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(0, lines.length - maxLines);
            return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
        } catch (IOException e) {
            return "(no log " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + (process.isAlive() ? "" : ", exited " + process.exitValue()) + "]";
    }
}
