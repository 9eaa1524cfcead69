package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Switches a router to a new colour and verifies it through the router's public address; switches back
 * and fails when the new colour does not serve the expected version in time. Used by the blueGreenSwitch
 * step and by squadDeploy's blue-green strategy.
 *
 * <p>Verification samples the public health URL one request after the other, each on a new connection (a short
 * pause after one that does not match), until {@code consecutiveSamples} in a row answer HTTP 2xx with the expected
 * version and that run spans at least the router's {@link TrafficRouter#settle()} (matching samples are paced over it):
 * after nginx's graceful reload the old workers keep accepting new connections for about 0.1 s, and a switch is only
 * called verified once a new client can no longer reach the old colour. Samples are sent from where the {@link RouterHost} runs: the Jenkins agent in a build.
 */
public final class BlueGreenSwitcher {
    private final TrafficRouter router;
    private final RouterHost sampler;
    private final ConsoleLog log;
    private final Masker masker;

    /** Samples from this JVM ({@link LocalRouterHost}): right for the CLI and tests; in Jenkins pass the agent's host. */
    public BlueGreenSwitcher(TrafficRouter router, ConsoleLog log, Masker masker) {
        this(router, new LocalRouterHost(), log, masker);
    }

    public BlueGreenSwitcher(TrafficRouter router, RouterHost sampler, ConsoleLog log, Masker masker) {
        this.router = router;
        this.sampler = sampler;
        this.log = log == null ? ConsoleLog.SILENT : log;
        this.masker = masker == null ? new Masker() : masker;
    }

    public SwitchResult switchTo(SwitchRequest request) throws IOException, InterruptedException {
        return switchTo(request, SwitchOptions.defaults());
    }

