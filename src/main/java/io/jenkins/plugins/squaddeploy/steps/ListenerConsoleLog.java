package io.jenkins.plugins.squaddeploy.steps;

import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.PrintStream;

/** The engine's console, written to the build log through the step's {@link TaskListener}, masked. */
final class ListenerConsoleLog implements ConsoleLog {
    private final TaskListener listener;
    private final Masker masker;

    ListenerConsoleLog(TaskListener listener, Masker masker) {
        this.listener = listener;
        this.masker = masker;
    }

    @Override
    public void info(String line) {
        print(line);
    }

    @Override
    public void warn(String line) {
        print("WARNING: " + line);
    }

    private void print(String line) {
        PrintStream out = listener.getLogger();
        synchronized (out) {
            out.println(masker.mask(line));
        }
    }
}
