package io.jenkins.plugins.squaddeploy.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance of a release for the rollback benchmark: an HTTP/1.1 keep-alive server on 127.0.0.1 (thread per
 * connection, like {@link SlowHttpServer}) with a fixed latency.
 * <ul>
 * <li>{@code /health}: 200 {@code {"status":"healthy","version":"<version>"}};</li>
 * <li>{@code /} (the load, through the router): always 200, never counted, so a failed request can only come from the
 * router or the switch;</li>
 * <li>{@code /api} (users of this instance): 500 for {@link #errorRate(double)} of the requests, spread evenly, counted in
 * {@code /metrics} as {@code http_requests_total{status=…}}, as the sample service counts them.</li>
 * </ul>
 */
final class MetricsHttpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final int latencyMs;
    private final String version;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong apiCalls = new AtomicLong();
    private volatile double errorRate;

    MetricsHttpServer(int latencyMs, String version) throws IOException {
        this.latencyMs = latencyMs;
        this.version = version;
        this.socket = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "bench-metrics-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Share of {@code /api} requests that answer 500 from now on (0 to 1). */
    void errorRate(double rate) {
        this.errorRate = rate;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "bench-metrics-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            String path;
            while ((path = readPath(in)) != null) {
                int status = 200;
                String type = "application/json";
                String body;
                if (path.startsWith("/metrics")) {
                    type = "text/plain; version=0.0.4";
                    body = "# TYPE http_requests_total counter\nhttp_requests_total{status=\"200\"} " + ok.get() + "\nhttp_requests_total{status=\"500\"} "
                            + failed.get() + "\n";
                } else if (path.startsWith("/api")) {
                    if (latencyMs > 0) {
                        Thread.sleep(latencyMs);
                    }
                    long n = apiCalls.incrementAndGet();
                    boolean fail = Math.floor(n * errorRate) > Math.floor((n - 1) * errorRate);
                    (fail ? failed : ok).incrementAndGet();
                    status = fail ? 500 : 200;
                    body = "{\"version\":\"" + version + "\"" + (fail ? ",\"error\":\"injected failure\"" : "") + "}";
                } else {
                    if (latencyMs > 0) {
                        Thread.sleep(latencyMs);
                    }
                    body = "{\"status\":\"healthy\",\"version\":\"" + version + "\"}";
                }
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Internal Server Error") + "\r\nContent-Type: " + type
                        + "\r\nContent-Length: " + b.length + "\r\nConnection: keep-alive\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(b);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // client went away or server closed
        }
    }

    /** Reads one request head (GET, no body) and returns its path; null at end of stream. */
    private static String readPath(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String first = null;
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            if (first == null) {
                if (c == '\n') {
                    first = line.toString(StandardCharsets.US_ASCII).strip();
                } else {
                    line.write(c);
                }
            }
            state = switch (state) {
                case 0 -> c == '\r' ? 1 : 0;
                case 1 -> c == '\n' ? 2 : 0;
                case 2 -> c == '\r' ? 3 : 0;
                default -> c == '\n' ? 4 : 0;
            };
            if (state == 4) {
                String[] parts = first == null ? new String[0] : first.split(" ");
                return parts.length > 1 ? parts[1] : "/";
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
