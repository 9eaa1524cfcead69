package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the squadDeploy tests share: the real Docker daemon, the sample-service images 1.0.0, 2.0.0 and bad tagged
 * into a repository of this test run ({@code squadtest-<random>/app}, so {@code :previous}/{@code :rollback} tags of
 * parallel runs never meet), a unique service name per test ({@code squadtest-…}, so the testbed's reaper knows its
 * containers by name too), the testbed's container labels on every container squadDeploy starts, and clean-up.
 */
public final class DeployTestbed implements AutoCloseable {
    public final DockerFixture docker = DockerFixture.get();
    public final String repo = "squadtest-" + Testbed.newSecret(6).toLowerCase(Locale.ROOT) + "/app";
    final List<String> services = new ArrayList<>();

    public DeployTestbed() {
        for (String v : List.of("1.0.0", "2.0.0")) {
            docker.ok(Duration.ofSeconds(60), "tag", SampleServiceImage.ensure(docker, v), repo + ":" + v);
        }
        // a release that is broken by its image alone: it starts, but its /health/ready never answers 200
        Path ctx = Testbed.newWorkDir("bad-image");
        try {
            Files.writeString(ctx.resolve("Dockerfile"), "FROM " + SampleServiceImage.ensure(docker, "bad") + "\nENV START_DELAY_S=3600\n");
            docker.run(Duration.ofMinutes(2), Map.of("DOCKER_BUILDKIT", "0"), "build", "-q", "-t", repo + ":bad", ctx.toString()).orThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Testbed.deleteRecursively(ctx);
        }
    }

    public String image(String version) {
        return repo + ":" + version;
    }

    /** A fresh service name, cleaned up on close. */
    public String newService() {
        String s = "squadtest-" + Testbed.newSecret(8).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
        services.add(s);
        return s;
    }

    /** The testbed's labels (squad.test=1, squad.test.pid=…) as key=value items for the labels parameter. */
    public static List<String> testLabels() {
        List<String> args = Testbed.containerLabelArgs();
        List<String> out = new ArrayList<>();
        for (int i = 1; i < args.size(); i += 2) {
            out.add(args.get(i));
        }
        return out;
    }

    public static int[] ports(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = FreePorts.next();
        }
        return p;
    }

    /** n consecutive free ports (a rolling range). */
    public static int[] consecutivePorts(int n) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = FreePorts.next();
            boolean ok = true;
            for (int i = 1; i < n && ok; i++) {
                ok = FreePorts.isBindable(first + i);
            }
            if (ok) {
                int[] p = new int[n];
                for (int i = 0; i < n; i++) {
                    p[i] = first + i;
                }
                return p;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports");
    }

    public DockerClient client() {
        return new DockerClient(new LocalCommandRunner());
    }

    SquadDeployer deployer(Path workDir, ConsoleLog log) {
        return new SquadDeployer(client(), new LocalDeployFiles(workDir), log, null).pollEvery(200);
    }

    DeployRequest.Builder docker(String service, String version, String strategy, String ports, Path stateDir) {
        return DeployRequest.builder().service(service).environment("test").image(image(version)).strategy(strategy)
                .docker(List.of(), null, List.of()).ports(ports).stateDir(stateDir.toString()).labels(testLabels())
                .healthTimeoutSeconds(30).buildUrl("http://jenkins.example/job/shop/7/");
    }

    /**
     * Every container this test run could have touched: those with this JVM's testbed pid label (squadDeploy gets the
     * labels in every test) and those named after one of this run's services, as "id name state image", sorted, to
     * compare "before" and "after". Containers of builds running in parallel on the same daemon are left out.
     */
    public String snapshot() {
        String out = docker.ok(Duration.ofSeconds(30), "ps", "-a", "--no-trunc", "--format",
                "{{.ID}} {{.Names}} {{.State}} {{.Image}} {{.Label \"" + Testbed.PID_LABEL + "\"}}");
        String pid = Long.toString(Testbed.jvmPid());
        TreeSet<String> mine = new TreeSet<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split(" ", -1);
            boolean ours = f.length > 4 && f[4].equals(pid);
            for (String s : services) {
                ours |= f.length > 1 && f[1].startsWith(s);
            }
            if (ours) {
                mine.add(String.join(" ", f[0], f[1], f[2], f[3]));
            }
        }
        return String.join("\n", mine);
    }

    public String inspect(String container, String format) {
        return docker.ok(Duration.ofSeconds(20), "inspect", "-f", format, container);
    }

    public boolean isRunning(String container) {
        Proc.Result r = docker.run(Duration.ofSeconds(20), "inspect", "-f", "{{.State.Running}}", container);
        return r.ok() && r.stdout().strip().equals("true");
    }

    public boolean exists(String container) {
        return docker.run(Duration.ofSeconds(20), "inspect", container).ok();
    }

    public String imageId(String ref) {
        return docker.ok(Duration.ofSeconds(20), "image", "inspect", "-f", "{{.Id}}", ref);
    }

    /** The version a sample service on {@code port} reports on /health, or "down". */
    public static String versionOn(int port) {
        try {
            Http.Response r = Http.get("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(3));
            int i = r.body().indexOf("\"version\":\"");
            return i < 0 ? r.body() : r.body().substring(i + 11, r.body().indexOf('"', i + 11));
        } catch (IOException e) {
            return "down";
        }
    }

    public static void awaitVersion(int port, String version) {
        Poll.until("version " + version + " on port " + port, Duration.ofSeconds(20), () -> version.equals(versionOn(port)));
    }

    /** A console that keeps every line (and prints it, for the surefire report). */
    public static final class Lines implements ConsoleLog {
        public final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void info(String line) {
            lines.add(line);
            System.out.println(line);
        }

        @Override
        public void warn(String line) {
            info("WARNING: " + line);
        }

        public String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    void removeContainersOf(String service) {
        Proc.Result r = docker.run(Duration.ofSeconds(30), "ps", "-aq", "--filter", "label=" + Labels.SERVICE + "=" + service);
        List<String> ids = r.stdout().lines().filter(l -> !l.isBlank()).toList();
        Proc.Result byName = docker.run(Duration.ofSeconds(30), "ps", "-aq", "--filter", "name=" + service);
        List<String> all = new ArrayList<>(ids);
        byName.stdout().lines().filter(l -> !l.isBlank() && !all.contains(l)).forEach(all::add);
        if (!all.isEmpty()) {
            List<String> a = new ArrayList<>(List.of("rm", "-f", "-v"));
            a.addAll(all);
            docker.run(Duration.ofSeconds(60), a.toArray(String[]::new));
        }
    }

    @Override
    public void close() {
        services.forEach(this::removeContainersOf);
        Proc.Result tags = docker.run(Duration.ofSeconds(30), "images", "--format", "{{.Repository}}:{{.Tag}}", repo);
        List<String> a = new ArrayList<>(List.of("rmi"));
        tags.stdout().lines().filter(l -> !l.isBlank()).forEach(a::add);
        if (a.size() > 1) {
            docker.run(Duration.ofSeconds(60), a.toArray(String[]::new));
        }
    }

    static Map<String, Object> map(ReleaseRecord r) {
        return r.toMap();
    }
}
