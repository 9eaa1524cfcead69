package io.jenkins.plugins.squaddeploy.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure a Docker daemon answers, and runs docker CLI commands against it.
 *
 * <p><b>Why a running daemon is reused.</b> The daemon socket ({@code /var/run/docker.sock}) and its
 * {@code /var/lib/docker} are machine-wide singletons: a second dockerd on the same machine would need its
 * own socket, data-root, exec-root, pidfile and bridge, and every docker/compose/swarm call in the product
 * under test would have to be pointed at it. So: if {@code docker info} already answers (a dockerd someone
 * else started, or the one of a parallel build), it is used as it is — it is never <em>required</em>. If
 * nothing answers (a fresh CI machine, no systemd), this fixture starts {@code dockerd} in the background
 * with the default configuration, logs to {@code /tmp/squadtest-dockerd-*}/dockerd.log, and waits until
 * {@code docker info} answers. A daemon started here is stopped (SIGTERM) at JVM exit, after every tracked
 * container has been removed; one started by anybody else is never stopped. Isolation between tests comes
 * from container names ({@code squadtest-*}), the {@code squad.test=1} label and per-JVM pid labels, not from
 * separate daemons. {@code DOCKER_HOST} in the environment is honoured by the CLI as usual.
 *
 * <p>Extra dockerd arguments for unusual machines: {@code -Dsquad.testbed.dockerdArgs="--iptables=false"}.
 */
public final class DockerFixture {
    private static DockerFixture instance;

    private final Path docker;
    private final boolean startedByUs;

    private DockerFixture(Path docker, boolean startedByUs) {
        this.docker = docker;
        this.startedByUs = startedByUs;
    }

    /** The machine's Docker daemon, started if none answers; leftover test containers are removed once. */
    public static synchronized DockerFixture get() {
        if (instance != null) {
            return instance;
        }
        Testbed.init();
        Path cli = Binaries.docker();
        boolean started = false;
        if (!answers(cli)) {
            startDaemon(cli);
            started = true;
        }
        DockerFixture d = new DockerFixture(cli, started);
        Testbed.reapLeftoverContainers(d);
        instance = d;
        return d;
    }

    /** Whether this JVM started the daemon (and will stop it at exit). */
    public boolean startedByUs() {
        return startedByUs;
    }

    public Path cli() {
        return docker;
    }

    /** Runs {@code docker args...}; never throws on a non-zero exit (see {@link Proc.Result#orThrow()}). */
    public Proc.Result run(Duration timeout, String... args) {
        return run(timeout, Map.of(), args);
    }

    public Proc.Result run(Duration timeout, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(docker.toString());
        cmd.addAll(Arrays.asList(args));
        return Proc.run(timeout, env, null, cmd);
    }

    /** Runs {@code docker args...} and returns trimmed stdout, or throws with stderr. */
    public String ok(Duration timeout, String... args) {
        return run(timeout, args).orThrow().trim();
    }

    private static boolean answers(Path cli) {
        return Proc.run(Duration.ofSeconds(20), cli.toString(), "info", "--format", "{{.ServerVersion}}").ok();
    }

    private static void startDaemon(Path cli) {
        Path dockerd = Binaries.dockerd();
        Path dir = Testbed.newWorkDir("dockerd");
        Path log = dir.resolve("dockerd.log");
        List<String> cmd = new ArrayList<>(List.of(dockerd.toString()));
        String extra = System.getProperty("squad.testbed.dockerdArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(Arrays.asList(extra.split("\\s+")));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // dockerd finds containerd, runc, docker-init and iptables on PATH
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + dockerd, e);
        }
        System.err.println("[squadtest] no Docker daemon answered; started dockerd pid " + p.pid() + ", log " + log);
        Testbed.atExit(() -> {
            stopDaemon(p);
            if (!p.isAlive()) {
                Testbed.deleteRecursively(dir);
            }
        });
        long[] diedAt = {0};
        Poll.until("dockerd to answer `docker info`", Duration.ofSeconds(120), () -> {
            if (answers(cli)) {
                return true;
            }
            // Our dockerd may have lost a race against another one starting; give that one a moment.
            if (!p.isAlive()) {
                if (diedAt[0] == 0) {
                    diedAt[0] = System.nanoTime();
                } else if (System.nanoTime() - diedAt[0] > TimeUnit.SECONDS.toNanos(15)) {
                    throw new Poll.Abort("dockerd exited with code " + p.exitValue());
                }
            }
            return false;
        }, () -> "log " + log + ":\n" + ManagedProcess.tail(log, 40));
    }

    private static void stopDaemon(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM: dockerd stops its containerd and exits cleanly
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
