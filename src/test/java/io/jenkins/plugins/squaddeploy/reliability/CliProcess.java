package io.jenkins.plugins.squaddeploy.reliability;

import io.jenkins.plugins.squaddeploy.testbed.Poll;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code squad …} as its own JVM process (what {@code ./squad} runs: {@code SquadCli} on the classpath), its output in a
 * file, so a test can run several at once, or kill one with SIGKILL at any moment.
 */
final class CliProcess {
    final Process process;
    final Path output;
    final List<String> args;

    private CliProcess(Process process, Path output, List<String> args) {
        this.process = process;
        this.output = output;
        this.args = args;
    }

    static CliProcess start(Path outputDir, String name, List<String> args) {
        return start(outputDir, name, args, java.util.Map.of());
    }

    /** With extra environment variables, e.g. {@code DOCKER_HOST} of a private daemon. */
    static CliProcess start(Path outputDir, String name, List<String> args, java.util.Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "io.jenkins.plugins.squaddeploy.cli.SquadCli"));
        cmd.addAll(args);
        try {
            Files.createDirectories(outputDir);
            Path out = outputDir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            String audit = System.getProperty(io.jenkins.plugins.squaddeploy.engine.spi.CommandAudit.PROPERTY);
            if (audit != null) {
                pb.environment().put(io.jenkins.plugins.squaddeploy.engine.spi.CommandAudit.ENV, audit);
            }
            return new CliProcess(pb.start(), out, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int waitFor(Duration max) throws InterruptedException {
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("squad " + args + " did not end within " + max.toSeconds() + " s:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL (kill -9) to the JVM; its children (pg_dump, docker …) are left as they would be. */
    void kill9() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        Poll.until("squad process " + process.pid() + " to die", Duration.ofSeconds(10), () -> !process.isAlive());
    }

    String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static File devNull() {
        return new File("/dev/null");
    }
}
