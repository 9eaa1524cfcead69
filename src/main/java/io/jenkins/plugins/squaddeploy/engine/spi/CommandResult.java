package io.jenkins.plugins.squaddeploy.engine.spi;

import java.io.Serializable;

/** What a finished command left behind. Output is kept up to a limit (tail), as a person needs it. */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut, long elapsedMs)
        implements Serializable {

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** The last non-blank line of stderr, else stdout: usually the line that says what went wrong. */
    public String lastLine() {
        String s = lastNonBlank(stderr);
        return s.isEmpty() ? lastNonBlank(stdout) : s;
    }

    private static String lastNonBlank(String text) {
        if (text == null) {
            return "";
        }
        String[] lines = text.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }
}
