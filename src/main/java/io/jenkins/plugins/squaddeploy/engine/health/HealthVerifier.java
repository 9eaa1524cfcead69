package io.jenkins.plugins.squaddeploy.engine.health;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every check concurrently under one overall deadline, printing progress (attempt n/m, elapsed, what
 * still fails) no more often than {@code progressEvery}. Two modes:
 * <ul>
 * <li>until healthy (default): each check is retried until it passes {@code successThreshold} times in a row,
 * fails {@code failureThreshold} times in a row, or runs out of attempts or time;</li>
 * <li>watch window ({@code watch} above zero): each check is measured every {@code interval} for the whole window;
 * the first check to exceed its limits stops every other check, so a bad release is caught at once.</li>
 * </ul>
 */
public final class HealthVerifier {
    private static final int MAX_THREADS = 64;

    private final ProbeRunner runner;
    private final ConsoleLog log;
    private final Masker masker;

    public HealthVerifier(ProbeRunner runner, ConsoleLog log, Masker masker) {
        this.runner = runner;
        this.log = log;
        this.masker = masker == null ? new Masker() : masker;
    }

    /**
     * Runs the checks with the console lines every step prints: one line saying what it will do,
     * progress while waiting, the result table, and one line of outcome and duration.
     */
    public HealthReport run(List<CheckSpec> checks, VerifyOptions options) throws InterruptedException {
        String what = String.join(", ", checks.stream().map(c -> c.name() + " " + c.kind() + " " + c.target()).toList());
        if (options.watching()) {
            log.info(masker.mask(String.format("verifyHealth: watching %d check(s) [%s] for %s, every %s; limits: failures %d, "
                            + "errors in a row %d, inconclusive %d%s",
                    checks.size(), what, Probes.seconds(options.watch()), Probes.seconds(options.interval()), options.failureLimit(),
                    options.consecutiveErrorLimit(), options.inconclusiveLimit(),
                    options.failureThreshold() > 0 ? ", failures in a row " + options.failureThreshold() : "")));
        } else {
            log.info(masker.mask(String.format("verifyHealth: %d check(s) [%s], up to %d attempt(s) each, %s apart, %s per attempt, deadline %s",
                    checks.size(), what, options.attempts(), Probes.seconds(options.interval()), Probes.seconds(options.timeout()),
                    Probes.seconds(options.deadline()))));
        }
        HealthReport report = verify(checks, options);
        for (String line : report.table()) {
            log.detail(line);
        }
        String took = report.elapsedMs() < 1000 ? report.elapsedMs() + " ms" : Probes.seconds(Duration.ofMillis(report.elapsedMs()));
        if (report.healthy()) {
            log.info("verifyHealth: all " + checks.size() + " check(s) passed in " + took);
        } else {
            log.warn("verifyHealth: " + report.failed().size() + " of " + checks.size() + " check(s) "
                    + ("INCONCLUSIVE".equals(report.status()) ? "inconclusive" : "failed") + " after " + took);
        }
        return report;
    }

