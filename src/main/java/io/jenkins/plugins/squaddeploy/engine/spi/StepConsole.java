package io.jenkins.plugins.squaddeploy.engine.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The console convention every step and CLI command follows: one first line saying what it will do, one last line
 * with the outcome and how long it took, and tool output indented and cut to its last lines (the full output is in the
 * deploy report's files).
 *
 * <pre>
 * squadDeploy ▶ release squad-api 2.0.0 to production (blueGreen, docker)
 *     …
 * squadDeploy ✔ released 2.0.0 to green (took 14.2 s)
 * squadDeploy ✘ failed: the healthcheck … (took 31.0 s)
 * </pre>
 */
public final class StepConsole {
    public static final String START = " ▶ ";
    public static final String OK = " ✔ ";
    public static final String FAILED = " ✘ ";
    /** Tool output lines shown in the console; the rest only in the report. */
    public static final int TOOL_LINES = 20;
    /** Longest tool output line shown in the console. */
    public static final int TOOL_LINE_CHARS = 240;

    private final ConsoleLog log;
    private final String step;
    private final Instant startedAt;
    private final long startNanos;

    private StepConsole(ConsoleLog log, String step, Instant startedAt) {
        this.log = log;
        this.step = step;
        this.startedAt = startedAt;
        this.startNanos = System.nanoTime() - Duration.between(startedAt, Instant.now()).toNanos();
    }

    /** Prints the first line ({@code step ▶ what}) and starts the clock. */
    public static StepConsole start(ConsoleLog log, String step, String what) {
        log.info(step + START + what);
        return new StepConsole(log, step, Instant.now());
    }

    /** For a step that began earlier (e.g. resumed after a restart): prints nothing, counts from {@code startedAt}. */
    public static StepConsole since(ConsoleLog log, String step, Instant startedAt) {
        return new StepConsole(log, step, startedAt);
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The last line when the step succeeded: {@code step ✔ outcome (took 1.2 s)}. */
    public void ok(String outcome) {
        log.info(step + OK + outcome + " (took " + took(elapsed()) + ")");
    }

    /** The last line when the step failed: {@code step ✘ outcome (took 1.2 s)}. */
    public void failed(String outcome) {
        log.info(step + FAILED + firstLine(outcome) + " (took " + took(elapsed()) + ")");
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4 min 05 s}. */
    public static String took(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %02d s", ms / 60_000, (ms % 60_000) / 1000);
    }

    /**
     * Prints a tool's output indented under the current line: at most {@code maxLines} (the last ones: the end says what
     * failed), each cut at {@value #TOOL_LINE_CHARS} characters, with a line saying how many were left out and where
     * the full output is ({@code fullOutputAt}, e.g. "the deploy report").
     */
    public static void toolOutput(ConsoleLog log, String text, int maxLines, String fullOutputAt) {
        if (text == null || text.isBlank()) {
            return;
        }
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        int skip = Math.max(0, lines.size() - maxLines);
        if (skip > 0) {
            log.detail("[" + skip + " earlier line(s) not shown; full output in " + fullOutputAt + "]");
        }
        for (String l : lines.subList(skip, lines.size())) {
            String t = l.stripTrailing();
            log.detail(t.length() > TOOL_LINE_CHARS ? t.substring(0, TOOL_LINE_CHARS) + " […]" : t);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "failed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " […]";
    }
}
