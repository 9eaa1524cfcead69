package io.jenkins.plugins.squaddeploy.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A throwaway Prometheus 2.42 on 127.0.0.1:{@link #port()} with its TSDB in the work dir, 1 s scrape and
 * evaluation interval, and {@code --web.enable-lifecycle} so {@link #reload(String)} can POST
 * {@code /-/reload} (synchronous: it answers after the new config is applied, 500 if it is invalid).
 * Config placeholders: {@code @PORT@}, {@code @DIR@} (rule files can be written there with
 * {@link #writeFile}).
 *
 * <p>Timing: Prometheus 2.42 hands targets to the scrape loop at most every 5 s, so the first sample of a
 * target (and of a target added by a reload) appears about 5 s after start; poll, with a deadline.
 */
public final class PrometheusFixture extends ServerFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PrometheusFixture(String configTemplate) {
        super("prometheus");
        writeFile("prometheus.yml", expand(configTemplate));
        writeFile("data/.keep", "");
    }

    /** Config scraping {@code targets} ("127.0.0.1:port") every second as job "squad" (metrics path /metrics). */
    public static String configFor(List<String> targets) {
        return configFor("squad", targets);
    }

    /** Config scraping {@code targets} ("127.0.0.1:port") every second as job {@code job} (metrics path /metrics). */
    public static String configFor(String job, List<String> targets) {
        String list = targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
        return String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: " + job,
                "    metrics_path: /metrics",
                "    static_configs:",
                "      - targets: [" + list + "]",
                "");
    }

    /** A running Prometheus scraping {@code targets}. */
    public static PrometheusFixture create(List<String> targets) {
        return createWithConfig(configFor(targets));
    }

    /** A running Prometheus with a full prometheus.yml template. */
    public static PrometheusFixture createWithConfig(String configTemplate) {
        Binaries.prometheus();
        PrometheusFixture p = new PrometheusFixture(configTemplate);
        try {
            p.start();
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Instant query via /api/v1/query; returns {@code data.result} (an array). */
    public JsonNode query(String promql) throws IOException {
        Http.Response r = Http.get(baseUrl() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        JsonNode body = JSON.readTree(r.body());
        if (r.status() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IOException("query '" + promql + "' failed: HTTP " + r.status() + " " + r.body());
        }
        return body.path("data").path("result");
    }

    /** Replaces prometheus.yml and applies it through the lifecycle API. */
    public synchronized void reload(String configTemplate) throws IOException {
        writeFile("prometheus.yml", expand(configTemplate));
        Http.Response r = Http.post(baseUrl() + "/-/reload", "", Duration.ofSeconds(30));
        if (r.status() != 200) {
            throw new IOException("reload failed: HTTP " + r.status() + " " + r.body());
        }
    }

    @Override
    protected List<String> command() {
        return List.of(Binaries.prometheus().toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-lifecycle",
                "--storage.tsdb.retention.time=1h",
                "--log.level=info");
    }

    @Override
    protected boolean probeReady() throws IOException {
        return Http.get(baseUrl() + "/-/ready", Duration.ofSeconds(2)).status() == 200;
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(90);
    }
}
