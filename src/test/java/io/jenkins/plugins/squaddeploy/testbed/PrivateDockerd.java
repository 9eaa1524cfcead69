package io.jenkins.plugins.squaddeploy.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second, private Docker daemon for one test, so that the test may stop and restart it without touching the
 * machine's shared daemon (which every other test uses, see {@link DockerFixture}). It has its own socket
 * ({@code unix://<dir>/docker.sock}), {@code --data-root}, {@code --exec-root} (where it starts its own containerd),
 * {@code --pidfile}, no bridge and no iptables rules ({@code --bridge none --iptables=false}: containers use host
 * networking) and its own containerd namespaces. The product reaches it through {@code DOCKER_HOST} ({@link #env()}).
 *
 * <p>{@link #stop()} sends SIGTERM (dockerd stops its containers, as a restarted daemon without live-restore does) and
 * waits for the exit; {@link #start()} starts it again on the same directories. {@link #close()} stops it, removes
 * the mounts it left (the network namespace of {@code exec-root}) and deletes the directory.
 */
public final class PrivateDockerd implements AutoCloseable {
    private final Path dir;
    private final Path log;
    private final String host;
    private Process process;
    private int starts;

    private PrivateDockerd(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("dockerd.log");
        this.host = "unix://" + dir.resolve("docker.sock");
    }

    /** Starts a private daemon and waits until it answers {@code docker info}. */
    public static PrivateDockerd start(Duration deadline) {
        Testbed.init();
        Binaries.dockerd();
        Binaries.docker();
        try {
            // short path: unix socket paths are limited to 107 bytes (containerd's socket lives under exec-root)
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "sqd-");
            Files.writeString(dir.resolve(".owner"), Long.toString(ProcessHandle.current().pid()));
            PrivateDockerd d = new PrivateDockerd(dir);
            Testbed.atExit(d::close);
            d.startDaemon(deadline);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code DOCKER_HOST=unix://…/docker.sock}. */
    public String host() {
        return host;
    }

    public Map<String, String> env() {
        return Map.of("DOCKER_HOST", host);
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** Starts the daemon again on the same directories (after {@link #stop()}). */
    public synchronized void start() {
        startDaemon(Duration.ofSeconds(60));
    }

    private synchronized void startDaemon(Duration deadline) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the private dockerd runs already (pid " + process.pid() + ")");
        }
        List<String> cmd = new ArrayList<>(List.of(Binaries.dockerd().toString(), "--host", host, "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("dockerd.pid").toString(), "--bridge", "none",
                "--iptables=false", "--ip-masq=false", "--containerd-namespace", "squadpriv", "--containerd-plugins-namespace", "squadprivp"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dockerd", e);
        }
        starts++;
        Process p = process;
        Poll.until("the private dockerd (" + host + ", start " + starts + ") to answer `docker info`", deadline, () -> {
            if (!p.isAlive()) {
                throw new Poll.Abort("the private dockerd exited with code " + p.exitValue());
            }
            return answers();
        }, () -> "log " + log + ":\n" + ManagedProcess.tail(log, 40));
    }

    public boolean answers() {
        return docker(Duration.ofSeconds(10), "info", "--format", "{{.ServerVersion}}").ok();
    }

    /** SIGTERM, then waits (deadline 60 s) until dockerd has exited. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("the private dockerd did not stop within 60 s of SIGTERM; log:\n" + ManagedProcess.tail(log, 40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@link #stop()} then {@link #start()}, as {@code systemctl restart docker} does. */
    public void restart() {
        stop();
        start();
    }

    /** {@code docker -H <private> args…}. */
    public Proc.Result docker(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Binaries.docker().toString(), "-H", host));
        cmd.addAll(List.of(args));
        return Proc.run(timeout, Map.of(), null, cmd);
    }

    public String ok(Duration timeout, String... args) {
        return docker(timeout, args).orThrow().trim();
    }

    /** {@code docker save <image>} on the shared daemon piped into {@code docker -H <private> load}. */
    public void loadFromShared(String image) {
        String docker = Binaries.docker().toString();
        ProcessBuilder save = new ProcessBuilder(docker, "save", image).redirectError(ProcessBuilder.Redirect.DISCARD);
        save.environment().remove("DOCKER_HOST");
        ProcessBuilder load = new ProcessBuilder(docker, "-H", host, "load").redirectErrorStream(true);
        try {
            List<Process> ps = ProcessBuilder.startPipeline(List.of(save, load));
            String out = new String(ps.get(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (Process p : ps) {
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("docker save " + image + " | docker -H " + host + " load failed: " + out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the daemon (after removing its containers), unmounts what it left under its directory, deletes the directory. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            Proc.Result ids = docker(Duration.ofSeconds(20), "ps", "-aq");
            if (ids.ok() && !ids.stdout().isBlank()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(List.of(ids.stdout().trim().split("\\s+")));
                docker(Duration.ofSeconds(60), rm.toArray(String[]::new));
            }
        }
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("[squadtest] " + e.getMessage());
        }
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 1 && f[1].startsWith(dir.toString() + "/")) {
                    mounts.add(f[1]);
                }
            }
            mounts.sort((a, b) -> b.length() - a.length());
            for (String m : mounts) {
                Proc.run(Duration.ofSeconds(20), "umount", "-l", m);
            }
        } catch (IOException e) {
            System.err.println("[squadtest] cannot read /proc/self/mounts: " + e.getMessage());
        }
        Testbed.deleteRecursively(dir);
    }
}
