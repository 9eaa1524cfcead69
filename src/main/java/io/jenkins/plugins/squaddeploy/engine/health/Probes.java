package io.jenkins.plugins.squaddeploy.engine.health;

import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of each kind of check, against the real thing: HTTP(S) with status and JSON
 * expectations, TCP connect, PostgreSQL (connect + {@code SELECT 1}, like pg_isready but
 * authenticated), Redis ({@code AUTH} + {@code PING} over RESP) and a command (exit 0).
 * Messages say what a person needs: the actual value, "connection refused", "timed out after 2 s".
 */
public final class Probes {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30))
            .executor(Executors.newCachedThreadPool(daemon("squad-http")))
            .build();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(daemon("squad-watchdog"));

    private Probes() {
    }

    /** Runs a network check (everything but commands). */
    public static ProbeOutcome network(CheckSpec spec, Duration timeout) throws InterruptedException {
        if (spec instanceof CheckSpec.Http h) {
            return http(h, timeout);
        } else if (spec instanceof CheckSpec.Tcp t) {
            return tcp(t, timeout);
        } else if (spec instanceof CheckSpec.Postgres p) {
            return postgres(p, timeout);
        } else if (spec instanceof CheckSpec.Redis r) {
            return redis(r, timeout);
        } else if (spec instanceof CheckSpec.Prometheus q) {
            return prometheus(q, timeout);
        }
        throw new IllegalArgumentException("not a network check: " + spec.kind());
    }

    public static ProbeOutcome http(CheckSpec.Http spec, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        HttpRequest.Builder req = HttpRequest.newBuilder(spec.url()).timeout(timeout).GET()
                .header("User-Agent", "squad-deploy-verifyHealth")
                .header("Accept", "application/json, */*;q=0.5");
        spec.headers().forEach(req::header);
        authorize(req, spec.credential());
        CompletableFuture<HttpResponse<InputStream>> future = HTTP.sendAsync(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return ProbeOutcome.fail("timed out after " + seconds(timeout) + " waiting for a response", millisSince(start));
        } catch (ExecutionException e) {
            return ProbeOutcome.fail(describeNetworkError(e.getCause(), spec.url().getHost() + ":" + port(spec), timeout), millisSince(start));
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
        byte[] body;
        InputStream in = response.body();
        ScheduledFuture<?> guard = WATCHDOG.schedule(() -> closeQuietly(in), Math.max(1, timeout.toMillis() - millisSince(start)), TimeUnit.MILLISECONDS);
        boolean needBody = !spec.expectations().isEmpty();
        try {
            body = readLimited(in, needBody ? spec.maxBodyBytes() : Math.min(spec.maxBodyBytes(), 4096));
            if (body == null && !needBody) {
                body = new byte[0]; // a status-only check does not care how large the page is
            }
        } catch (IOException e) {
            return ProbeOutcome.fail("HTTP " + response.statusCode() + " but the body did not arrive within " + seconds(timeout), millisSince(start));
        } finally {
            guard.cancel(false);
            closeQuietly(in);
        }
        long latency = millisSince(start);
        int status = response.statusCode();
        if (body == null) {
            return ProbeOutcome.fail("HTTP " + status + " with a body larger than " + spec.maxBodyBytes() + " bytes (maxBodyBytes)", latency);
        }
        boolean statusOk = spec.expectedStatus().contains(status);
        String head = "HTTP " + status + (statusOk ? "" : ", expected " + statusList(spec));
        if (spec.expectations().isEmpty()) {
            return statusOk ? ProbeOutcome.pass(head, latency) : ProbeOutcome.fail(head + snippet(body), latency);
        }
        Object document;
        try {
            document = JsonExpectation.LENIENT.readValue(body, Object.class);
        } catch (IOException e) {
            return ProbeOutcome.fail(head + (statusOk ? " but the body is not JSON" : "") + snippet(body), latency);
        }
        // Evaluated on a wrong status too: "HTTP 503, expected 200; $.status == 'healthy' failed: actual 'degraded'"
        // tells the person why the service says it is unhealthy.
        StringBuilder failures = new StringBuilder();
        for (JsonExpectation x : spec.expectations()) {
            String failure = x.check(document);
            if (failure != null) {
                failures.append("; ").append(failure);
            }
        }
        if (!statusOk || failures.length() > 0) {
            return ProbeOutcome.fail(head + failures, latency);
        }
        return ProbeOutcome.pass(head + ", " + spec.expectations().size() + " JSON expectation(s) met", latency);
    }

    /**
     * One instant query: {@code GET /api/v1/query}. Not reachable, an error status or an unreadable answer is
     * ERROR (could not measure); an empty result or NaN follows {@code noData}; each series' value is compared
     * with the thresholds and the worst one is reported.
     */
    public static ProbeOutcome prometheus(CheckSpec.Prometheus spec, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        URI uri = URI.create(spec.server().toString().replaceAll("/+$", "") + "/api/v1/query?query="
                + java.net.URLEncoder.encode(spec.query(), StandardCharsets.UTF_8));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).GET().header("Accept", "application/json");
        authorize(req, spec.credential());
        CompletableFuture<HttpResponse<byte[]>> future = HTTP.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return ProbeOutcome.error("Prometheus did not answer within " + seconds(timeout), millisSince(start));
        } catch (ExecutionException e) {
            return ProbeOutcome.error("Prometheus unreachable: " + describeNetworkError(e.getCause(), spec.server().getHost() + ":" + spec.server().getPort(), timeout), millisSince(start));
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
        long latency = millisSince(start);
        java.util.Map<?, ?> answer;
        try {
            answer = JsonExpectation.LENIENT.readValue(response.body(), java.util.Map.class);
        } catch (IOException e) {
            return ProbeOutcome.error("Prometheus answered HTTP " + response.statusCode() + " with a body that is not JSON" + snippet(response.body()), latency);
        }
        if (!"success".equals(answer.get("status"))) {
            if (answer.get("status") == null) { // not a Prometheus API answer (a proxy, another service on that port)
                return ProbeOutcome.error("Prometheus answered HTTP " + response.statusCode() + " with JSON that is not a query result (no \"status\")"
                        + snippet(response.body()), latency);
            }
            return ProbeOutcome.error("Prometheus query failed: " + answer.get("errorType") + ": " + answer.get("error"), latency);
        }
        java.util.List<Double> values = new java.util.ArrayList<>();
        Object data = answer.get("data");
        if (data instanceof java.util.Map<?, ?> d) {
            Object result = d.get("result");
            if ("scalar".equals(d.get("resultType")) && result instanceof java.util.List<?> pair) {
                values.add(sampleValue(pair));
            } else if (result instanceof java.util.List<?> series) {
                for (Object o : series) {
                    if (o instanceof java.util.Map<?, ?> m && m.get("value") instanceof java.util.List<?> pair) {
                        values.add(sampleValue(pair));
                    }
                }
            }
        }
        values.removeIf(v -> v == null || v.isNaN());
        if (values.isEmpty()) {
            String what = "no data for the query (noData: " + spec.noData().name().toLowerCase(java.util.Locale.ROOT) + ")";
            return switch (spec.noData()) {
                case PASS -> new ProbeOutcome(ProbeOutcome.Status.PASSED, what, latency, null);
                case INCONCLUSIVE -> new ProbeOutcome(ProbeOutcome.Status.INCONCLUSIVE, what, latency, null);
                default -> new ProbeOutcome(ProbeOutcome.Status.FAILED, what, latency, null);
            };
        }
        Double worst = null;
        for (double v : values) {
            boolean bad = (spec.max() != null && v > spec.max()) || (spec.min() != null && v < spec.min());
            if (bad && (worst == null || distance(spec, v) > distance(spec, worst))) {
                worst = v;
            }
        }
        if (worst != null) {
            return new ProbeOutcome(ProbeOutcome.Status.FAILED, "value " + number(worst) + ", threshold " + spec.threshold()
                    + (values.size() > 1 ? " (" + values.size() + " series)" : ""), latency, worst);
        }
        double shown = spec.max() != null ? values.stream().mapToDouble(Double::doubleValue).max().orElse(0) : values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return new ProbeOutcome(ProbeOutcome.Status.PASSED, "value " + number(shown) + ", threshold " + spec.threshold()
                + (values.size() > 1 ? " (" + values.size() + " series)" : ""), latency, shown);
    }

    private static Double sampleValue(java.util.List<?> pair) {
        if (pair.size() < 2 || pair.get(1) == null) {
            return null;
        }
        try {
            return Double.valueOf(pair.get(1).toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static double distance(CheckSpec.Prometheus spec, double v) {
        if (spec.max() != null && v > spec.max()) {
            return v - spec.max();
        }
        return spec.min() != null ? spec.min() - v : 0;
    }

    /** A measured number as a person reads it: up to 4 significant decimals, no exponent for usual values. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static void authorize(HttpRequest.Builder req, Credential c) {
        if (c == null) {
            return;
        }
        if (c.hasUsername()) {
            String basic = Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
            req.header("Authorization", "Basic " + basic);
        } else {
            req.header("Authorization", "Bearer " + c.secret());
        }
    }

    public static ProbeOutcome tcp(CheckSpec.Tcp spec, Duration timeout) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(spec.host(), spec.port()), timeoutMillis(timeout));
            return ProbeOutcome.pass("connected", millisSince(start));
        } catch (IOException e) {
            return ProbeOutcome.fail(describeNetworkError(e, spec.target(), timeout), millisSince(start));
        }
    }

    public static ProbeOutcome postgres(CheckSpec.Postgres spec, Duration timeout) {
        long start = System.nanoTime();
        Properties props = new Properties();
        Credential c = spec.credential();
        if (c != null) {
            if (c.hasUsername()) {
                props.setProperty("user", c.username());
            }
            props.setProperty("password", c.secret());
        }
        int secs = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        props.setProperty("connectTimeout", String.valueOf(secs));
        props.setProperty("loginTimeout", String.valueOf(secs));
        props.setProperty("socketTimeout", String.valueOf(secs));
        props.setProperty("ApplicationName", "squad-deploy verifyHealth");
        String url = "jdbc:postgresql://" + hostForUrl(spec.host()) + ":" + spec.port() + "/" + spec.database();
        try (Connection conn = DriverManager.getConnection(url, props);
             Statement st = conn.createStatement()) {
            st.setQueryTimeout(secs);
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                if (rs.next() && rs.getInt(1) == 1) {
                    return ProbeOutcome.pass("SELECT 1 answered", millisSince(start));
                }
                return ProbeOutcome.fail("SELECT 1 returned no row", millisSince(start));
            }
        } catch (SQLException e) {
            return ProbeOutcome.fail(describePostgresError(e, spec.target(), timeout), millisSince(start));
        }
    }

    public static ProbeOutcome redis(CheckSpec.Redis spec, Duration timeout) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(spec.host(), spec.port()), timeoutMillis(timeout));
            s.setSoTimeout((int) Math.max(1, timeout.toMillis() - millisSince(start)));
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            Credential c = spec.credential();
            if (c != null) {
                String reply = c.hasUsername() ? resp(out, in, "AUTH", c.username(), c.secret()) : resp(out, in, "AUTH", c.secret());
                if (!reply.startsWith("+OK")) {
                    return ProbeOutcome.fail("authentication failed: " + redisError(reply), millisSince(start));
                }
            }
            String pong = resp(out, in, "PING");
            if (pong.startsWith("+PONG")) {
                return ProbeOutcome.pass("PONG", millisSince(start));
            }
            if (pong.startsWith("-NOAUTH")) {
                return ProbeOutcome.fail("Redis requires a password and the check has no credentialsId", millisSince(start));
            }
            return ProbeOutcome.fail("PING answered " + redisError(pong), millisSince(start));
        } catch (IOException e) {
            return ProbeOutcome.fail(describeNetworkError(e, spec.target(), timeout), millisSince(start));
        }
    }

    public static ProbeOutcome command(CheckSpec.Command spec, Duration timeout, CommandRunner runner) throws InterruptedException {
        long start = System.nanoTime();
        CommandResult r;
        try {
            r = runner.run(new CommandRequest(spec.argv(), spec.env(), null, timeout));
        } catch (IOException e) {
            return ProbeOutcome.fail("could not start " + spec.argv().get(0) + ": " + e.getMessage(), millisSince(start));
        }
        if (r.timedOut()) {
            return ProbeOutcome.fail("timed out after " + seconds(timeout) + " and was killed", r.elapsedMs());
        }
        String last = r.lastLine();
        if (r.exitCode() == 0) {
            return ProbeOutcome.pass("exit 0" + (last.isEmpty() ? "" : ": " + cut(last, 160)), r.elapsedMs());
        }
        return ProbeOutcome.fail("exit " + r.exitCode() + (last.isEmpty() ? "" : ": " + cut(last, 160)), r.elapsedMs());
    }

    /** Sends one RESP command and returns the first reply line (e.g. {@code +PONG}, {@code -WRONGPASS ...}). */
    private static String resp(OutputStream out, InputStream in, String... args) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        buf.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            buf.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            buf.write(b);
            buf.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(buf.toByteArray());
        out.flush();
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0) {
            if (ch == '\n') {
                break;
            }
            if (ch != '\r') {
                line.append((char) ch);
            }
            if (line.length() > 4096) {
                break;
            }
        }
        if (ch < 0 && line.length() == 0) {
            throw new IOException("Redis closed the connection");
        }
        return line.toString();
    }

    private static String redisError(String reply) {
        return reply.startsWith("-") ? reply.substring(1) : "unexpected reply " + JsonExpectation.render(reply);
    }

    static String describeNetworkError(Throwable e, String target, Duration timeout) {
        Throwable cur = e;
        while (cur != null) {
            if (cur instanceof HttpConnectTimeoutException) {
                return "connect timed out (" + target + ")";
            }
            if (cur instanceof SocketTimeoutException) {
                return "timed out after " + seconds(timeout) + " (" + target + ")";
            }
            if (cur instanceof HttpTimeoutException) {
                return "timed out after " + seconds(timeout) + " waiting for a response";
            }
            if (cur instanceof ConnectException) {
                return "connection refused (" + target + ")";
            }
            if (cur instanceof UnknownHostException) {
                return "unknown host (" + target + ")";
            }
            cur = cur.getCause();
        }
        String msg = e.getMessage();
        return (msg == null ? e.getClass().getSimpleName() : msg) + " (" + target + ")";
    }

    private static String describePostgresError(SQLException e, String target, Duration timeout) {
        Throwable cur = e;
        while (cur != null) {
            if (cur instanceof ConnectException) {
                return "connection refused (" + target + ")";
            }
            if (cur instanceof SocketTimeoutException) {
                return "timed out after " + seconds(timeout) + " (" + target + ")";
            }
            cur = cur.getCause();
        }
        String state = e.getSQLState();
        String msg = e.getMessage() == null ? "error" : e.getMessage().lines().findFirst().orElse("error");
        if ("28P01".equals(state) || "28000".equals(state)) {
            return "authentication failed: " + msg;
        }
        return msg + (state == null ? "" : " (SQLSTATE " + state + ")");
    }

    /** Reads at most {@code limit} bytes; returns null when the body is larger. */
    private static byte[] readLimited(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            if (out.size() > limit) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static String snippet(byte[] body) {
        if (body.length == 0) {
            return "";
        }
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return s.isEmpty() ? "" : " (body: " + cut(s, 120) + ")";
    }

    private static String statusList(CheckSpec.Http spec) {
        return spec.expectedStatus().stream().sorted().map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse("?");
    }

    private static int port(CheckSpec.Http spec) {
        int p = spec.url().getPort();
        return p > 0 ? p : ("https".equalsIgnoreCase(spec.url().getScheme()) ? 443 : 80);
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    static String seconds(Duration d) {
        long tenths = Math.round(d.toMillis() / 100.0);
        return tenths % 10 == 0 ? (tenths / 10) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", tenths / 10.0);
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "…" : s;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
