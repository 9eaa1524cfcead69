package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress lines for long transfers, at most one per {@code every}:
 * {@code dbSnapshot: pg_dump 512.0 MiB so far, 85.3 MiB/s, 6 s elapsed}.
 */
final class Progress {
    private final ConsoleLog log;
    private final String what;
    private final long everyNanos;
    private final long started = System.nanoTime();
    private long nextAt;

    Progress(ConsoleLog log, String what, Duration every) {
        this.log = log;
        this.what = what;
        this.everyNanos = every.toNanos();
        this.nextAt = started + everyNanos;
    }

    /** Called with the bytes so far after each chunk; prints when a line is due. */
    void update(long bytes) {
        long now = System.nanoTime();
        if (now - nextAt >= 0) {
            nextAt = now + everyNanos;
            log.info("dbSnapshot: " + what + " " + bytes(bytes) + " so far, " + rate(bytes, now - started) + ", " + elapsed(now - started) + " elapsed");
        }
    }

    long elapsedMillis() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        double v = b;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String rate(long bytes, long nanos) {
        if (nanos <= 0) {
            return "-";
        }
        return bytes((long) (bytes / (nanos / 1e9))) + "/s";
    }

    static String elapsed(long nanos) {
        return human(Duration.ofNanos(nanos));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        if (s < 172_800) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
        return (s / 86400) + " days " + (s % 86400 / 3600) + " h";
    }
}
