package io.jenkins.plugins.squaddeploy.testbed;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Polls a probe until it answers true or a deadline passes; the fixtures' only way to wait. */
public final class Poll {
    private Poll() {
    }

    /** A probe that can give up early, e.g. because the server process died. */
    public static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Abort(String message) {
            super(message);
        }
    }

    /**
     * Calls {@code probe} (exceptions count as "not yet") every 20..250 ms until it returns true.
     * On timeout, or when the probe throws {@link Abort}, throws IllegalStateException with the last
     * failure and {@code diagnostics} (e.g. the tail of the server log).
     */
    public static void until(String what, Duration timeout, Callable<Boolean> probe, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 20;
        Throwable last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(probe.call())) {
                    return;
                }
                last = null;
            } catch (Abort a) {
                throw new IllegalStateException(what + ": " + a.getMessage() + diag(diagnostics));
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                IllegalStateException ex = new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + (last == null ? "" : " (last error: " + last + ")") + diag(diagnostics));
                if (last != null) {
                    ex.initCause(last);
                }
                throw ex;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMs));
            if (Thread.interrupted()) {
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
            pauseMs = Math.min(250, pauseMs * 3 / 2);
        }
    }

    public static void until(String what, Duration timeout, Callable<Boolean> probe) {
        until(what, timeout, probe, null);
    }

    private static String diag(Supplier<String> diagnostics) {
        if (diagnostics == null) {
            return "";
        }
        try {
            String d = diagnostics.get();
            return d == null || d.isBlank() ? "" : "\n--- diagnostics ---\n" + d;
        } catch (RuntimeException e) {
            return "\n(diagnostics failed: " + e + ")";
        }
    }
}