    /**
     * @throws RouterException        the router refused the change (nothing changed)
     * @throws SwitchFailedException  the new colour did not verify; traffic was switched back (see its message)
     */
    public SwitchResult switchTo(SwitchRequest r, SwitchOptions options) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long before = options.startedAt() == null ? 0 : Math.max(0, Duration.between(options.startedAt(), Instant.now()).toMillis());
        String to = r.toColour();
        String from = router.activeColour();
        if (to.equals(from) && !options.force()) {
            info("blueGreenSwitch: " + r.service() + " already goes to " + to + "; nothing switched (force: true re-applies and verifies the route)");
            return new SwitchResult(from, to, null, before + millisSince(t0), false);
        }
        if (r.publicHealthUrl() == null) {
            info(String.format(Locale.ROOT, "blueGreenSwitch: %s: %s → %s through %s; then its backends must be %s only (deadline %s)",
                    r.service(), from == null ? "(no known colour)" : from, to, router.kind(), to, seconds(r.verifyDeadline())));
        } else {
            info(String.format(Locale.ROOT, "blueGreenSwitch: %s: %s → %s through %s; then %d sample(s) in a row of %s must report %s at %s (deadline %s)",
                    r.service(), from == null ? "(no known colour)" : from, to, router.kind(), r.consecutiveSamples(), r.publicHealthUrl(),
                    r.expectedVersion(), r.versionJsonPath(), seconds(r.verifyDeadline())));
        }
        router.route(to, r.upstreams());
        String backends = router.verifyBackends(to, r.verifyDeadline(), log);
        if (backends != null) {
            warn("blueGreenSwitch: " + to + " did not verify: " + backends + "; switching back" + (from == null ? "" : " to " + from));
            String back = switchBack(from);
            throw new SwitchFailedException(masker.mask("blueGreenSwitch: " + r.service() + ": " + to + " did not verify through " + router.kind()
                    + ": " + backends + ". " + back), back.startsWith("Switched back"));
        }
        if (r.publicHealthUrl() == null) {
            long switchMillis = before + millisSince(t0);
            info(String.format(Locale.ROOT, "blueGreenSwitch: %s now served by %s (verified through %s's backends; no publicUrl to sample); switch took %d ms",
                    r.service(), to, router.kind(), switchMillis));
            return new SwitchResult(from, to, Instant.now(), switchMillis, true);
        }
        Verification v = verify(r, options);
        if (v.passed) {
            Instant verifiedAt = Instant.now();
            long switchMillis = before + millisSince(t0);
            info(String.format(Locale.ROOT, "blueGreenSwitch: %s now served by %s: %d sample(s) in a row reported %s (%d sample(s) in %d ms); switch took %d ms",
                    r.service(), to, r.consecutiveSamples(), r.expectedVersion(), v.total, v.elapsedMs, switchMillis));
            return new SwitchResult(from, to, verifiedAt, switchMillis, true);
        }
        String seen = v.summary(r);
        warn("blueGreenSwitch: " + to + " did not verify: " + seen + "; switching back" + (from == null ? "" : " to " + from));
        String back = switchBack(from);
        throw new SwitchFailedException(masker.mask("blueGreenSwitch: " + r.service() + ": " + to + " did not serve " + r.expectedVersion()
                + " through " + r.publicHealthUrl() + " within " + seconds(r.verifyDeadline()) + ": " + seen + ". " + back), back.startsWith("Switched back"));
    }

    /** Restores the previous route; returns the sentence for the error message. Never throws but for an interrupt. */
    private String switchBack(String from) throws InterruptedException {
        try {
            router.restorePrevious();
            String now = router.activeColour();
            return "Switched back" + (now == null ? "" : " to " + now) + ".";
        } catch (IOException | RuntimeException e) {
            warn("blueGreenSwitch: SWITCHING BACK FAILED: " + masker.describe(e));
            return "SWITCHING BACK" + (from == null ? "" : " TO " + from) + " FAILED: " + masker.describe(e)
                    + " — the router may still send traffic to the new colour; check it now.";
        }
    }

    private Verification verify(SwitchRequest r, SwitchOptions o) throws InterruptedException {
        Verification v = new Verification();
        long start = System.nanoTime();
        long deadline = start + r.verifyDeadline().toNanos();
        long nextProgress = start + o.progressEvery().toNanos();
        String url = r.publicHealthUrl().toString();
        long settle = (o.settle() != null ? o.settle() : router.settle()).toNanos();
        // at most 50 ms between matching samples, so that a window of old answers as short as nginx's (~0.1 s) is sampled
        long pace = Math.min(TimeUnit.MILLISECONDS.toNanos(50), r.consecutiveSamples() > 1 ? settle / (r.consecutiveSamples() - 1) : settle);
        long runStart = 0;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Duration timeout = Duration.ofNanos(Math.min(o.sampleTimeout().toNanos(), left));
                VersionSample s = sampler.sample(url, r.versionJsonPath(), timeout.toMillis() < 1 ? Duration.ofMillis(1) : timeout);
                v.record(s, r.expectedVersion());
                long now = System.nanoTime();
                if (v.consecutive == 1) {
                    runStart = now - TimeUnit.MILLISECONDS.toNanos(s.latencyMs()); // the run starts when its first sample was sent
                }
                if (v.consecutive >= r.consecutiveSamples() && now - runStart >= settle) {
                    v.passed = true;
                    break;
                }
                if (now - nextProgress >= 0) {
                    info(String.format(Locale.ROOT, "blueGreenSwitch: verifying %s: %d/%d in a row report %s, %d sample(s), %s elapsed of %s; last: %s",
                            r.toColour(), v.consecutive, r.consecutiveSamples(), r.expectedVersion(), v.total,
                            seconds(Duration.ofNanos(now - start)), seconds(r.verifyDeadline()), s.describe()));
                    nextProgress = now + o.progressEvery().toNanos();
                }
                long pause = s.matches(r.expectedVersion())
                        ? Math.min(pace - TimeUnit.MILLISECONDS.toNanos(s.latencyMs()), settle - (System.nanoTime() - runStart))
                        : o.pauseAfterMiss().toNanos();
                pause = Math.min(pause, deadline - System.nanoTime());
                if (pause > 0) {
                    TimeUnit.MILLISECONDS.sleep((pause + 999_999) / 1_000_000); // whole milliseconds, rounded up: Thread.sleep rounds nanos down
                }
            }
        } catch (InterruptedException e) {
            warn("blueGreenSwitch: interrupted while verifying " + r.toColour() + "; switching back");
            Thread.interrupted();
            try {
                switchBack(null);
            } finally {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        v.elapsedMs = millisSince(start);
        return v;
    }

    /** Counts of one verification. */
    private static final class Verification {
        boolean passed;
        int total;
        int matched;
        int consecutive;
        int bestRun;
        long elapsedMs;
        final Map<String, Integer> misses = new LinkedHashMap<>();

        void record(VersionSample s, String expected) {
            total++;
            if (s.matches(expected)) {
                matched++;
                consecutive++;
                bestRun = Math.max(bestRun, consecutive);
            } else {
                consecutive = 0;
                misses.merge(s.outcome(), 1, Integer::sum);
            }
        }

        /** E.g. {@code 12 of 20 sample(s) still answered HTTP 200 version '1.0.0', 8 answered HTTP 503 version '2.0.0'; …}. */
        String summary(SwitchRequest r) {
            if (total == 0) {
                return "no sample was answered";
            }
            List<Map.Entry<String, Integer>> top = new ArrayList<>(misses.entrySet());
            top.sort((a, b) -> b.getValue() - a.getValue());
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Math.min(4, top.size()); i++) {
                Map.Entry<String, Integer> e = top.get(i);
                parts.add(e.getValue() + (i == 0 ? " of " + total + " sample(s)" : "") + " " + e.getKey());
            }
            if (top.size() > 4) {
                parts.add("and " + (top.size() - 4) + " other kind(s) of answer");
            }
            return (parts.isEmpty() ? "" : String.join(", ", parts) + "; ") + matched + " reported " + r.expectedVersion() + " with HTTP 2xx (at most " + bestRun
                    + " in a row, " + r.consecutiveSamples() + " needed)";
        }
    }

    private void info(String line) {
        log.info(masker.mask(line));
    }

    private void warn(String line) {
        log.warn(masker.mask(line));
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    static String seconds(Duration d) {
        long tenths = Math.round(d.toMillis() / 100.0);
        return tenths % 10 == 0 ? (tenths / 10) + " s" : String.format(Locale.ROOT, "%.1f s", tenths / 10.0);
    }
}
