package io.jenkins.plugins.squaddeploy.engine.health;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.time.Duration;

/**
 * How hard verifyHealth tries. Each check is attempted up to {@code attempts} times, {@code interval}
 * apart, each attempt limited to {@code timeout}; all checks together stop at {@code deadline}.
 * A check passes after {@code successThreshold} consecutive successes and fails at once after
 * {@code failureThreshold} consecutive failures (0: only when attempts or the deadline run out).
 *
 * <p>With a {@code watch} window (above zero) the checks are not retried until they pass: every check is
 * measured every {@code interval} for the whole window, like an Argo Rollouts analysis, and the step stops
 * early when a check has more than {@code failureLimit} failed measurements, more than
 * {@code consecutiveErrorLimit} measurements in a row that could not be taken, more than
 * {@code inconclusiveLimit} inconclusive ones, or {@code failureThreshold} failures in a row.
 */
public record VerifyOptions(int attempts, Duration interval, Duration timeout, Duration deadline,
                            int successThreshold, int failureThreshold, Duration progressEvery,
                            Duration watch, int failureLimit, int consecutiveErrorLimit, int inconclusiveLimit) implements Serializable {

    public static final int DEFAULT_ATTEMPTS = 10;
    public static final int DEFAULT_INTERVAL_S = 3;
    public static final int DEFAULT_TIMEOUT_S = 5;
    public static final int DEFAULT_DEADLINE_S = 120;

    public VerifyOptions {
        range("attempts", attempts, 1, 100_000, "a whole number of attempts from 1 to 100000");
        seconds("interval", interval, true, Duration.ofHours(1));
        seconds("timeout", timeout, false, Duration.ofHours(1));
        seconds("deadline", deadline, false, Duration.ofDays(1));
        range("successThreshold", successThreshold, 1, 100_000, "a whole number from 1 to 100000");
        range("failureThreshold", failureThreshold, 0, 100_000, "a whole number from 1 to 100000, or 0 to allow every attempt");
        if (successThreshold > attempts) {
            throw new ParameterException("successThreshold", "a check needs " + successThreshold + " passes in a row but has only " + attempts + " attempts",
                    "a number no larger than attempts (" + attempts + ")");
        }
        if (progressEvery == null || progressEvery.isNegative() || progressEvery.isZero()) {
            progressEvery = Duration.ofSeconds(5);
        }
        if (watch == null) {
            watch = Duration.ZERO;
        }
        seconds("watch", watch, true, Duration.ofDays(1));
        range("failureLimit", failureLimit, 0, 100_000, "a whole number of failed measurements allowed in the watch window, 0 or more");
        range("consecutiveErrorLimit", consecutiveErrorLimit, 0, 100_000, "a whole number of measurements in a row that may not be taken, 0 or more");
        range("inconclusiveLimit", inconclusiveLimit, 0, 100_000, "a whole number of inconclusive measurements allowed, 0 or more");
    }

    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

    public boolean watching() {
        return !watch.isZero();
    }

    /** The same options with a watch window and its limits (seconds as users write them). */
    public VerifyOptions withWatch(double watchSeconds, int failureLimit, int consecutiveErrorLimit, int inconclusiveLimit) {
        return new VerifyOptions(attempts, interval, timeout, deadline, successThreshold, failureThreshold, progressEvery,
                dur("watch", watchSeconds, true), failureLimit, consecutiveErrorLimit, inconclusiveLimit);
    }

    public static VerifyOptions defaults() {
        return new VerifyOptions(DEFAULT_ATTEMPTS, Duration.ofSeconds(DEFAULT_INTERVAL_S), Duration.ofSeconds(DEFAULT_TIMEOUT_S),
                Duration.ofSeconds(DEFAULT_DEADLINE_S), 1, 0, Duration.ofSeconds(5), Duration.ZERO, 0, DEFAULT_CONSECUTIVE_ERROR_LIMIT, 0);
    }

    /** Builds options from seconds as users write them (step and CLI parameters). */
    public static VerifyOptions ofSeconds(int attempts, double intervalS, double timeoutS, double deadlineS,
                                          int successThreshold, int failureThreshold) {
        return new VerifyOptions(attempts, dur("interval", intervalS, true), dur("timeout", timeoutS, false),
                dur("deadline", deadlineS, false), successThreshold, failureThreshold, Duration.ofSeconds(5),
                Duration.ZERO, 0, DEFAULT_CONSECUTIVE_ERROR_LIMIT, 0);
    }

    public VerifyOptions withDeadline(Duration d) {
        return new VerifyOptions(attempts, interval, timeout, d, successThreshold, failureThreshold, progressEvery,
                watch, failureLimit, consecutiveErrorLimit, inconclusiveLimit);
    }

    public VerifyOptions withProgressEvery(Duration d) {
        return new VerifyOptions(attempts, interval, timeout, deadline, successThreshold, failureThreshold, d,
                watch, failureLimit, consecutiveErrorLimit, inconclusiveLimit);
    }

    /** Consecutive failures that fail a check. */
    public int effectiveFailureThreshold() {
        return failureThreshold == 0 ? attempts : Math.min(failureThreshold, attempts);
    }

    private static Duration dur(String name, double seconds, boolean zeroAllowed) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0 || (!zeroAllowed && seconds == 0)) {
            String shown = seconds == Math.rint(seconds) && Math.abs(seconds) < 1e15 ? String.valueOf((long) seconds) : String.valueOf(seconds);
            throw new ParameterException(name, "got " + shown, zeroAllowed ? "a number of seconds, 0 or more" : "a number of seconds above 0");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static void range(String name, int value, int min, int max, String form) {
        if (value < min || value > max) {
            throw new ParameterException(name, "got " + value, form);
        }
    }

    private static void seconds(String name, Duration d, boolean zeroAllowed, Duration max) {
        if (d == null || d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(max) > 0) {
            throw new ParameterException(name, "got " + (d == null ? "nothing" : d.toMillis() / 1000.0 + " s"),
                    (zeroAllowed ? "a number of seconds from 0" : "a number of seconds above 0") + " up to " + max.toSeconds());
        }
    }
}
