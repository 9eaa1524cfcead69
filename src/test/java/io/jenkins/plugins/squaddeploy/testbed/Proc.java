package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short commands to completion (with a time limit) and sends signals. */
public final class Proc {
    private Proc() {
    }

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** stdout, or IllegalStateException with both streams when the exit code is not 0. */
        public String orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr);
            }
            return stdout;
        }
    }

    public static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), null, Arrays.asList(command));
    }

    /**
     * Runs {@code command} with extra environment {@code env}, optional stdin bytes; output goes through temp
     * files so a chatty command can never block on a full pipe. A command that overruns {@code timeout} is
     * killed (with its descendants) and reported with exit code 124.
     */
    public static Result run(Duration timeout, Map<String, String> env, byte[] stdin, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("squadtest-out-", ".txt");
            err = Files.createTempFile("squadtest-err-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (var os = p.getOutputStream()) {
                    os.write(stdin);
                }
            }
            int code;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                code = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                code = 124;
            }
            String o = Files.readString(out, StandardCharsets.UTF_8);
            String e = Files.readString(err, StandardCharsets.UTF_8);
            if (code == 124) {
                e = e + "\n(killed after " + timeout.toMillis() + " ms)";
            }
            return new Result(List.copyOf(command), code, o, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Sends {@code signal} (e.g. "INT", "HUP", "USR2") to {@code pid}; false if the process is gone. */
    public static boolean signal(long pid, String signal) {
        // /bin/sh's builtin kill: procps' /bin/kill is not guaranteed on a minimal Debian.
        return run(Duration.ofSeconds(10), "/bin/sh", "-c", "kill -s " + signal + " " + pid).ok();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // temp file
            }
        }
    }
}
