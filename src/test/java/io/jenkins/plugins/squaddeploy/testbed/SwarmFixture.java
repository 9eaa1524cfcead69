package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A real single-node Docker Swarm on this machine's daemon: {@code docker swarm init --advertise-addr 127.0.0.1} when
 * the node is not in a swarm yet (it stays in swarm mode afterwards: plain containers and Compose keep working beside
 * it), services with host networking bound to 127.0.0.1 ports, unique names per test ({@code sqsw<random>_…}), and
 * removal of every service and stack it created when closed (tracked by {@link Testbed}, so a JVM exit removes them too).
 * Services carry the label {@code squad.test=1} (service label, not container label: the container reaper must never
 * race Swarm over its task containers).
 */
public final class SwarmFixture implements AutoCloseable {
    public static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final String BAD_REPOSITORY = "squad-swarm-unready";

    public final DockerFixture docker = DockerFixture.get();
    public final String prefix = "sqsw" + Testbed.newSecret(6).toLowerCase(Locale.ROOT);
    private final List<String> services = new ArrayList<>();
    private final List<String> stacks = new ArrayList<>();
    private int counter;

    private static boolean reaped;

    public SwarmFixture() {
        ensureSwarm(docker);
        reapLeftoverServices(docker);
        Testbed.track(this);
    }

    /**
     * Once per JVM: removes test services ({@code squad.test.pid} label) whose JVM is gone (killed before it could clean
     * up); services of a live JVM (a build running in parallel) stay.
     */
    static synchronized void reapLeftoverServices(DockerFixture docker) {
        if (reaped) {
            return;
        }
        reaped = true;
        String ids = docker.run(Duration.ofSeconds(30), "service", "ls", "-q", "--filter", "label=" + Testbed.PID_LABEL).stdout().strip();
        if (ids.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("service", "inspect", "--format", "{{.Spec.Name}}\t{{index .Spec.Labels \"" + Testbed.PID_LABEL + "\"}}"));
        args.addAll(List.of(ids.split("\\s+")));
        List<String> stale = new ArrayList<>();
        for (String line : docker.run(Duration.ofSeconds(30), args.toArray(String[]::new)).stdout().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 2) {
                try {
                    long pid = Long.parseLong(f[1].strip());
                    if (pid != Testbed.jvmPid() && !Testbed.isLiveJvm(pid)) {
                        stale.add(f[0].strip());
                    }
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        }
        if (!stale.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("service", "rm"));
            rm.addAll(stale);
            docker.run(Duration.ofSeconds(60), rm.toArray(String[]::new));
            System.err.println("[squadtest] removed leftover swarm services " + stale);
        }
    }

    /** Makes this daemon a single-node swarm manager unless it is one already. */
    public static synchronized void ensureSwarm(DockerFixture docker) {
        String state = docker.ok(Duration.ofSeconds(30), "info", "--format", "{{.Swarm.LocalNodeState}}");
        if ("active".equals(state)) {
            return;
        }
        if (!"inactive".equals(state)) {
            throw new IllegalStateException("the Docker daemon's swarm state is '" + state + "' (expected inactive or active); fix it by hand"
                    + " (docker swarm leave --force) and run the tests again");
        }
        Proc.Result r = docker.run(Duration.ofSeconds(60), "swarm", "init", "--advertise-addr", "127.0.0.1");
        if (!r.ok() && !(r.stderr() + r.stdout()).contains("already part of a swarm")) {
            r.orThrow();
        }
    }

    /** A new unique name for a service or stack of this test. */
    public synchronized String newName(String what) {
        return prefix + "-" + what + (++counter);
    }

