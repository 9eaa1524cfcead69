package io.jenkins.plugins.squaddeploy.engine.rollback;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded client load on loopback: {@code threads} clients GET one URL one request after the other (each with its own
 * HTTP/1.1 client) until {@link #close()} or {@code maxDuration}; every answer other than {@code expectedStatus}, and
 * every request that got no answer, is a failure, kept with its time and cause.
 */
public final class RouterLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong requests = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    public RouterLoad(String url, int threads, int expectedStatus, Duration maxDuration) {
        long end = System.nanoTime() + maxDuration.toNanos();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
                while (running.get() && System.nanoTime() < end) {
                    try {
                        HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != expectedStatus) {
                            failures.add(System.currentTimeMillis() + " HTTP " + r.statusCode());
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failures.add(System.currentTimeMillis() + " " + e);
                    }
                    requests.incrementAndGet();
                }
            }, "router-load-" + i);
            t.setDaemon(true);
            t.start();
            this.threads.add(t);
        }
    }

    public long requests() {
        return requests.get();
    }

    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
