package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * JVM-wide bookkeeping of the testbed, so nothing leaks:
 * <ul>
 *   <li>every fixture is {@link #track tracked}; tests close their fixtures (try-with-resources,
 *       {@code @AfterAll}), {@link TestbedExtension} closes what a test class left open, and one shutdown
 *       hook closes anything still open at JVM exit;</li>
 *   <li>every fixture works in its own {@code /tmp/squadtest-<kind>-*} directory holding an {@code .owner}
 *       file (this JVM's pid) and a {@code .pids} file (the server processes started in it). On first use,
 *       directories whose owner JVM is gone (a crashed or killed earlier run) are reaped: their processes
 *       are killed and the directory deleted. Directories of a live JVM (a parallel build) are left alone;</li>
 *   <li>containers labelled {@code squad.test=1} or named {@code squadtest-*} whose {@code squad.test.pid}
 *       JVM is gone are removed by {@link #reapLeftoverContainers} (called by {@link DockerFixture#get()}).</li>
 * </ul>
 */
public final class Testbed {
    /** Base directory of all work dirs; must be traversable by the PostgreSQL OS user (/tmp is). */
    static final Path ROOT = Path.of(System.getProperty("squad.testbed.tmp", "/tmp"));
    static final String PREFIX = "squadtest-";
    /** Docker label on every container the testbed starts; its value is always "1". */
    public static final String LABEL = "squad.test";
    /** Docker label with the pid of the JVM that started the container. */
    public static final String PID_LABEL = "squad.test.pid";

    private static boolean initialized;
    private static final Deque<AutoCloseable> RESOURCES = new ArrayDeque<>();
    private static final List<Runnable> AT_EXIT = new ArrayList<>();

    private Testbed() {
    }

    public static synchronized void init() {
        if (initialized) {
            return;
        }
        initialized = true;
        Runtime.getRuntime().addShutdownHook(new Thread(Testbed::shutdown, "squadtest-cleanup"));
        reapLeftoverDirs();
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A random alphanumeric secret (generated passwords: never a fixed one a stray server might share). */
    public static String newSecret(int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    public static long jvmPid() {
        return ProcessHandle.current().pid();
    }

    /** A fresh private work directory {@code /tmp/squadtest-<kind>-NNN} owned by this JVM. */
    public static Path newWorkDir(String kind) {
        init();
        try {
            Path dir = Files.createTempDirectory(ROOT, PREFIX + kind + "-");
            Files.writeString(dir.resolve(".owner"), Long.toString(jvmPid()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work dir under " + ROOT, e);
        }
    }

    /** Remembers a server pid started in {@code workDir}, for the reaper of a later run if this JVM dies hard. */
    static void recordPid(Path workDir, long pid) {
        try {
            Files.writeString(workDir.resolve(".pids"), pid + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // best effort: the shutdown hook is the main cleanup
        }
    }

    public static synchronized <T extends AutoCloseable> T track(T resource) {
        init();
        RESOURCES.push(resource);
        return resource;
    }

    public static synchronized void untrack(AutoCloseable resource) {
        RESOURCES.remove(resource);
    }

    /** Runs after all tracked resources are closed at JVM exit (used to stop a dockerd we started). */
    static synchronized void atExit(Runnable action) {
        init();
        AT_EXIT.add(action);
    }

    /** The fixtures open right now, newest first. */
    public static synchronized List<AutoCloseable> open() {
        return new ArrayList<>(RESOURCES);
    }

    /** Closes every fixture still open, newest first (all of this JVM: see {@link TestbedExtension} for one class). */
    public static void closeAll() {
        closeAllExcept(List.of());
    }

    /** Closes the open fixtures that are not in {@code keep} (compared by identity), newest first. */
    public static void closeAllExcept(java.util.Collection<AutoCloseable> keep) {
        java.util.Set<AutoCloseable> spared = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        spared.addAll(keep);
        for (AutoCloseable next : open()) {
            if (spared.contains(next)) {
                continue;
            }
            try {
                next.close();
            } catch (Exception e) {
                System.err.println("[squadtest] failed to close " + next + ": " + e);
            }
            untrack(next);
        }
    }

    private static void shutdown() {
        closeAll();
        List<Runnable> actions;
        synchronized (Testbed.class) {
            actions = new ArrayList<>(AT_EXIT);
        }
        for (Runnable a : actions) {
            try {
                a.run();
            } catch (RuntimeException e) {
                System.err.println("[squadtest] exit action failed: " + e);
            }
        }
    }

    /** Whether {@code pid} is a running JVM (a pid reused by another program does not count). */
    static boolean isLiveJvm(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        return h.get().info().command().map(c -> c.contains("java"))
                .orElse(true);
    }

    private static void reapLeftoverDirs() {
        if (!Files.isDirectory(ROOT)) {
            return;
        }
        List<Path> dead = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ROOT)) {
            dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(d.resolve(".owner")))
                    .forEach(d -> {
                        try {
                            long owner = Long.parseLong(Files.readString(d.resolve(".owner")).trim());
                            if (owner != jvmPid() && !isLiveJvm(owner)) {
                                dead.add(d);
                            }
                        } catch (IOException | NumberFormatException ignored) {
                            // half-written by a live JVM, or not ours: leave it
                        }
                    });
        } catch (IOException e) {
            return;
        }
        for (Path d : dead) {
            killRecordedProcesses(d);
            deleteRecursively(d);
        }
    }

    /** Kills the processes listed in {@code dir/.pids} whose command line still mentions {@code dir}. */
    private static void killRecordedProcesses(Path dir) {
        Path pids = dir.resolve(".pids");
        if (!Files.isRegularFile(pids)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(pids)) {
                if (line.isBlank()) {
                    continue;
                }
                long pid = Long.parseLong(line.trim());
                Optional<ProcessHandle> h = ProcessHandle.of(pid);
                if (h.isEmpty() || !belongsTo(pid, dir)) {
                    continue;
                }
                List<ProcessHandle> tree = new ArrayList<>(h.get().descendants().toList());
                h.get().destroyForcibly();
                tree.forEach(ProcessHandle::destroyForcibly);
                h.get().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                System.err.println("[squadtest] killed leftover process " + pid + " of " + dir);
            }
        } catch (Exception e) {
            System.err.println("[squadtest] could not reap " + dir + ": " + e);
        }
    }

    /** A recorded pid is only killed if it still is ours: its command line or working dir names the work dir. */
    private static boolean belongsTo(long pid, Path dir) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
            if (new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').contains(dir.getFileName().toString())) {
                return true;
            }
        } catch (IOException ignored) {
            // gone, or not readable
        }
        try {
            return Files.readSymbolicLink(proc.resolve("cwd")).startsWith(dir);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * {@code docker run} arguments that mark a container as this JVM's test container, so the reaper of a
     * later run removes it if this JVM dies, and a parallel build's reaper leaves it alone. Tests that
     * create containers themselves (or make the product do so) should add them.
     */
    public static List<String> containerLabelArgs() {
        return List.of("--label", LABEL + "=1", "--label", PID_LABEL + "=" + jvmPid());
    }

    /**
     * Removes containers of earlier runs whose JVM is gone: label {@code squad.test} or name prefix
     * {@code squadtest-}. Containers of a live JVM (a parallel build) stay. One without the pid label is
     * removed only if it was created before this JVM started (a leftover of an earlier run); a newer one may
     * belong to a build running in parallel and is spared.
     */
    public static void reapLeftoverContainers(DockerFixture docker) {
        List<String> stale = new ArrayList<>();
        for (String filter : List.of("label=" + LABEL, "name=" + PREFIX)) {
            Proc.Result r = docker.run(Duration.ofSeconds(30), "ps", "-a", "--filter", filter,
                    "--format", "{{.ID}}\t{{.Names}}\t{{.Label \"" + PID_LABEL + "\"}}\t{{.CreatedAt}}");
            if (!r.ok()) {
                continue;
            }
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split("\t", -1);
                if (f.length < 2 || f[0].isBlank()) {
                    continue;
                }
                if (filter.startsWith("name=") && !f[1].startsWith(PREFIX)) {
                    continue; // the name filter matches substrings
                }
                long owner = -1;
                if (f.length > 2 && !f[2].isBlank()) {
                    try {
                        owner = Long.parseLong(f[2].trim());
                    } catch (NumberFormatException ignored) {
                        // treat as ownerless
                    }
                }
                if (owner == jvmPid() || (owner > 0 && isLiveJvm(owner))) {
                    continue;
                }
                if (owner <= 0 && f.length > 3 && createdAfterThisJvm(f[3])) {
                    continue; // unlabelled and new: may belong to a build running in parallel
                }
                if (!stale.contains(f[0])) {
                    stale.add(f[0]);
                }
            }
        }
        if (!stale.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
            args.addAll(stale);
            docker.run(Duration.ofSeconds(60), args.toArray(String[]::new));
            System.err.println("[squadtest] removed leftover containers " + stale);
        }
    }

    private static boolean createdAfterThisJvm(String createdAt) {
        try {
            // docker ps: "2026-11-22 02:25:30 +0000 UTC"
            java.time.OffsetDateTime created = java.time.OffsetDateTime.parse(createdAt.substring(0, 25),
                    java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z"));
            return ProcessHandle.current().info().startInstant()
                    .map(start -> created.toInstant().isAfter(start)).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // keep going; report below if the root survives
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // reported below
        }
        if (Files.exists(root)) {
            System.err.println("[squadtest] could not fully delete " + root);
        }
    }
}
