package io.jenkins.plugins.squaddeploy.engine.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link DeployFiles} on this machine. Locks are OS file locks ({@link FileChannel#tryLock()}, fcntl on Linux)
 * held by this process, so another process (a second CLI, another agent JVM on the same state directory) waits, and
 * the OS releases the lock when this process dies. Within one JVM (two builds on the same agent) a registry keeps
 * the lock, since a JVM cannot lock a file twice; each lock there is a lease that its holder renews every few
 * seconds, and a lease not renewed for {@link #LEASE_MS} (the controller that ran the deploy died while this agent
 * lives on) is given to the next deploy that asks.
 */
public final class LocalDeployFiles implements DeployFiles {
    public static final long LEASE_MS = TimeUnit.SECONDS.toMillis(90);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Held> HELD = new HashMap<>();

    private final Path workDir;

    private static final class Held {
        final String token;
        final FileChannel channel;
        final FileLock lock;
        volatile long renewedAtNanos;

        Held(String token, FileChannel channel, FileLock lock) {
            this.token = token;
            this.channel = channel;
            this.lock = lock;
            this.renewedAtNanos = System.nanoTime();
        }
    }

    /** {@link DeployFiles} against the directory {@code workDir} (an agent's workspace, given as a string). */
    public static LocalDeployFiles at(String workDir) {
        return new LocalDeployFiles(workDir == null ? null : Path.of(workDir));
    }

    /** @param workDir what relative paths are resolved against; null: the current directory */
    public LocalDeployFiles(Path workDir) {
        this.workDir = workDir == null ? Path.of("").toAbsolutePath() : workDir.toAbsolutePath();
    }

    @Override
    public String resolve(String path) {
        return workDir.resolve(path).normalize().toString();
    }

    @Override
    public boolean isRegularFile(String path) {
        return Files.isRegularFile(Path.of(resolve(path)));
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(Path.of(resolve(path)));
    }

    @Override
    public String read(String path) throws IOException {
        try {
            return Files.readString(Path.of(resolve(path)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void writeAtomically(String path, String text) throws IOException {
        Path target = Path.of(resolve(path));
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes(4)));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public LockResult tryLock(String lockFile, Map<String, String> holder) throws IOException {
        Path lock = Path.of(resolve(lockFile));
        String key = lock.toString();
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h != null) {
                if (System.nanoTime() - h.renewedAtNanos < TimeUnit.MILLISECONDS.toNanos(LEASE_MS)) {
                    return new LockResult(null, readHolder(lock));
                }
                release(key, h); // its holder stopped renewing the lease: the controller that ran it is gone
            }
            Files.createDirectories(lock.getParent());
            FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fl;
            try {
                fl = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (fl == null) {
                ch.close();
                return new LockResult(null, readHolder(lock));
            }
            // a holder file under a free lock: its holder ended without unlocking (kill -9, crash, lease run out)
            Map<String, String> stale = readHolder(lock);
            String token = HexFormat.of().formatHex(randomBytes(16));
            Map<String, String> me = new LinkedHashMap<>(holder);
            me.put("host", hostName());
            me.put("pid", Long.toString(ProcessHandle.current().pid()));
            me.put("since", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            try {
                writeAtomically(holderFile(lock).toString(), JSON.writeValueAsString(me) + "\n");
            } catch (IOException e) {
                fl.release();
                ch.close();
                throw e;
            }
            HELD.put(key, new Held(token, ch, fl));
            return new LockResult(token, me, stale.isEmpty() ? null : stale);
        }
    }

    @Override
    public void renewLock(String lockFile, String token) throws IOException {
        synchronized (HELD) {
            Held h = HELD.get(Path.of(resolve(lockFile)).toString());
            if (h == null || !h.token.equals(token)) {
                throw new IOException("the deploy lock " + lockFile + " was lost (its lease of " + LEASE_MS / 1000 + " s ran out without renewal)");
            }
            h.renewedAtNanos = System.nanoTime();
        }
    }

    @Override
    public void unlock(String lockFile, String token) throws IOException {
        Path lock = Path.of(resolve(lockFile));
        synchronized (HELD) {
            Held h = HELD.get(lock.toString());
            if (h != null && h.token.equals(token)) {
                Files.deleteIfExists(holderFile(lock));
                release(lock.toString(), h);
            }
        }
    }

    private static void release(String key, Held h) {
        HELD.remove(key);
        try {
            h.lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        try {
            h.channel.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    private static Path holderFile(Path lock) {
        return lock.resolveSibling(lock.getFileName() + ".json");
    }

    private static Map<String, String> readHolder(Path lock) {
        try {
            String text = Files.readString(holderFile(lock), StandardCharsets.UTF_8);
            Map<String, Object> m = JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
            Map<String, String> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
            return out;
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>(); // being written, or left by a holder that died: the caller says "unknown holder"
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "unknown-host" : h;
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
