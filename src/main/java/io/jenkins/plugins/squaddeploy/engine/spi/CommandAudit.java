package io.jenkins.plugins.squaddeploy.engine.spi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An opt-in record of every command line Squad Deploy starts, for audits ("no secret is ever on a command line"):
 * every runner ({@link LocalCommandRunner}, the Jenkins launcher runner, the snapshot tools' runner) reports the argv
 * it is about to start, and the names (never the values) of the variables it adds. Off unless asked for:
 * <ul>
 *   <li>system property {@value #PROPERTY} or environment variable {@value #ENV} = a directory: each process appends
 *       one JSON line per command to {@code <dir>/argv-<pid>.jsonl} ({@code {"pid":…,"runner":…,"argv":[…],"envKeys":[…]}});</li>
 *   <li>{@link #addListener} in the same JVM (tests).</li>
 * </ul>
 * argv is what {@code ps} shows every user of the machine; recording it adds nothing that was not already public.
 */
public final class CommandAudit {
    public static final String PROPERTY = "squad.argv.audit";
    public static final String ENV = "SQUAD_ARGV_AUDIT";

    /** One started command: which runner, its argv, the names of the variables it was given. */
    public record Entry(String runner, List<String> argv, Set<String> envKeys) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Consumer<Entry>> LISTENERS = new CopyOnWriteArrayList<>();
    private static final Object FILE_LOCK = new Object();

    private CommandAudit() {
    }

    public static void addListener(Consumer<Entry> listener) {
        LISTENERS.add(listener);
    }

    public static void removeListener(Consumer<Entry> listener) {
        LISTENERS.remove(listener);
    }

    /** Called by a runner just before it starts {@code argv}. Never fails the command: an audit that cannot be written is skipped. */
    public static void record(String runner, List<String> argv, Set<String> envKeys) {
        Entry e = new Entry(runner, List.copyOf(argv), envKeys == null ? Set.of() : new TreeSet<>(envKeys));
        for (Consumer<Entry> l : LISTENERS) {
            try {
                l.accept(e);
            } catch (RuntimeException ignored) {
                // a listener's problem is not the command's
            }
        }
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Map<String, Object> line = new LinkedHashMap<>();
            long pid = ProcessHandle.current().pid();
            line.put("pid", pid);
            line.put("runner", runner);
            line.put("argv", e.argv());
            line.put("envKeys", e.envKeys());
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            Path d = Path.of(dir);
            synchronized (FILE_LOCK) {
                Files.createDirectories(d);
                Files.write(d.resolve("argv-" + pid + ".jsonl"), bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException | RuntimeException ignored) {
            // auditing is best effort; the command runs either way
        }
    }
}