    /**
     * {@code docker service create} with host networking, {@code PORT=port}, one replica, a 1 s update monitor and
     * {@code extra} arguments, waited for until its task runs healthy (Swarm waits for the image's HEALTHCHECK).
     */
    public String createService(String name, String image, int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("service", "create", "--detach", "--name", name, "--network", "host", "--env", "PORT=" + port,
                "--label", Testbed.LABEL + "=1", "--label", Testbed.PID_LABEL + "=" + Testbed.jvmPid(), "--replicas", "1", "--update-monitor", "1s", "--update-failure-action", "rollback",
                "--rollback-monitor", "1s", "--no-resolve-image", "--stop-grace-period", "2s"));
        args.addAll(List.of(extra));
        args.add(image);
        synchronized (this) {
            services.add(name);
        }
        docker.ok(Duration.ofSeconds(60), args.toArray(String[]::new));
        awaitRunning(name, image);
        return name;
    }

    /** Waits until {@code service}'s one task runs {@code image} (healthy: Swarm reports Running only after the HEALTHCHECK passed). */
    public void awaitRunning(String service, String image) {
        Poll.until(service + " running " + image, CONVERGE, () -> {
            String ps = docker.run(Duration.ofSeconds(30), "service", "ps", service, "--filter", "desired-state=running", "--format",
                    "{{.Image}} {{.CurrentState}}").stdout().strip();
            return ps.startsWith(image + " Running");
        }, () -> docker.run(Duration.ofSeconds(30), "service", "ps", service, "--no-trunc").stdout());
    }

    /** The image in the service's current spec. */
    public String specImage(String service) {
        return docker.ok(Duration.ofSeconds(30), "service", "inspect", service, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}");
    }

    /** {@code Version.Index} of the service: changes with every change of its spec. */
    public long specVersion(String service) {
        return Long.parseLong(docker.ok(Duration.ofSeconds(30), "service", "inspect", service, "--format", "{{.Version.Index}}"));
    }

    /** Labels a test's own {@code docker service create} needs so that a killed JVM's services are reaped. */
    public static List<String> serviceLabelArgs() {
        return List.of("--label", Testbed.LABEL + "=1", "--label", Testbed.PID_LABEL + "=" + Testbed.jvmPid());
    }

    /** Records a service created by the test itself so that {@link #close()} removes it. */
    public synchronized String adopt(String service) {
        services.add(service);
        return service;
    }

    /** Records a stack name so that {@link #close()} removes it. */
    public synchronized String stack(String name) {
        stacks.add(name);
        return name;
    }

    /**
     * {@code squad-swarm-unready:<version>}: the sample image of {@code version} whose readiness never comes
     * ({@code START_DELAY_S=3600}), so its HEALTHCHECK fails (after one probe) and Swarm's update fails.
     */
    public static synchronized String badImage(DockerFixture docker, String version) {
        String tag = BAD_REPOSITORY + ":" + version;
        if (docker.run(Duration.ofSeconds(30), "image", "inspect", tag).ok()) {
            return tag;
        }
        String base = SampleServiceImage.ensure(docker, version);
        Path dir = Testbed.newWorkDir("swarm-bad");
        try {
            // one failed probe makes it unhealthy (the base image allows 3), so Swarm gives up on it sooner
            Files.writeString(dir.resolve("Dockerfile"), "FROM " + base + "\nENV START_DELAY_S=3600\n"
                    + "HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD wget -q -O- \"http://127.0.0.1:$PORT/health/ready\" || exit 1\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        docker.ok(Duration.ofMinutes(2), "build", "-q", "-t", tag, dir.toString());
        return tag;
    }

    /** {@code docker tag source target}; returns target. */
    public static String tag(DockerFixture docker, String source, String target) {
        docker.ok(Duration.ofSeconds(30), "tag", source, target);
        return target;
    }

    @Override
    public void close() {
        List<String> s;
        List<String> st;
        synchronized (this) {
            s = new ArrayList<>(services);
            st = new ArrayList<>(stacks);
            services.clear();
            stacks.clear();
        }
        for (String stack : st) {
            docker.run(Duration.ofSeconds(60), "stack", "rm", stack);
        }
        if (!s.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("service", "rm"));
            args.addAll(s);
            docker.run(Duration.ofSeconds(60), args.toArray(String[]::new));
        }
        // task containers stop asynchronously (2 s grace); their ports are never handed out again (FreePorts), so no wait
        Testbed.untrack(this);
    }
}
