package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Locates the real server binaries the fixtures run. A missing one is a {@link MissingBinaryException}
 * naming the Debian package, never a skip.
 */
public final class Binaries {
    private static final String INSTALL_HINT = " (run .ci/install-testbed.sh as root)";

    private Binaries() {
    }

    /** The program {@code name}: first existing executable among {@code candidates}, then on PATH (plus sbin dirs). */
    public static Path require(String name, String debianPackage, String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : searchPath()) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new MissingBinaryException("'" + name + "' not found: install the Debian package '" + debianPackage
                + "'" + INSTALL_HINT + ". Looked in " + List.of(candidates) + " and " + searchPath());
    }

    /** Debian's chromium, for the deploy report's browser test. */
    public static Path chromium() {
        return require("chromium", "chromium", "/usr/bin/chromium");
    }

    /** A PostgreSQL server-side tool: /usr/lib/postgresql/15/bin first, then the newest other major version. */
    public static Path postgres(String tool) {
        List<String> candidates = new ArrayList<>();
        candidates.add("/usr/lib/postgresql/15/bin/" + tool);
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                versions.sorted(Comparator.comparing((Path p) -> versionOf(p)).reversed())
                        .forEach(p -> candidates.add(p.resolve("bin").resolve(tool).toString()));
            } catch (IOException ignored) {
                // fall through to the error below
            }
        }
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new MissingBinaryException("PostgreSQL '" + tool + "' not found in /usr/lib/postgresql/*/bin: install the"
                + " Debian package 'postgresql-15'" + INSTALL_HINT);
    }

    private static int versionOf(Path p) {
        try {
            return Integer.parseInt(p.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static Path redisServer() {
        return require("redis-server", "redis-server", "/usr/bin/redis-server");
    }

    public static Path nginx() {
        return require("nginx", "nginx-light", "/usr/sbin/nginx");
    }

    public static Path haproxy() {
        return require("haproxy", "haproxy", "/usr/sbin/haproxy");
    }

    public static Path prometheus() {
        return require("prometheus", "prometheus", "/usr/bin/prometheus");
    }

    public static Path docker() {
        return require("docker", "docker.io", "/usr/bin/docker");
    }

    public static Path dockerd() {
        return require("dockerd", "docker.io", "/usr/sbin/dockerd", "/usr/bin/dockerd");
    }

    public static Path setpriv() {
        return require("setpriv", "util-linux", "/usr/bin/setpriv");
    }

    public static Path useradd() {
        return require("useradd", "passwd", "/usr/sbin/useradd");
    }

    /** A statically linked busybox: it is copied into the sample-service image, which has no libc. */
    public static Path busyboxStatic() {
        Path p = require("busybox", "busybox-static", "/bin/busybox", "/usr/bin/busybox");
        try {
            if (!isStaticElf(p)) {
                throw new MissingBinaryException(p + " is dynamically linked: install the Debian package"
                        + " 'busybox-static' (it replaces 'busybox')" + INSTALL_HINT);
            }
        } catch (IOException e) {
            throw new MissingBinaryException("cannot read " + p + ": " + e + "; install 'busybox-static'" + INSTALL_HINT);
        }
        return p;
    }

    /** Whether this JVM runs with effective uid 0 (then PostgreSQL must be run as another user). */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** True for a 64-bit little-endian ELF without a PT_INTERP program header (no dynamic loader). */
    static boolean isStaticElf(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64);
        }
        if (head.length < 64 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F' || head[4] != 2) {
            return false;
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(head[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long phoff = h.getLong(32);
        int phentsize = Short.toUnsignedInt(h.getShort(54));
        int phnum = Short.toUnsignedInt(h.getShort(56));
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(h.order());
        for (int i = 0; i < phnum; i++) {
            long off = phoff + (long) i * phentsize;
            if (off + 4 > all.length) {
                return false;
            }
            if (b.getInt((int) off) == 3) { // PT_INTERP
                return false;
            }
        }
        return true;
    }

    private static List<String> searchPath() {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        return new ArrayList<>(dirs);
    }
}
