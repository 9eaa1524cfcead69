package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wakes a waiting step at a wall-clock time, on one shared daemon thread, so that a step that keeps the old
 * colour running for ten minutes holds no thread meanwhile (the Jenkins adapter's pattern is workflow-basic-steps'
 * SleepStep: the step persists the time to stop at and schedules again after a restart).
 */
public final class StopTimer {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "squad-stop-timer");
        t.setDaemon(true);
        return t;
    });

    /** A scheduled wake-up. */
    public interface Handle {
        /** Cancels the wake-up if it has not run yet. */
        void cancel();
    }

    private StopTimer() {
    }

    /** Runs {@code action} at {@code epochMillis} (at once when that has passed). */
    public static Handle at(long epochMillis, Runnable action) {
        long delay = Math.max(0, epochMillis - System.currentTimeMillis());
        ScheduledFuture<?> f = TIMER.schedule(action, delay, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }
}
