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
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One verification sample: GET the public health URL through the router and read the version at a JSONPath.
 * Answers are at most 64 KiB. Runs where the router's clients are (this JVM in the CLI, the agent in Jenkins).
 */
public final class VersionProbe {
    private static final int MAX_BODY = 64 * 1024;
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

    /**
     * Each sample opens a new connection ({@code Connection: close}), as a new client would: after an nginx reload
     * the old workers keep accepting new connections for a moment (about 0.1 s here), and a reused connection can
     * already reach a new worker, so sampling over kept-alive connections could call a switch verified while new
     * clients still reach the old colour.
     */
    public static VersionSample sample(String url, String versionPath, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        java.net.HttpURLConnection c;
        int status;
        byte[] body;
        try {
            c = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection(java.net.Proxy.NO_PROXY);
            int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestProperty("Connection", "close");
            c.setRequestProperty("User-Agent", "squad-deploy-blueGreenSwitch");
            c.setRequestProperty("Accept", "application/json, */*;q=0.5");
            c.setRequestProperty("Cache-Control", "no-cache");
        } catch (IOException | IllegalArgumentException e) {
            return new VersionSample(0, null, describe(e, URI.create(url)), millisSince(start));
        }
        InputStream in = null;
        try {
            status = c.getResponseCode();
            in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            InputStream stream = in;
            long left = Math.max(1, timeout.toMillis() - millisSince(start));
            java.util.concurrent.ScheduledFuture<?> guard = WATCHDOG.schedule(c::disconnect, left, TimeUnit.MILLISECONDS);
            try {
                body = stream == null ? new byte[0] : readLimited(stream);
            } finally {
                guard.cancel(false);
            }
        } catch (java.net.SocketTimeoutException e) {
            return new VersionSample(0, null, "no answer within " + BlueGreenSwitcher.seconds(timeout), millisSince(start));
        } catch (IOException e) {
            return new VersionSample(0, null, describe(e, URI.create(url)), millisSince(start));
        } finally {
            if (in != null) {
                closeQuietly(in);
            }
            c.disconnect();
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
