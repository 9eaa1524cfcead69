package io.jenkins.plugins.squaddeploy.cli;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.PrintWriter;

/** The CLI's console: every line masked, flushed at once (a person watches it while the command runs). */
final class CliConsole implements ConsoleLog {
    private final PrintWriter out;
    private final Masker masker;

    CliConsole(PrintWriter out, Masker masker) {
        this.out = out;
        this.masker = masker;
    }

    @Override
    public void info(String line) {
        out.println(masker.mask(line));
        out.flush();
    }

    @Override
    public void warn(String line) {
        info("WARNING: " + line);
    }
}
