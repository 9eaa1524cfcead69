package io.jenkins.plugins.squaddeploy.engine.report;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CommandRunner} that keeps what every command printed, for the deploy report: the console shows a tool's last
 * lines, the report's output file all of it (as much as the runner kept). Secrets are not here to begin with (commands
 * carry them in env or stdin, never in argv) and the report masks the text again when it is written.
 */
public final class ToolOutputs implements CommandRunner {
    static final int MAX_COMMANDS = 200;
    private final CommandRunner delegate;
    private final List<String> sections = new ArrayList<>();
    private int dropped;

    public ToolOutputs(CommandRunner delegate) {
        this.delegate = delegate;
    }

    @Override
    public CommandResult run(CommandRequest request) throws IOException, InterruptedException {
        Instant at = Instant.now();
        CommandResult r;
        try {
            r = delegate.run(request);
        } catch (IOException e) {
            record("$ " + String.join(" ", request.argv()) + "\n[" + at + "] could not run: " + e.getMessage() + "\n");
            throw e;
        }
        StringBuilder b = new StringBuilder();
        b.append("$ ").append(String.join(" ", request.argv())).append('\n')
         .append('[').append(at).append("] ").append(r.timedOut() ? "timed out" : "exit " + r.exitCode()).append(" after ").append(r.elapsedMs()).append(" ms\n");
        if (r.stdout() != null && !r.stdout().isBlank()) {
            b.append(r.stdout().endsWith("\n") ? r.stdout() : r.stdout() + "\n");
        }
        if (r.stderr() != null && !r.stderr().isBlank()) {
            b.append("[stderr]\n").append(r.stderr().endsWith("\n") ? r.stderr() : r.stderr() + "\n");
        }
        record(b.toString());
        return r;
    }

    private synchronized void record(String section) {
        if (sections.size() < MAX_COMMANDS) {
            sections.add(section);
        } else {
            dropped++;
        }
    }

    public synchronized int commands() {
        return sections.size() + dropped;
    }

    /** Everything recorded as one text (one section per command), or null when no command ran. */
    public synchronized String text() {
        if (sections.isEmpty()) {
            return null;
        }
        return String.join("\n", sections) + (dropped == 0 ? "" : "\n[" + dropped + " more command(s) not kept]\n");
    }

    /** Adds the recorded text to {@code event} as one output file named {@code name}. */
    public ReportEvent.Builder addTo(ReportEvent.Builder event, String name) {
        String t = text();
        return t == null ? event : event.output(name + " (" + commands() + " command(s))", t);
    }
}
