package io.jenkins.plugins.squaddeploy.engine.health;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every check concurrently, each with its own retries, under one overall deadline, printing
 * progress (attempt n/m, elapsed, what still fails) no more often than {@code progressEvery}.
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
        log.info(masker.mask(String.format("verifyHealth: %d check(s) [%s], up to %d attempt(s) each, %s apart, %s per attempt, deadline %s",
                checks.size(), String.join(", ", checks.stream().map(c -> c.name() + " " + c.kind() + " " + c.target()).toList()),
                options.attempts(), Probes.seconds(options.interval()), Probes.seconds(options.timeout()), Probes.seconds(options.deadline()))));
        HealthReport report = verify(checks, options);
        for (String line : report.table()) {
            log.detail(line);
        }
        String took = report.elapsedMs() < 1000 ? report.elapsedMs() + " ms" : Probes.seconds(java.time.Duration.ofMillis(report.elapsedMs()));
        if (report.healthy()) {
            log.info("verifyHealth: all " + checks.size() + " check(s) passed in " + took);
        } else {
            log.warn("verifyHealth: " + report.failed().size() + " of " + checks.size() + " check(s) failed after " + took);
        }
        return report;
    }

    public HealthReport verify(List<CheckSpec> checks, VerifyOptions options) throws InterruptedException {
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("no checks");
        }
        long start = System.nanoTime();
        long deadlineAt = start + options.deadline().toNanos();
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
                futures.add(pool.submit(() -> runCheck(s, options, start, deadlineAt)));
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
                        CheckState s = states.get(i);
                        results.add(s.result(false, "internal error: " + masker.describe(cause), start));
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

    private CheckResult runCheck(CheckState s, VerifyOptions o, long start, long deadlineAt) throws InterruptedException {
        int failLimit = o.effectiveFailureThreshold();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            long remaining = deadlineAt - System.nanoTime();
            if (remaining <= 0) {
                return s.result(false, "deadline of " + Probes.seconds(o.deadline()) + " reached" + s.lastSuffix(), start);
            }
            Duration attemptTimeout = Duration.ofNanos(Math.min(o.timeout().toNanos(), remaining));
            ProbeOutcome outcome = runner.probe(s.spec, attemptTimeout);
            s.record(new ProbeOutcome(outcome.passed(), masker.mask(outcome.message()), outcome.latencyMs()));
            if (outcome.passed()) {
                if (s.consecutiveOk >= o.successThreshold()) {
                    return s.result(true, s.last.message(), start);
                }
            } else if (s.consecutiveFail >= failLimit) {
                String why = failLimit < o.attempts()
                        ? s.last.message() + " (" + s.consecutiveFail + " consecutive failures, failureThreshold " + failLimit + ")"
                        : s.last.message();
                return s.result(false, why, start);
            }
            if (s.attempts >= o.attempts()) {
                String why = outcome.passed()
                        ? "passed " + s.consecutiveOk + " time(s) in a row, successThreshold " + o.successThreshold() + " not reached in " + o.attempts() + " attempts"
                        : s.last.message();
                return s.result(false, why, start);
            }
            long pause = Math.min(o.interval().toNanos(), deadlineAt - System.nanoTime());
            if (pause > 0) {
                TimeUnit.NANOSECONDS.sleep(pause);
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
            waiting.add(s.spec.name() + " [attempt " + s.attempts + "/" + o.attempts() + "] "
                    + (last == null ? "first attempt running" : (last.passed() ? "ok, confirming" : last.message())));
        }
        if (waiting.isEmpty()) {
            return;
        }
        log.info(masker.mask(String.format("verifyHealth: %s elapsed of %s, %d/%d passed, still failing: %s",
                Probes.seconds(Duration.ofSeconds(elapsedMs(start) / 1000)), Probes.seconds(o.deadline()), passed, states.size(),
                String.join("; ", waiting))));
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Per-check counters, written by the check's thread and read by the progress printer. */
    private static final class CheckState {
        final CheckSpec spec;
        volatile int attempts;
        volatile int consecutiveOk;
        volatile int consecutiveFail;
        volatile ProbeOutcome last;
        volatile boolean done;
        volatile boolean finalPassed;

        CheckState(CheckSpec spec) {
            this.spec = spec;
        }

        void record(ProbeOutcome o) {
            attempts++;
            last = o;
            if (o.passed()) {
                consecutiveOk++;
                consecutiveFail = 0;
            } else {
                consecutiveFail++;
                consecutiveOk = 0;
            }
        }

        String lastSuffix() {
            return last == null ? " before the first attempt" : " after " + attempts + (attempts == 1 ? " attempt" : " attempts") + "; last: " + last.message();
        }

        CheckResult result(boolean passed, String message, long start) {
            done = true;
            finalPassed = passed;
            return new CheckResult(spec.name(), spec.kind(), spec.target(), passed, attempts,
                    last == null ? 0 : last.latencyMs(), message, elapsedMs(start));
        }
    }
}
