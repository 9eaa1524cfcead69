package io.jenkins.plugins.squaddeploy.engine.traffic;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One verification sample: GET the public health URL through the router and read the version at a JSONPath.
 * Answers are at most 64 KiB. Runs where the router's clients are (this JVM in the CLI, the agent in Jenkins).
 */
public final class VersionProbe {
    private static final int MAX_BODY = 64 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "squad-switch-http");
                t.setDaemon(true);
                return t;
            }))
            .build();
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "squad-switch-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonProvider(JSON))
            .mappingProvider(new JacksonMappingProvider(JSON))
            .build();

    private VersionProbe() {
    }

    public static VersionSample sample(String url, String versionPath, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
                .header("User-Agent", "squad-deploy-blueGreenSwitch")
                .header("Accept", "application/json, */*;q=0.5")
                .header("Cache-Control", "no-cache")
                .build();
        CompletableFuture<HttpResponse<InputStream>> f = HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new VersionSample(0, null, "no answer within " + BlueGreenSwitcher.seconds(timeout), millisSince(start));
        } catch (ExecutionException e) {
            return new VersionSample(0, null, describe(e.getCause(), URI.create(url)), millisSince(start));
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
        int status = response.statusCode();
        byte[] body;
        InputStream in = response.body();
        long left = Math.max(1, timeout.toMillis() - millisSince(start));
        java.util.concurrent.ScheduledFuture<?> guard = WATCHDOG.schedule(() -> closeQuietly(in), left, TimeUnit.MILLISECONDS);
        try {
            body = readLimited(in);
        } catch (IOException e) {
            return new VersionSample(status, null, "the body did not arrive within " + BlueGreenSwitcher.seconds(timeout), millisSince(start));
        } finally {
            guard.cancel(false);
            closeQuietly(in);
        }
        long latency = millisSince(start);
        if (body == null) {
            return new VersionSample(status, null, "body larger than " + MAX_BODY + " bytes", latency);
        }
        Object doc;
        try {
            doc = JSON.readValue(body, Object.class);
        } catch (IOException e) {
            return new VersionSample(status, null, "body is not JSON", latency);
        }
        try {
            Object v = JsonPath.compile(versionPath).read(doc, JSON_PATH);
            if (v == null) {
                return new VersionSample(status, null, "null at " + versionPath, latency);
            }
            if (v instanceof java.util.Map || v instanceof java.util.List) {
                return new VersionSample(status, null, "no single value at " + versionPath, latency);
            }
            return new VersionSample(status, String.valueOf(v), null, latency);
        } catch (PathNotFoundException e) {
            return new VersionSample(status, null, "no value at " + versionPath, latency);
        } catch (RuntimeException e) {
            return new VersionSample(status, null, "cannot read " + versionPath + ": " + e.getMessage(), latency);
        }
    }

    private static String describe(Throwable e, URI url) {
        String target = url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        for (Throwable cur = e; cur != null; cur = cur.getCause()) {
            if (cur instanceof HttpConnectTimeoutException) {
                return "connect timed out (" + target + ")";
            }
            if (cur instanceof HttpTimeoutException) {
                return "no answer in time (" + target + ")";
            }
            if (cur instanceof ConnectException) {
                return "connection refused (" + target + ")";
            }
        }
        String msg = e == null ? null : e.getMessage();
        return (msg == null ? (e == null ? "error" : e.getClass().getSimpleName()) : msg) + " (" + target + ")";
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_BODY) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
