package io.jenkins.plugins.squaddeploy.bench;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterTemplate;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchOptions;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchRequest;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.HaproxyFixture;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.ServerFixture;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./squad bench switch-nginx | switch-haproxy | switch-haproxy-reload}: under sustained load through the
 * router (wrk on loopback, bounded duration), N consecutive blue-green switches, each verified through the
 * router as the step does it. Reports wrk's failed and non-2xx requests over the whole run (target 0) and the
 * switch latency (switchTo start → the last of {@code --samples} consecutive samples reported the new version):
 * median and p95, target median ≤ 250 ms (HAProxy; nginx ≤ 500 ms: its verification must span 0.3 s after the reload).
 *
 * <p>The colours are small keep-alive Java HTTP servers ({@link SlowHttpServer}) on 127.0.0.1, two per colour,
 * with a fixed latency that bounds the load (connections / latency): the busybox sample service forks a shell
 * per request and would measure itself, not the router. Both colours stay up the whole time, as in a real
 * blue-green switch; the routers are what is measured.
 */
public final class SwitchBenchmark {
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(\\w+)");
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private SwitchBenchmark() {
    }

    public static void main(String kind, String[] args) throws Exception {
        int switches = intArg(args, "--switches", 20);
        int connections = intArg(args, "--connections", 12);
        int latencyMs = intArg(args, "--backend-latency-ms", 5);
        int pauseMs = intArg(args, "--pause-ms", 500);
        int samples = intArg(args, "--samples", 10);
        int perColour = intArg(args, "--servers-per-colour", 2);
        boolean clientKeepAlive = !"off".equals(stringArg(args, "--client-keepalive", "on"));
        Path wrk = Binaries.require("wrk", "wrk", "/usr/bin/wrk");
        Path dir = Testbed.newWorkDir("bench-switch");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<SlowHttpServer> backends = new ArrayList<>();
        ServerFixture proxy = null;
        try {
            List<List<TrafficRouter.Upstream>> colours = new ArrayList<>();
            String[] versions = {"1.0.0", "2.0.0"};
            for (String v : versions) {
                List<TrafficRouter.Upstream> ups = new ArrayList<>();
                for (int i = 0; i < perColour; i++) {
                    SlowHttpServer s = new SlowHttpServer(latencyMs,
                            ("{\"service\":\"bench\",\"status\":\"healthy\",\"version\":\"" + v + "\"}").getBytes(StandardCharsets.UTF_8));
                    backends.add(s);
                    ups.add(new TrafficRouter.Upstream("127.0.0.1", s.port()));
                }
                colours.add(ups);
            }
            String[] names = {"blue", "green"};
            TrafficRouter router;
            String url;
            LocalCommandRunner commands = new LocalCommandRunner();
            switch (kind) {
                case "nginx" -> {
                    Path conf = dir.resolve("api-upstream.conf");
                    NginxRouterSpec spec0 = NginxRouterSpec.of("router", conf.toString(), Binaries.nginx().toString(), List.of(), null);
                    Files.writeString(conf, new NginxRouter("api", spec0, new LocalRouterHost(), commands, ConsoleLog.SILENT)
                            .render(names[0], colours.get(0)));
                    NginxFixture n = NginxFixture.create(String.join("\n",
                            "include " + conf + ";",
                            "server {",
                            "    listen 127.0.0.1:@PORT@;",
                            clientKeepAlive ? "" : "    keepalive_timeout 0;",
                            "    location / {",
                            "        proxy_pass http://api;",
                            "        proxy_http_version 1.1;",
                            "        proxy_set_header Connection \"\";",
                            "        proxy_next_upstream error timeout;",
                            "    }",
                            "}"));
                    proxy = n;
                    NginxRouterSpec spec = NginxRouterSpec.of("router", conf.toString(), Binaries.nginx().toString(),
                            List.of("-p", n.dir().toString(), "-e", n.dir().resolve("logs/error.log").toString(), "-c", n.configFile().toString()), null);
                    router = new NginxRouter("api", spec, new LocalRouterHost(), commands, ConsoleLog.SILENT);
                    url = n.baseUrl();
                }
                case "haproxy" -> {
                    HaproxyRouter r0 = new HaproxyRouter("api", HaproxyRouterSpec.of("router", "api", "/x.sock", "api", "/x.cfg", null, null, null),
                            new LocalRouterHost(), commands, ConsoleLog.SILENT);
                    List<RouterTemplate.Server> servers = new ArrayList<>();
                    for (int c = 0; c < 2; c++) {
                        for (int i = 0; i < perColour; i++) {
                            servers.add(new RouterTemplate.Server(names[c] + "-" + (i + 1), colours.get(c).get(i), c != 0));
                        }
                    }
                    HaproxyFixture h = HaproxyFixture.create(String.join("\n", "frontend fe_main", "    bind 127.0.0.1:@PORT@",
                            "    default_backend api", "", r0.renderBlock(names[0], servers)));
                    proxy = h;
                    router = new HaproxyRouter("api", HaproxyRouterSpec.of("router", "api", h.adminSocket().toString(), "api",
                            h.configFile().toString(), Binaries.haproxy().toString(), null, null), new LocalRouterHost(), commands, ConsoleLog.SILENT);
                    url = h.baseUrl();
                }
                case "haproxy-reload" -> {
                    HaproxyFixture h = HaproxyFixture.create(String.join("\n", "frontend fe_main", "    bind 127.0.0.1:@PORT@",
                            "    default_backend api", "", HaproxyReloadRouter.render(names[0], colours.get(0))));
                    proxy = h;
                    router = new HaproxyReloadRouter(h.configFile().toString(), List.of(Binaries.haproxy().toString(), "-f", h.configFile().toString()),
                            h.pid(), commands);
                    url = h.baseUrl();
                }
                default -> throw new IllegalArgumentException("unknown router " + kind);
            }
            BlueGreenSwitcher switcher = new BlueGreenSwitcher(router, new LocalRouterHost(), ConsoleLog.SILENT, new Masker());
            SwitchOptions options = SwitchOptions.defaults().withForce(false);
            // warm-up: JIT, HTTP client, backends' keep-alive connections
            for (int i = 0; i < 4; i++) {
                int c = (i + 1) % 2;
                switcher.switchTo(request(names[c], colours.get(c), versions[c], url, samples), options);
            }
            int seconds = Math.max(10, (int) Math.ceil(switches * (pauseMs + 400) / 1000.0) + 6);
            Path wrkOut = dir.resolve("wrk.txt");
            Process load = new ProcessBuilder(wrk.toString(), "-t", "2", "-c", Integer.toString(connections), "-d", seconds + "s", "--timeout", "5s",
                    url + "/")
                    .redirectErrorStream(true).redirectOutput(wrkOut.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            long[] latencies = new long[switches];
            try {
                TimeUnit.SECONDS.sleep(2); // load is up before the first switch
                for (int i = 0; i < switches; i++) {
                    int c = i % 2; // the warm-up ended on blue
                    int to = (c + 1) % 2;
                    SwitchResult r = switcher.switchTo(request(names[to], colours.get(to), versions[to], url, samples), options);
                    latencies[i] = r.switchMillis();
                    TimeUnit.MILLISECONDS.sleep(pauseMs);
                }
                if (!load.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("wrk did not finish");
                }
            } finally {
                if (load.isAlive()) {
                    load.destroyForcibly();
                }
            }
            String out = Files.readString(wrkOut);
            report(kind + (clientKeepAlive ? "" : " (keepalive_timeout 0)"), switches, samples, connections, latencyMs, perColour, latencies, out);
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            for (SlowHttpServer s : backends) {
                s.close();
            }
            Testbed.deleteRecursively(dir);
        }
    }

    private static SwitchRequest request(String colour, List<TrafficRouter.Upstream> ups, String version, String url, int samples) {
        return new SwitchRequest("api", colour, ups, URI.create(url + "/health"), version, "$.version", Duration.ofSeconds(30), samples);
    }

    private static void report(String kind, int switches, int samples, int connections, int latencyMs, int perColour, long[] latencies, String wrk) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
        long p95 = sorted[(int) Math.ceil(0.95 * sorted.length) - 1];
        long requests = find(REQUESTS, wrk, 1);
        String rps = matchText(RPS, wrk);
        long non2xx = find(NON_2XX, wrk, 1);
        Matcher s = SOCKET.matcher(wrk);
        long connect = 0;
        long read = 0;
        long write = 0;
        long timeout = 0;
        if (s.find()) {
            connect = Long.parseLong(s.group(1));
            read = Long.parseLong(s.group(2));
            write = Long.parseLong(s.group(3));
            timeout = Long.parseLong(s.group(4));
        }
        System.out.printf(Locale.ROOT, "switch-%s: %d switches under load, %d consecutive samples each, %d servers per colour (backend latency %d ms)%n",
                kind, switches, samples, perColour, latencyMs);
        System.out.printf(Locale.ROOT, "  load (wrk -t 2 -c %d, HTTP/1.1 keep-alive client): %d requests, %s req/s%n", connections, requests, rps);
        System.out.printf(Locale.ROOT, "  failed requests: connect %d, read %d, write %d, timeout %d; non-2xx: %d  => %s%n", connect, read, write, timeout,
                non2xx, connect + read + write + timeout + non2xx == 0 ? "0 dropped" : "DROPPED " + (connect + read + write + timeout + non2xx));
        System.out.printf(Locale.ROOT, "  switch latency: median %.0f ms, p95 %d ms, min %d ms, max %d ms (target median <= %s)%n",
                median, p95, sorted[0], sorted[sorted.length - 1], kind.startsWith("nginx") ? "500 ms, 0.3 s of it the settle time" : "250 ms");
        System.out.printf(Locale.ROOT, "  all: %s%n", Arrays.toString(latencies));
        System.out.printf(Locale.ROOT, "  machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
        if (!wrk.contains("Requests/sec")) {
            System.out.println(wrk);
        }
    }

    private static long find(Pattern p, String text, int group) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(group)) : 0;
    }

    private static String matchText(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "?";
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
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }
}
