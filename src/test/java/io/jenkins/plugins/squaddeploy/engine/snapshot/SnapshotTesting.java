package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A console that keeps (masked) lines, a tool runner that records every command line, and helpers shared by the snapshot tests. */
final class SnapshotTesting {
    final Masker masker = new Masker();
    final List<String> console = Collections.synchronizedList(new ArrayList<>());
    final List<ToolRunner.Invocation> invocations = Collections.synchronizedList(new ArrayList<>());
    final ConsoleLog log = new ConsoleLog() {
        @Override
        public void info(String line) {
            String m = masker.mask(line);
            console.add(m);
            System.out.println(m);
        }

        @Override
        public void warn(String line) {
            info("WARNING: " + line);
        }
    };
    ToolRunner tools = new ToolRunner(System.getenv()).observe(invocations::add);

    SnapshotTesting(String... secrets) {
        for (String s : secrets) {
            masker.add(s);
        }
    }

    SnapshotTesting withEnv(Map<String, String> env) {
        tools = new ToolRunner(env).observe(invocations::add);
        return this;
    }

    SnapshotService service() {
        return new SnapshotService(tools, log, Clock.systemUTC());
    }

    SnapshotService service(Clock clock) {
        return new SnapshotService(tools, log, clock);
    }

    Map<String, Object> run(SnapshotRequest.Builder b) throws Exception {
        return service().run(b.progressEvery(Duration.ofMillis(200)).build());
    }

    String console() {
        synchronized (console) {
            return String.join("\n", console);
        }
    }

    /** No command line of any tool started so far holds one of {@code secrets}. */
    void assertNoSecretOnAnyCommandLine(String... secrets) {
        assertThat(invocations).as("tools started").isNotEmpty();
        synchronized (invocations) {
            for (ToolRunner.Invocation i : invocations) {
                for (String s : secrets) {
                    assertThat(String.join(" ", i.argv())).as("command line of %s", i.argv().get(0)).doesNotContain(s);
                }
            }
        }
    }

    static List<String> ids(Path store) throws IOException {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(store)) {
            return s.map(p -> p.getFileName().toString()).filter(SnapshotId::isValid).sorted().toList();
        }
    }

    /** What is under the store's .tmp/ (interrupted or running snapshots). */
    static List<String> pending(Path store) throws IOException {
        Path tmp = store.resolve(SnapshotStore.TMP);
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The password files this JVM has left (there must be none once an action is over). */
    static Set<String> passwordFiles() throws IOException {
        return passwordFilesOf(ProcessHandle.current().pid());
    }

    static Set<String> passwordFilesOf(long pid) throws IOException {
        Path dir = PasswordFiles.dir();
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pgpass-" + pid + "-")).collect(Collectors.toSet());
        }
    }
}
