package io.jenkins.plugins.squaddeploy.bench;

import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.health.DirectProbeRunner;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.health.HealthVerifier;
import io.jenkins.plugins.squaddeploy.engine.health.VerifyOptions;
import io.jenkins.plugins.squaddeploy.engine.rollback.AutoRollback;
import io.jenkins.plugins.squaddeploy.engine.rollback.Deployment;
import io.jenkins.plugins.squaddeploy.engine.rollback.Incident;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackOptions;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackReport;
import io.jenkins.plugins.squaddeploy.engine.rollback.Rollbacker;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterTemplate;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchOptions;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchRequest;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.HaproxyFixture;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PrometheusFixture;
import io.jenkins.plugins.squaddeploy.testbed.ServerFixture;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code ./squad bench rollback}: time to restore and requests failed during the rollback switch. Per round: traffic is
 * on green (2.0.0, healthy) behind the router, wrk loads the router's public address (≥ 1,000 req/s), users call green's
 * {@code /api} directly (its error rate, scraped by a real Prometheus every second); a verifyHealth watch window measures
 * the error rate every {@code --interval} s with {@code --failure-threshold} failures in a row; green starts failing half
 * of its requests; the watch fails; autoRollback switches the router back to blue (1.0.0), verified through the router.
 * Reported per round: first failing measurement → detection (the watch's threshold), detection → blue verified serving
 * (the rollback), their sum (time to restore); and wrk's failed and non-2xx requests over the window around the rollback
 * switch ({@code /} always answers 200 on both colours, so any failure is the switch's).
 */
public final class RollbackBenchmark {
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(\\w+)");
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private RollbackBenchmark() {
    }

    /** One round's figures. */
    record Round(long flipToFirstFailureMs, long detectionMs, long rollbackMs, long timeToRestoreMs, long requests, double rps, long failed) {
    }

    public static void main(String[] args) throws Exception {
        String kind = stringArg(args, "--router", "nginx");
        int rounds = intArg(args, "--rounds", 5);
        int interval = intArg(args, "--interval", 1);
        int threshold = intArg(args, "--failure-threshold", 3);
        int connections = intArg(args, "--connections", 12);
        int latencyMs = intArg(args, "--backend-latency-ms", 5);
        int samples = intArg(args, "--samples", 10);
        int perColour = 2;
        Path wrk = Binaries.require("wrk", "wrk", "/usr/bin/wrk");
        Path dir = Testbed.newWorkDir("bench-rollback");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<MetricsHttpServer> blue = new ArrayList<>();
        List<MetricsHttpServer> green = new ArrayList<>();
        ServerFixture proxy = null;
        PrometheusFixture prometheus = null;
        AtomicBoolean users = new AtomicBoolean(true);
        List<Thread> userThreads = new ArrayList<>();
        try {
            for (int i = 0; i < perColour; i++) {
                blue.add(new MetricsHttpServer(latencyMs, "1.0.0"));
                green.add(new MetricsHttpServer(latencyMs, "2.0.0"));
            }
            List<TrafficRouter.Upstream> blueUps = blue.stream().map(s -> new TrafficRouter.Upstream("127.0.0.1", s.port())).toList();
            List<TrafficRouter.Upstream> greenUps = green.stream().map(s -> new TrafficRouter.Upstream("127.0.0.1", s.port())).toList();
            LocalCommandRunner commands = new LocalCommandRunner();
            RouterSpec spec;
            String url;
            switch (kind) {
                case "nginx" -> {
                    Path conf = dir.resolve("api-upstream.conf");
                    NginxRouterSpec plain = NginxRouterSpec.of("router", conf.toString(), Binaries.nginx().toString(), List.of(), null);
                    Files.writeString(conf, new NginxRouter("api", plain, new LocalRouterHost(), commands, ConsoleLog.SILENT).render("blue", blueUps));
                    NginxFixture n = NginxFixture.create(String.join("\n", "include " + conf + ";", "server {", "    listen 127.0.0.1:@PORT@;",
                            "    keepalive_timeout 0;", "    location / {", "        proxy_pass http://api;", "        proxy_http_version 1.1;",
                            "        proxy_set_header Connection \"\";", "        proxy_next_upstream error timeout;", "    }", "}"));
                    proxy = n;
                    spec = NginxRouterSpec.of("router", conf.toString(), Binaries.nginx().toString(),
                            List.of("-p", n.dir().toString(), "-e", n.dir().resolve("logs/error.log").toString(), "-c", n.configFile().toString()), null);
                    url = n.baseUrl();
                }
                case "haproxy" -> {
                    HaproxyRouter r0 = new HaproxyRouter("api", HaproxyRouterSpec.of("router", "api", "/x.sock", "api", "/x.cfg", null, null, null),
                            new LocalRouterHost(), commands, ConsoleLog.SILENT);
                    List<RouterTemplate.Server> servers = new ArrayList<>();
                    for (int i = 0; i < perColour; i++) {
                        servers.add(new RouterTemplate.Server("blue-" + (i + 1), blueUps.get(i), false));
                    }
                    for (int i = 0; i < perColour; i++) {
                        servers.add(new RouterTemplate.Server("green-" + (i + 1), greenUps.get(i), true));
                    }
                    HaproxyFixture h = HaproxyFixture.create(String.join("\n", "frontend fe_main", "    bind 127.0.0.1:@PORT@", "    default_backend api", "",
                            r0.renderBlock("blue", servers)));
                    proxy = h;
                    spec = HaproxyRouterSpec.of("router", "api", h.adminSocket().toString(), "api", h.configFile().toString(),
                            Binaries.haproxy().toString(), null, null);
                    url = h.baseUrl();
                }
                default -> throw new IllegalArgumentException("--router nginx or haproxy, not " + kind);
            }
            URI health = URI.create(url + "/health");
            TrafficRouter router = spec.create("api", new LocalRouterHost(), commands, ConsoleLog.SILENT);
            BlueGreenSwitcher switcher = new BlueGreenSwitcher(router, new LocalRouterHost(), ConsoleLog.SILENT, new Masker());
            List<ColourSpec> colours = List.of(new ColourSpec("blue", blueUps, null), new ColourSpec("green", greenUps, null));

            String instances = green.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining("|"));
            prometheus = PrometheusFixture.create(green.stream().map(s -> "127.0.0.1:" + s.port()).toList());
            for (MetricsHttpServer s : green) {
                Thread t = new Thread(() -> {
                    HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api")).timeout(Duration.ofSeconds(2)).build();
                    while (users.get()) {
                        try {
                            c.send(req, HttpResponse.BodyHandlers.discarding());
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            // keep calling
                        }
                    }
                }, "bench-users");
                t.setDaemon(true);
                t.start();
                userThreads.add(t);
            }
            PrometheusFixture p = prometheus;
            String errors = "sum(rate(http_requests_total{status=\"500\",instance=~\"" + instances + "\"}[10s]))";
            Poll.until("Prometheus has green's request rate", Duration.ofSeconds(60),
                    () -> p.query("sum(rate(http_requests_total{instance=~\"" + instances + "\"}[10s])) > 0").size() == 1);
            CheckSpec.Prometheus check = CheckSpecs.prometheus("checks[0]", "error-rate", prometheus.baseUrl(), null, "error-rate",
                    "instance=~\"" + instances + "\"", "10s", null, 0.05, null, null);
            VerifyOptions watch = VerifyOptions.ofSeconds(10, interval, 2, 600, 1, threshold).withWatch(120, 1000, 4, 0);
            Rollbacker rollbacker = new Rollbacker(new DockerClient(commands), new LocalDeployFiles(dir), new LocalRouterHost(), commands,
                    ConsoleLog.SILENT, new Masker());
            List<Round> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                switcher.switchTo(request("blue", blueUps, "1.0.0", health, samples), SwitchOptions.defaults());
                green.forEach(s -> s.errorRate(0));
                Poll.until("green's error rate back to 0 in Prometheus", Duration.ofSeconds(60), () -> p.query(errors + " > 0").isEmpty());
                SwitchResult sw = switcher.switchTo(request("green", greenUps, "2.0.0", health, samples), SwitchOptions.defaults());
                Deployment.Switched recorded = new Deployment.Switched("api", spec, colours, health, "$.version", Duration.ofSeconds(30), samples,
                        sw.from(), sw.to(), "2.0.0", Instant.now());
                Path wrkOut = dir.resolve("wrk-" + round + ".txt");
                Process load = new ProcessBuilder(wrk.toString(), "-t", "2", "-c", Integer.toString(connections), "-d", "300s", "--timeout", "5s", url + "/")
                        .redirectErrorStream(true).redirectOutput(wrkOut.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                List<String> lines = Collections.synchronizedList(new ArrayList<>());
                ConsoleLog watchLog = new ConsoleLog() {
                    @Override
                    public void info(String line) {
                        lines.add(line);
                    }

                    @Override
                    public void warn(String line) {
                        lines.add(line);
                    }
                };
                HealthVerifier verifier = new HealthVerifier(new DirectProbeRunner(commands), watchLog, new Masker());
                Instant watchStart = Instant.now();
                CompletableFuture<HealthReport> watching = CompletableFuture.supplyAsync(() -> {
                    try {
                        return verifier.run(List.of(check), watch);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Poll.until("two good measurements", Duration.ofSeconds(30), () -> {
                    synchronized (lines) {
                        return lines.stream().anyMatch(l -> l.contains("error-rate measurement 2:") && l.endsWith("PASSED"));
                    }
                });
                Instant flip = Instant.now();
                green.forEach(s -> s.errorRate(0.5));
                HealthReport report = watching.get(120, TimeUnit.SECONDS);
                Instant detected = Instant.now();
                if (report.healthy()) {
                    throw new IllegalStateException("the watch passed: " + report.checks());
                }
                Incident incident = Incident.fromReport(report, watchStart, detected);
                RollbackReport r = new AutoRollback(List.of(recorded), incident, new RollbackOptions(null, null, null, null, true, null), null, null, null,
                        "bench").run(rollbacker, ConsoleLog.SILENT, new Masker(), Clock.systemUTC());
                if (r.status() != RollbackReport.Status.ROLLED_BACK) {
                    throw new IllegalStateException("not rolled back: " + r.summaryLine());
                }
                TimeUnit.SECONDS.sleep(1); // load after the switch back
                new ProcessBuilder("kill", "-INT", Long.toString(load.pid())).start().waitFor();
                if (!load.waitFor(30, TimeUnit.SECONDS)) {
                    load.destroyForcibly();
                    throw new IllegalStateException("wrk did not stop");
                }
                String out = Files.readString(wrkOut);
                long requests = find(REQUESTS, out);
                double rps = Double.parseDouble(matchText(RPS, out, "0"));
                long failed = find(NON_2XX, out);
                Matcher m = SOCKET.matcher(out);
                if (m.find()) {
                    for (int g = 1; g <= 4; g++) {
                        failed += Long.parseLong(m.group(g));
                    }
                }
                Round res = new Round(Duration.between(flip, incident.firstFailureAt()).toMillis(), r.detection().toMillis(), r.rollbackTime().toMillis(),
                        r.timeToRestore().toMillis(), requests, rps, failed);
                results.add(res);
                System.out.printf(Locale.ROOT, "  round %d: time to restore %d ms = detection %d ms + rollback %d ms; (error-rate above threshold %d ms after "
                                + "the fault); load %d requests, %.0f req/s, failed %d%n", round, res.timeToRestoreMs(), res.detectionMs(), res.rollbackMs(),
                        res.flipToFirstFailureMs(), res.requests(), res.rps(), res.failed());
            }
            report(kind, interval, threshold, connections, latencyMs, perColour, samples, results);
        } finally {
            users.set(false);
            userThreads.forEach(Thread::interrupt);
            if (prometheus != null) {
                prometheus.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            for (MetricsHttpServer s : blue) {
                s.close();
            }
            for (MetricsHttpServer s : green) {
                s.close();
            }
            Testbed.deleteRecursively(dir);
        }
    }

    private static SwitchRequest request(String colour, List<TrafficRouter.Upstream> ups, String version, URI health, int samples) {
        return new SwitchRequest("api", colour, ups, health, version, "$.version", Duration.ofSeconds(30), samples);
    }

    private static void report(String kind, int interval, int threshold, int connections, int latencyMs, int perColour, int samples, List<Round> rs) {
        System.out.printf(Locale.ROOT, "rollback (%s): %d rounds; watch every %d s, %d failures in a row; switch back verified by %d samples in a row; "
                + "%d servers per colour (backend latency %d ms)%n", kind, rs.size(), interval, threshold, samples, perColour, latencyMs);
        System.out.printf(Locale.ROOT, "  time to restore (first failing measurement -> old colour verified serving): median %d ms, max %d ms (goal <= 5000 ms)%n",
                median(rs.stream().mapToLong(Round::timeToRestoreMs).toArray()), rs.stream().mapToLong(Round::timeToRestoreMs).max().orElse(0));
        System.out.printf(Locale.ROOT, "    detection (threshold of %d at %d s): median %d ms; rollback (detection -> verified): median %d ms, max %d ms%n", threshold,
                interval, median(rs.stream().mapToLong(Round::detectionMs).toArray()), median(rs.stream().mapToLong(Round::rollbackMs).toArray()),
                rs.stream().mapToLong(Round::rollbackMs).max().orElse(0));
        System.out.printf(Locale.ROOT, "    before that, the fault shows in the 10 s error rate after: median %d ms (Prometheus scrape 1 s)%n",
                median(rs.stream().mapToLong(Round::flipToFirstFailureMs).toArray()));
        long requests = rs.stream().mapToLong(Round::requests).sum();
        long failed = rs.stream().mapToLong(Round::failed).sum();
        System.out.printf(Locale.ROOT, "  load through the router (wrk -t 2 -c %d, keep-alive) around each rollback switch: %d requests, %.0f-%.0f req/s; failed or "
                        + "non-2xx: %d => %s%n", connections, requests, rs.stream().mapToDouble(Round::rps).min().orElse(0),
                rs.stream().mapToDouble(Round::rps).max().orElse(0), failed, failed == 0 ? "0 dropped" : "DROPPED " + failed);
        System.out.printf(Locale.ROOT, "  all time-to-restore: %s%n", Arrays.toString(rs.stream().mapToLong(Round::timeToRestoreMs).toArray()));
        System.out.printf(Locale.ROOT, "  machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"));
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String matchText(Pattern p, String text, String dflt) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : dflt;
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    private static int intArg(String[] args, String name, int dflt) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(dflt)));
    }
}
