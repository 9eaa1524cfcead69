package io.jenkins.plugins.squaddeploy.bench;

import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.health.DirectProbeRunner;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.health.HealthVerifier;
import io.jenkins.plugins.squaddeploy.engine.health.VerifyOptions;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Do N concurrent HTTP checks take about as long as one? N endpoints on loopback each answer the
 * seed /health JSON after a fixed latency; we time verifyHealth with 1 check and with N checks
 * (every check with its JSON expectations) over several rounds and report medians and the ratio.
 * The endpoints are served by {@link SlowHttpServer}, a thread-per-connection server: the JDK's
 * built-in HttpServer serialises request handling on one dispatcher thread (about 3 ms per request
 * here), which would measure the server, not verifyHealth.
 */
public final class VerifyConcurrencyBenchmark {
    private VerifyConcurrencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int checks = intArg(args, "--checks", 20);
        int latencyMs = intArg(args, "--latency-ms", 200);
        int rounds = intArg(args, "--rounds", 15);
        byte[] body = "{\"status\":\"healthy\",\"version\":\"1.0.0\",\"services\":{\"postgres\":\"connected\",\"redis\":\"connected\"}}"
                .getBytes(StandardCharsets.UTF_8);
        SlowHttpServer server = new SlowHttpServer(latencyMs, body);
        try {
            String base = "http://127.0.0.1:" + server.port();
            HealthVerifier verifier = new HealthVerifier(new DirectProbeRunner(new LocalCommandRunner()), ConsoleLog.SILENT, new Masker());
            VerifyOptions options = VerifyOptions.ofSeconds(1, 0, 10, 60, 1, 0);
            List<CheckSpec> one = specs(base, 1);
            List<CheckSpec> many = specs(base, checks);
            // warm-up: JIT, HTTP client pool, server threads
            for (int i = 0; i < 3; i++) {
                run(verifier, one, options);
                run(verifier, many, options);
            }
            long[] single = new long[rounds];
            long[] concurrent = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                single[i] = run(verifier, one, options);
                concurrent[i] = run(verifier, many, options);
            }
            double medOne = median(single);
            double medMany = median(concurrent);
            System.out.printf("verify-concurrency: endpoint latency %d ms, %d rounds%n", latencyMs, rounds);
            System.out.printf("  1 check:   median %.1f ms (min %.1f, max %.1f)%n", medOne, min(single), max(single));
            System.out.printf("  %d checks: median %.1f ms (min %.1f, max %.1f)%n", checks, medMany, min(concurrent), max(concurrent));
            System.out.printf("  ratio %d checks / 1 check: %.3f (target <= 1.2)%n", checks, medMany / medOne);
            System.out.printf("  machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
        } finally {
            server.close();
        }
    }

    private static List<CheckSpec> specs(String base, int n) {
        List<CheckSpec> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(CheckSpecs.http("checks[" + i + "]", "api-" + i, base + "/health/" + i, List.of(200),
                    List.of("$.status == 'healthy'", "$.services.* in ['connected', 'healthy']"), Map.of(), null, null));
        }
        return list;
    }

    private static long run(HealthVerifier verifier, List<CheckSpec> specs, VerifyOptions options) throws InterruptedException {
        long start = System.nanoTime();
        HealthReport r = verifier.verify(specs, options.withProgressEvery(Duration.ofMinutes(1)));
        long took = System.nanoTime() - start;
        if (!r.healthy()) {
            throw new IllegalStateException("benchmark endpoint unhealthy: " + r.failureSummary());
        }
        return took;
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1e6;
    }

    private static double min(long[] nanos) {
        return Arrays.stream(nanos).min().orElse(0) / 1e6;
    }

    private static double max(long[] nanos) {
        return Arrays.stream(nanos).max().orElse(0) / 1e6;
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
