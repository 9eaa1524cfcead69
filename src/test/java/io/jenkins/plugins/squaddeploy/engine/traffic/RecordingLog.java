package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A console that keeps its lines (and echoes them to stdout for the surefire report). */
final class RecordingLog implements ConsoleLog {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void info(String line) {
        lines.add(line);
        System.out.println(line);
    }

    @Override
    public void warn(String line) {
        info("WARNING: " + line);
    }

    String text() {
        return String.join("\n", lines);
    }
}
