package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the {@code squad-sample:<version>} image without any registry:
 * <ol>
 *   <li>base {@code squad-sample-base:<hash>}: {@code docker import} of a rootfs tarball assembled here from
 *       the static {@code /bin/busybox} (package busybox-static) plus symlinks for the applets the scripts
 *       use;</li>
 *   <li>{@code docker build} (classic builder, offline) FROM that base, adding
 *       {@code sample-service/entrypoint.sh} and {@code handler.sh} (test resources of this package) under
 *       /app, {@code ENV VERSION=<version>}, knob defaults and a HEALTHCHECK on /health/ready.</li>
 * </ol>
 * Both steps are skipped when the image exists with the same {@code squad.sample.hash} label, a hash of the
 * busybox binary, the applet list, the scripts and the Dockerfile, so changing a script rebuilds. Builds
 * are serialized across JVMs with a lock file.
 */
public final class SampleServiceImage {
    public static final String REPOSITORY = "squad-sample";
    public static final String HASH_LABEL = "squad.sample.hash";
    static final List<String> APPLETS = List.of("sh", "ash", "cat", "sleep", "usleep", "date", "wget", "awk", "sed",
            "mkdir", "echo", "expr", "nc", "head", "tail", "wc", "printf", "kill", "env", "ls", "rm", "test", "[",
            "true", "false", "grep", "cut", "tr", "sort", "uniq", "id", "ps", "touch", "mv", "cp", "chmod", "ln",
            "hostname", "seq", "timeout", "cksum");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final String DOCKERFILE = String.join("\n",
            "FROM @BASE@",
            "COPY app/ /app/",
            "ARG VERSION=0.0.0",
            "ENV VERSION=$VERSION PORT=8080 HEALTH_STATUS=healthy SERVICES_POSTGRES=connected SERVICES_REDIS=connected \\",
            "    ERROR_RATE=0 LATENCY_MS=0 START_DELAY_S=0 HEALTH_LATENCY_MS=0",
            "LABEL " + HASH_LABEL + "=@HASH@ squad.sample.version=$VERSION squad.test.image=1",
            "HEALTHCHECK --interval=1s --timeout=2s --retries=3 CMD wget -q -O- \"http://127.0.0.1:$PORT/health/ready\" || exit 1",
            "CMD [\"/app/entrypoint.sh\"]",
            "");

    private SampleServiceImage() {
    }

    /** Makes sure {@code squad-sample:<version>} exists and is current; returns the image reference. */
    public static synchronized String ensure(DockerFixture docker, String version) {
        if (!TAG.matcher(version).matches()) {
            throw new IllegalArgumentException("not a valid image tag: " + version);
        }
        String image = REPOSITORY + ":" + version;
        byte[] entrypoint = resource("entrypoint.sh");
        byte[] handler = resource("handler.sh");
        Path busybox = Binaries.busyboxStatic();
        String baseHash;
        try {
            baseHash = sha256(Files.readAllBytes(busybox), String.join(" ", APPLETS).getBytes(StandardCharsets.UTF_8))
                    .substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String base = REPOSITORY + "-base:" + baseHash;
        String hash = sha256(base.getBytes(StandardCharsets.UTF_8), entrypoint, handler,
                DOCKERFILE.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        if (hash.equals(labelOf(docker, image))) {
            return image;
        }
        Path lockFile = Testbed.ROOT.resolve("squadtest-image.lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            if (hash.equals(labelOf(docker, image))) {
                return image; // built by a parallel JVM meanwhile
            }
            Path work = Testbed.newWorkDir("image");
            try {
                if (!docker.run(Duration.ofSeconds(30), "image", "inspect", base).ok()) {
                    importBase(docker, busybox, base, work);
                }
                Path ctx = work.resolve("context");
                Files.createDirectories(ctx.resolve("app"));
                writeExecutable(ctx.resolve("app/entrypoint.sh"), entrypoint);
                writeExecutable(ctx.resolve("app/handler.sh"), handler);
                Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE.replace("@BASE@", base).replace("@HASH@", hash));
                docker.run(Duration.ofMinutes(5), Map.of("DOCKER_BUILDKIT", "0"), "build", "-q", "--rm",
                        "--build-arg", "VERSION=" + version, "-t", image, ctx.toString()).orThrow();
            } finally {
                Testbed.deleteRecursively(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("building " + image, e);
        }
        String built = labelOf(docker, image);
        if (!hash.equals(built)) {
            throw new IllegalStateException("built " + image + " but its " + HASH_LABEL + " is '" + built + "', expected " + hash);
        }
        return image;
    }

    private static void importBase(DockerFixture docker, Path busybox, String base, Path work) throws IOException {
        Path root = work.resolve("rootfs");
        for (String d : List.of("bin", "app", "etc", "www", "proc", "sys", "dev")) {
            Files.createDirectories(root.resolve(d));
        }
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.copy(busybox, root.resolve("bin/busybox"));
        Files.setPosixFilePermissions(root.resolve("bin/busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Path tar = work.resolve("rootfs.tar");
        Proc.run(Duration.ofMinutes(2), "tar", "--numeric-owner", "--owner=0", "--group=0", "-C", root.toString(),
                "-cf", tar.toString(), ".").orThrow();
        docker.run(Duration.ofMinutes(2), "import", "--change", "ENV PATH=/bin", "--message",
                "squad-deploy test base: static busybox", tar.toString(), base).orThrow();
    }

    private static String labelOf(DockerFixture docker, String image) {
        Proc.Result r = docker.run(Duration.ofSeconds(30), "image", "inspect", "--format",
                "{{index .Config.Labels \"" + HASH_LABEL + "\"}}", image);
        return r.ok() ? r.stdout().trim() : null;
    }

    private static byte[] resource(String name) {
        try (InputStream in = SampleServiceImage.class.getResourceAsStream("sample-service/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource sample-service/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeExecutable(Path p, byte[] content) throws IOException {
        Files.write(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(Integer.toString(p.length).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(p);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