    public HealthReport verify(List<CheckSpec> checks, VerifyOptions options) throws InterruptedException {
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("no checks");
        }
        long start = System.nanoTime();
        Duration deadline = options.watching() && options.deadline().compareTo(options.watch().plus(options.timeout())) < 0
                ? options.watch().plus(options.timeout()) : options.deadline();
        long deadlineAt = start + deadline.toNanos();
        CountDownLatch stop = new CountDownLatch(1);
        List<CheckState> states = new ArrayList<>();
        for (CheckSpec c : checks) {
            states.add(new CheckState(c));
        }
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_THREADS, checks.size()), r -> {
            Thread t = new Thread(r, "squad-verify-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<CheckResult>> futures = new ArrayList<>();
            for (CheckState s : states) {
                futures.add(pool.submit(() -> options.watching()
                        ? watchCheck(s, options, start, deadlineAt, stop)
                        : runCheck(s, options, start, deadlineAt)));
            }
            List<CheckResult> results = new ArrayList<>();
            long nextProgress = start + options.progressEvery().toNanos();
            for (int i = 0; i < futures.size(); i++) {
                Future<CheckResult> f = futures.get(i);
                while (true) {
                    long wait = Math.max(1, nextProgress - System.nanoTime());
                    try {
                        results.add(f.get(wait, TimeUnit.NANOSECONDS));
                        break;
                    } catch (TimeoutException e) {
                        printProgress(states, options, start);
                        nextProgress = System.nanoTime() + options.progressEvery().toNanos();
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof InterruptedException ie) {
                            throw ie;
                        }
                        results.add(states.get(i).result("ERROR", "internal error: " + masker.describe(cause), start));
                        break;
                    }
                }
            }
            boolean healthy = results.stream().allMatch(CheckResult::passed);
            return new HealthReport(healthy, results, elapsedMs(start));
        } finally {
            pool.shutdownNow();
        }
    }

    private ProbeOutcome measure(CheckState s, VerifyOptions o, long deadlineAt) throws InterruptedException {
        Duration attemptTimeout = Duration.ofNanos(Math.min(o.timeout().toNanos(), deadlineAt - System.nanoTime()));
        ProbeOutcome outcome = runner.probe(s.spec, attemptTimeout);
        ProbeOutcome masked = outcome.withMessage(masker.mask(outcome.message()));
        s.record(masked);
        return masked;
    }

    private CheckResult runCheck(CheckState s, VerifyOptions o, long start, long deadlineAt) throws InterruptedException {
        int failLimit = o.effectiveFailureThreshold();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (deadlineAt - System.nanoTime() <= 0) {
                return s.result("FAILED", "deadline of " + Probes.seconds(o.deadline()) + " reached" + s.lastSuffix(), start);
            }
            s.sample(measure(s, o, deadlineAt), start);
            ProbeOutcome last = s.last;
            if (last.passed()) {
                if (s.consecutiveOk >= o.successThreshold()) {
                    return s.result("PASSED", last.message(), start);
                }
            } else if (s.consecutiveBad >= failLimit) {
                String why = failLimit < o.attempts()
                        ? last.message() + " (" + s.consecutiveBad + " consecutive failures, failureThreshold " + failLimit + ")"
                        : last.message();
                return s.result(finalStatus(last), why, start);
            }
            if (s.attempts >= o.attempts()) {
                if (last.passed()) {
                    return s.result("FAILED", "passed " + s.consecutiveOk + " time(s) in a row, successThreshold " + o.successThreshold()
                            + " not reached in " + o.attempts() + " attempts", start);
                }
                return s.result(finalStatus(last), last.message(), start);
            }
            long pause = Math.min(o.interval().toNanos(), deadlineAt - System.nanoTime());
            if (pause > 0) {
                TimeUnit.NANOSECONDS.sleep(pause);
            }
        }
    }

    private static String finalStatus(ProbeOutcome last) {
        return last.status() == ProbeOutcome.Status.INCONCLUSIVE ? "INCONCLUSIVE" : "FAILED";
    }

    private CheckResult watchCheck(CheckState s, VerifyOptions o, long start, long deadlineAt, CountDownLatch stop) throws InterruptedException {
        long windowEnd = start + o.watch().toNanos();
        CheckResult result = watchLoop(s, o, start, deadlineAt, windowEnd, stop);
        if (!result.passed() && !"STOPPED".equals(result.status())) {
            stop.countDown();
        }
        return result;
    }

    private CheckResult watchLoop(CheckState s, VerifyOptions o, long start, long deadlineAt, long windowEnd, CountDownLatch stop)
            throws InterruptedException {
        while (true) {
            if (stop.getCount() == 0) {
                return s.result("STOPPED", "stopped early: another check failed" + s.lastSuffix(), start);
            }
            if (deadlineAt - System.nanoTime() <= 0) {
                return s.result("FAILED", "deadline reached during the watch window" + s.lastSuffix(), start);
            }
            ProbeOutcome m = measure(s, o, deadlineAt);
            s.sample(m, start);
            if (s.spec instanceof CheckSpec.Prometheus) {
                log.info(masker.mask("verifyHealth: " + s.spec.name() + " measurement " + s.attempts + ": " + m.message() + " → " + m.status()));
            }
            if (s.failures > o.failureLimit()) {
                return s.result("FAILED", s.failures + " failed measurement(s), failureLimit " + o.failureLimit() + "; last: " + m.message(), start);
            }
            if (o.failureThreshold() > 0 && s.consecutiveFailed >= o.failureThreshold()) {
                return s.result("FAILED", s.consecutiveFailed + " failed measurements in a row, failureThreshold " + o.failureThreshold()
                        + "; last: " + m.message(), start);
            }
            if (s.consecutiveErrors > o.consecutiveErrorLimit()) {
                return s.result("ERROR", s.consecutiveErrors + " measurement(s) in a row could not be taken, consecutiveErrorLimit "
                        + o.consecutiveErrorLimit() + "; last: " + m.message(), start);
            }
            if (s.inconclusive > o.inconclusiveLimit()) {
                return s.result("INCONCLUSIVE", s.inconclusive + " inconclusive measurement(s), inconclusiveLimit " + o.inconclusiveLimit()
                        + "; last: " + m.message(), start);
            }
            long next = System.nanoTime() + o.interval().toNanos();
            if (next >= windowEnd) {
                return s.result("PASSED", s.attempts + " measurement(s) over " + Probes.seconds(o.watch()) + " within limits ("
                        + s.failures + " failed, " + s.errors + " errors); last: " + m.message(), start);
            }
            if (stop.await(o.interval().toNanos(), TimeUnit.NANOSECONDS)) {
                return s.result("STOPPED", "stopped early: another check failed" + s.lastSuffix(), start);
            }
        }
    }

    private void printProgress(List<CheckState> states, VerifyOptions o, long start) {
        List<String> waiting = new ArrayList<>();
        int passed = 0;
        for (CheckState s : states) {
            ProbeOutcome last = s.last;
            if (s.done) {
                if (s.finalPassed) {
                    passed++;
                }
                continue;
            }
            String attempt = o.watching() ? "measurement " + s.attempts : "attempt " + s.attempts + "/" + o.attempts();
            waiting.add(s.spec.name() + " [" + attempt + "] "
                    + (last == null ? "first attempt running" : (last.passed() ? (o.watching() ? "ok: " + last.message() : "ok, confirming") : last.message())));
        }
        if (waiting.isEmpty()) {
            return;
        }
        String elapsed = Probes.seconds(Duration.ofSeconds(elapsedMs(start) / 1000));
        if (o.watching()) {
            log.info(masker.mask(String.format("verifyHealth: watching, %s elapsed of %s: %s", elapsed, Probes.seconds(o.watch()),
                    String.join("; ", waiting))));
        } else {
            log.info(masker.mask(String.format("verifyHealth: %s elapsed of %s, %d/%d passed, still failing: %s",
                    elapsed, Probes.seconds(o.deadline()), passed, states.size(), String.join("; ", waiting))));
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Per-check counters, written by the check's thread and read by the progress printer. */
    private static final class CheckState {
        final CheckSpec spec;
        final List<CheckResult.Sample> samples = new ArrayList<>();
        volatile int attempts;
        volatile int consecutiveOk;
        volatile int consecutiveBad;
        volatile int consecutiveFailed;
        volatile int consecutiveErrors;
        volatile int failures;
        volatile int errors;
        volatile int inconclusive;
        volatile ProbeOutcome last;
        volatile boolean done;
        volatile boolean finalPassed;

        CheckState(CheckSpec spec) {
            this.spec = spec;
        }

        void record(ProbeOutcome o) {
            attempts++;
            last = o;
            switch (o.status()) {
                case PASSED -> {
                    consecutiveOk++;
                    consecutiveBad = 0;
                    consecutiveFailed = 0;
                    consecutiveErrors = 0;
                }
                case FAILED -> {
                    failures++;
                    consecutiveFailed++;
                    consecutiveBad++;
                    consecutiveOk = 0;
                    consecutiveErrors = 0;
                }
                case ERROR -> {
                    errors++;
                    consecutiveErrors++;
                    consecutiveBad++;
                    consecutiveOk = 0;
                }
                default -> {
                    inconclusive++;
                    consecutiveBad++;
                    consecutiveOk = 0;
                }
            }
        }

        synchronized void sample(ProbeOutcome o, long start) {
            if (samples.size() < CheckResult.MAX_SAMPLES) {
                samples.add(new CheckResult.Sample(elapsedMs(start), o.status().name(), o.value()));
            }
        }

        String lastSuffix() {
            return last == null ? " before the first attempt" : " after " + attempts + (attempts == 1 ? " attempt" : " attempts") + "; last: " + last.message();
        }

        synchronized CheckResult result(String status, String message, long start) {
            done = true;
            finalPassed = "PASSED".equals(status);
            String threshold = spec instanceof CheckSpec.Prometheus p ? p.threshold() : null;
            return new CheckResult(spec.name(), spec.kind(), spec.target(), status, attempts,
                    last == null ? 0 : last.latencyMs(), message, elapsedMs(start), last == null ? null : last.value(), threshold,
                    failures, errors, inconclusive, samples);
        }
    }
}
