package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free TCP ports on 127.0.0.1 for throwaway servers.
 *
 * <p>Ports come from below the kernel's ephemeral range (so an outgoing connection cannot grab a port
 * between "picked" and "server bound", or while a fixture is stopped and restarted), are never handed out
 * twice in one JVM, and are reserved across JVMs (parallel forks, a second build) with an advisory lock on
 * {@code /tmp/squadtest-ports/<port>.lock} held until this JVM exits.
 */
public final class FreePorts {
    private static final Path LOCK_DIR = Path.of(System.getProperty("squad.testbed.tmp", "/tmp"), "squadtest-ports");
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    private static final List<FileChannel> HELD = new ArrayList<>();

    private FreePorts() {
    }

    /** A port nobody listens on right now, reserved for this JVM. */
    public static synchronized int next() {
        int[] range = range();
        int size = range[1] - range[0];
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = range[0] + (start + i) % size;
            if (HANDED_OUT.contains(port) || !reserve(port)) {
                continue;
            }
            HANDED_OUT.add(port);
            if (isBindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 in " + range[0] + ".." + range[1]);
    }

    /** Whether a server could bind 127.0.0.1:{@code port} now. */
    public static boolean isBindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as the real servers do: TIME_WAIT leftovers don't count as "in use"
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** [low, high): 15000 up to the start of net.ipv4.ip_local_port_range (usually 32768). */
    static int[] range() {
        int ephemeralLow = 32768;
        try {
            // procfs reports size 0: read the stream, not Files.readString
            String text;
            try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            }
            String[] r = text.trim().split("\\s+");
            ephemeralLow = Integer.parseInt(r[0]);
        } catch (IOException | RuntimeException ignored) {
            // keep the Linux default
        }
        if (ephemeralLow >= 20000) {
            return new int[] {15000, ephemeralLow};
        }
        return new int[] {61000, 65535}; // unusual kernel config: use the space above the default range
    }

    private static boolean reserve(int port) {
        try {
            if (!Files.isDirectory(LOCK_DIR)) {
                Files.createDirectories(LOCK_DIR);
                try {
                    Files.setPosixFilePermissions(LOCK_DIR, PosixFilePermissions.fromString("rwxrwxrwx"));
                } catch (IOException | UnsupportedOperationException ignored) {
                    // best effort
                }
            }
            FileChannel ch = FileChannel.open(LOCK_DIR.resolve(port + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (IOException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                return false;
            }
            HELD.add(ch); // released by the OS when this JVM exits
            return true;
        } catch (IOException e) {
            return true; // cannot lock (read-only /tmp?): fall back to the bind test alone
        }
    }
}
