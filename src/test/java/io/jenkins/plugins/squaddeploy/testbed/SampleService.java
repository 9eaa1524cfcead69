package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One container of {@code squad-sample:<version>} (see {@link SampleServiceImage}) on the host network,
 * serving 127.0.0.1:{@link #port()} only. Container name {@code squadtest-sample-*}, labels
 * {@code squad.test=1} and {@code squad.test.pid=<this JVM>}.
 *
 * <p>Knobs (env vars at start, or {@link #setKnob} at run time): VERSION, HEALTH_STATUS
 * (healthy|degraded|unhealthy), HEALTH_CODE, SERVICES_POSTGRES / SERVICES_REDIS (connected|disconnected),
 * ERROR_RATE (0-100, % of / requests answering 500, spread evenly), LATENCY_MS, HEALTH_LATENCY_MS,
 * START_DELAY_S. Endpoints: /health, /health/ready, /metrics, / and /api/*. Metrics count only / and /api
 * requests, so health probes and scrapes do not dilute error rates.
 */
public final class SampleService implements AutoCloseable {
    public static final String NAME_PREFIX = "squadtest-sample-";
    private static final Pattern KNOB = Pattern.compile("[A-Z_][A-Z0-9_]*");

    private final DockerFixture docker;
    private final String version;
    private final String image;
    private final int port;
    private final String name;
    private final Map<String, String> knobs;
    private boolean closed;

    private SampleService(DockerFixture docker, String version, String image, int port, String name, Map<String, String> knobs) {
        this.docker = docker;
        this.version = version;
        this.image = image;
        this.port = port;
        this.name = name;
        this.knobs = knobs;
    }

    /** Starts {@code squad-sample:<version>} on {@code port} (0 = pick a free one) and waits until it is ready. */
    public static SampleService run(DockerFixture docker, String version, int port, Map<String, String> knobs) {
        return start(docker, version, port, knobs, true);
    }

    /** As {@link #run}, but returns right after {@code docker run} unless {@code waitReady}. */
    public static SampleService start(DockerFixture docker, String version, int port, Map<String, String> knobs,
                                      boolean waitReady) {
        String image = SampleServiceImage.ensure(docker, version);
        int p = port > 0 ? port : FreePorts.next();
        Map<String, String> k = new LinkedHashMap<>(knobs);
        k.keySet().forEach(SampleService::checkKnobName);
        String name = NAME_PREFIX + version.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + p + "-"
                + Testbed.newSecret(6).toLowerCase(java.util.Locale.ROOT);
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host"));
        args.addAll(Testbed.containerLabelArgs());
        args.addAll(List.of("--label", "squad.test.kind=sample-service", "--stop-timeout", "5", "-e", "PORT=" + p));
        k.forEach((key, value) -> args.addAll(List.of("-e", key + "=" + value)));
        args.add(image);
        SampleService s = new SampleService(docker, version, image, p, name, k);
        Testbed.track(s);
        try {
            docker.run(Duration.ofSeconds(60), args.toArray(String[]::new)).orThrow();
            if (waitReady) {
                s.awaitReady(Duration.ofSeconds(30 + startDelaySeconds(k)));
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String version() {
        return version;
    }

    public String image() {
        return image;
    }

    public String containerName() {
        return name;
    }

    public Map<String, String> knobs() {
        return Map.copyOf(knobs);
    }

    /** GET {@code baseUrl() + path}. */
    public Http.Response get(String path) throws IOException {
        return Http.get(baseUrl() + path, Duration.ofSeconds(10));
    }

    /** Polls GET /health/ready until 200; fails early (with the container log) if the container stops. */
    public void awaitReady(Duration timeout) {
        long[] lastCheck = {0};
        Poll.until(name + " to answer 200 on /health/ready", timeout, () -> {
            try {
                if (Http.get(baseUrl() + "/health/ready", Duration.ofSeconds(2)).status() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() - lastCheck[0] > 1_000_000_000L) {
                lastCheck[0] = System.nanoTime();
                String state = docker.run(Duration.ofSeconds(20), "inspect", "-f", "{{.State.Status}}", name).stdout().trim();
                if (!state.equals("running") && !state.equals("created")) {
                    throw new Poll.Abort("container is " + (state.isEmpty() ? "gone" : state));
                }
            }
            return false;
        }, this::logs);
    }

    /** Changes a knob inside the running container (file under /tmp/squad/knobs, read on every request). */
    public void setKnob(String knob, String value) {
        checkKnobName(knob);
        docker.run(Duration.ofSeconds(20), "exec", name, "/bin/sh", "-c",
                "printf '%s\\n' \"$1\" > \"/tmp/squad/knobs/$2\"", "sh", value, knob).orThrow();
        knobs.put(knob, value);
    }

    /** Removes a run-time override: the env var value applies again. */
    public void clearKnob(String knob) {
        checkKnobName(knob);
        docker.run(Duration.ofSeconds(20), "exec", name, "rm", "-f", "/tmp/squad/knobs/" + knob).orThrow();
    }

    /** Docker's HEALTHCHECK status: starting, healthy or unhealthy. */
    public String dockerHealth() {
        return docker.ok(Duration.ofSeconds(20), "inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", name);
    }

    public boolean isRunning() {
        Proc.Result r = docker.run(Duration.ofSeconds(20), "inspect", "-f", "{{.State.Running}}", name);
        return r.ok() && r.stdout().trim().equals("true");
    }

    public String logs() {
        Proc.Result r = docker.run(Duration.ofSeconds(20), "logs", "--tail", "100", name);
        return "docker logs " + name + ":\n" + r.stdout() + r.stderr();
    }

    /** docker stop: the port refuses connections until {@link #start()}. Counters restart from 0. */
    public void stop() {
        docker.run(Duration.ofSeconds(30), "stop", "-t", "5", name).orThrow();
    }

    /** docker start of the stopped container, waiting until ready. */
    public void start() {
        docker.run(Duration.ofSeconds(30), "start", name).orThrow();
        awaitReady(Duration.ofSeconds(30 + startDelaySeconds(knobs)));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Testbed.untrack(this);
        docker.run(Duration.ofSeconds(60), "rm", "-f", "-v", name);
    }

    @Override
    public String toString() {
        return "SampleService[" + name + ", " + baseUrl() + "]";
    }

    private static void checkKnobName(String knob) {
        if (!KNOB.matcher(knob).matches()) {
            throw new IllegalArgumentException("not a knob name: " + knob);
        }
    }

    private static long startDelaySeconds(Map<String, String> knobs) {
        try {
            return Math.max(0, Long.parseLong(knobs.getOrDefault("START_DELAY_S", "0").trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
