package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The snapshot store: a directory on the agent.
 * <pre>
 * STORE/
 *   .lock                               held (flock) for short moments: starting, finishing, cleaning, deleting
 *   .tmp/                               work in progress, never listed
 *     &lt;id&gt;.lock                         held (flock) by the process writing &lt;id&gt; for as long as it writes
 *     &lt;id&gt;/                             the snapshot being written
 *   &lt;id&gt;/                               one complete snapshot, e.g. 20261122T023545.123Z-postgres-app/
 *     snapshot.json                     metadata, written last, never changed ({@link SnapshotMeta})
 *     verified.json                     outcome of the last verification, if any ({@link Verification})
 *     pg.dump | pg.dir/ | dump.rdb | files.tar.gz    the data (none for rds)
 * </pre>
 * A snapshot is written under {@code .tmp/<id>/} and renamed to {@code <id>/} (one atomic rename on the same file
 * system) only after its data, checksum and metadata are complete and synced. So a killed process, a full disk or a
 * lost connection leaves something only under {@code .tmp/}: never listed, never counted for retention. Its
 * {@code .lock} is released by the kernel when the writer dies, and the next action on the store deletes what is under
 * {@code .tmp/} and unlocked. Directories are 0700 and files 0600 (dumps hold the whole database).
 */
public final class SnapshotStore {
    public static final String TMP = ".tmp";
    public static final String META = "snapshot.json";
    public static final String VERIFIED = "verified.json";
    static final String STORE_LOCK = ".lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final boolean writable;

    private SnapshotStore(Path root, boolean writable) {
        this.root = root;
        this.writable = writable;
    }

    /** A complete snapshot in the store. */
    public record Snapshot(String id, Path dir, SnapshotMeta meta, Verification verification) {
        public boolean verified() {
            return verification != null && verification.ok();
        }

        public Instant time() {
            return SnapshotId.time(id);
        }
    }

    /**
     * Opens the store. {@code forWriting}: creates it (0700) when missing and proves it writable by creating and
     * deleting a file; otherwise a missing store is an empty one and a read-only store can still be listed.
     */
    public static SnapshotStore open(Path root, boolean forWriting) throws SnapshotException {
        Path r = root.toAbsolutePath().normalize();
        if (Files.exists(r) && !Files.isDirectory(r)) {
            throw new SnapshotException("store " + r + " is not a directory");
        }
        if (!forWriting) {
            return new SnapshotStore(r, Files.isDirectory(r) && probe(r) == null);
        }
        try {
            if (!Files.isDirectory(r)) {
                Files.createDirectories(r, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectories(r.resolve(TMP));
        } catch (IOException e) {
            throw new SnapshotException("store " + r + " is not writable: " + reason(e) + "; the existing snapshots were not changed");
        }
        String problem = probe(r);
        if (problem != null) {
            throw new SnapshotException("store " + r + " is not writable: " + problem + "; the existing snapshots were not changed");
        }
        return new SnapshotStore(r, true);
    }

    private static String probe(Path r) {
        Path p = r.resolve(TMP).resolve(".probe-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1_000_000));
        try {
            if (!Files.isDirectory(r.resolve(TMP))) {
                Path q = r.resolve(".probe-" + ProcessHandle.current().pid());
                Files.write(q, new byte[0], StandardOpenOption.CREATE_NEW);
                Files.delete(q);
                return null;
            }
            Files.write(p, new byte[0], StandardOpenOption.CREATE_NEW);
            Files.delete(p);
            return null;
        } catch (IOException e) {
            return reason(e);
        }
    }

    public Path root() {
        return root;
    }

    public boolean writable() {
        return writable;
    }

    /** Complete snapshots, oldest first (by ID, which is by time). Unreadable metadata is reported and skipped. */
    public List<Snapshot> list(ConsoleLog log) throws SnapshotException {
        List<Snapshot> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!SnapshotId.isValid(name) || !Files.isDirectory(d)) {
                    continue;
                }
                Path meta = d.resolve(META);
                if (!Files.isRegularFile(meta)) {
                    log.warn("dbSnapshot: " + d + " has no " + META + "; it is not a snapshot and is left alone");
                    continue;
                }
                try {
                    SnapshotMeta m = SnapshotMeta.read(meta);
                    if (!name.equals(m.id())) {
                        log.warn("dbSnapshot: " + meta + " names snapshot " + m.id() + "; skipped");
                        continue;
                    }
                    out.add(new Snapshot(name, d, m, readVerification(d)));
                } catch (IOException e) {
                    log.warn("dbSnapshot: cannot read " + meta + " (" + reason(e) + "); skipped");
                }
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot list store " + root + ": " + reason(e));
        }
        out.sort(Comparator.comparing(Snapshot::id));
        return out;
    }

    public Optional<Snapshot> find(String id, ConsoleLog log) throws SnapshotException {
        return list(log).stream().filter(s -> s.id().equals(id)).findFirst();
    }

    private static Verification readVerification(Path dir) {
        Path v = dir.resolve(VERIFIED);
        if (!Files.isRegularFile(v)) {
            return null;
        }
        try {
            return SnapshotMeta.JSON.readValue(v.toFile(), Verification.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes what interrupted snapshots left under .tmp/ (their writer is gone: its lock is free). */
    public int cleanInterrupted(ConsoleLog log) throws SnapshotException {
        if (!writable || !Files.isDirectory(root.resolve(TMP))) {
            return 0;
        }
        return withStoreLock(() -> {
            Path tmp = root.resolve(TMP);
            List<Path> entries;
            try (Stream<Path> s = Files.list(tmp)) {
                entries = s.sorted().toList();
            }
            int removed = 0;
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (name.startsWith(".probe-")) {
                    continue;
                }
                if (name.endsWith(".lock")) {
                    String id = name.substring(0, name.length() - ".lock".length());
                    if (lockIsFree(e)) {
                        Path dir = tmp.resolve(id);
                        long bytes = sizeOf(dir);
                        deleteRecursively(dir);
                        Files.deleteIfExists(e);
                        log.info("dbSnapshot: removed interrupted snapshot " + id + " (" + Progress.bytes(bytes) + ") left by an earlier run");
                        removed++;
                    }
                } else if (Files.isDirectory(e) && (name.contains(".deleting-") || !Files.exists(tmp.resolve(name + ".lock")))) {
                    long bytes = sizeOf(e);
                    deleteRecursively(e);
                    if (!name.contains(".deleting-")) {
                        log.info("dbSnapshot: removed interrupted snapshot " + name + " (" + Progress.bytes(bytes) + ") left by an earlier run");
                        removed++;
                    }
                }
            }
            return removed;
        });
    }

    private static boolean lockIsFree(Path lockFile) {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException held) {
                return false; // held by this JVM: a snapshot in progress here
            }
            if (l == null) {
                return false;
            }
            l.release();
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts a new snapshot of {@code series}: a unique ID at {@code now}, its locked work dir under .tmp/. */
    public Pending begin(String series, Instant now) throws SnapshotException {
        return withStoreLock(() -> {
            Instant t = now;
            String id = SnapshotId.of(t, series);
            while (Files.exists(root.resolve(id)) || Files.exists(root.resolve(TMP).resolve(id + ".lock")) || Files.exists(root.resolve(TMP).resolve(id))) {
                t = t.plusMillis(1);
                id = SnapshotId.of(t, series);
            }
            Path lockFile = root.resolve(TMP).resolve(id + ".lock");
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                FileLock lock = ch.lock();
                Path dir = Files.createDirectory(root.resolve(TMP).resolve(id),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                return new Pending(id, t, dir, lockFile, ch, lock);
            } catch (IOException | RuntimeException e) {
                ch.close();
                Files.deleteIfExists(lockFile);
                throw e;
            }
        });
    }

    /** A snapshot being written: {@link #commit} makes it visible, {@link #abort} removes it. */
    public final class Pending implements AutoCloseable {
        private final String id;
        private final Instant time;
        private final Path dir;
        private final Path lockFile;
        private final FileChannel channel;
        private final FileLock lock;
        private boolean done;

        Pending(String id, Instant time, Path dir, Path lockFile, FileChannel channel, FileLock lock) {
            this.id = id;
            this.time = time;
            this.dir = dir;
            this.lockFile = lockFile;
            this.channel = channel;
            this.lock = lock;
        }

        public String id() {
            return id;
        }

        public Instant time() {
            return time;
        }

        public Path dir() {
            return dir;
        }

        /** Writes the metadata, syncs, and renames the work dir into the store in one atomic step. */
        public Snapshot commit(SnapshotMeta meta) throws SnapshotException {
            try {
                writeAtomically(dir.resolve(META), meta.toJson());
                syncTree(dir);
                Path target = root.resolve(id);
                withStoreLock(() -> {
                    Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                    syncDir(root);
                    return null;
                });
                done = true;
                release(true);
                return new Snapshot(id, target, meta, null);
            } catch (SnapshotException e) {
                abort();
                throw e;
            } catch (IOException e) {
                abort();
                throw new SnapshotException("cannot finish snapshot " + id + " in store " + root + ": " + reason(e)
                        + "; nothing was added to the store");
            }
        }

        /** Deletes the work dir; what cannot be deleted now is deleted by the next action on the store. */
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                deleteRecursively(dir);
            } catch (IOException ignored) {
                // left for cleanInterrupted
            }
            release(true);
        }

        private void release(boolean deleteLockFile) {
            try {
                if (deleteLockFile) {
                    Files.deleteIfExists(lockFile);
                }
            } catch (IOException ignored) {
                // an unlocked lock file is cleaned next time
            }
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }

        @Override
        public void close() {
            abort();
        }
    }

    /** Removes a complete snapshot: renamed out of the listing first, so a half-deleted one is never listed. */
    public void delete(Snapshot s) throws SnapshotException {
        withStoreLock(() -> {
            Path gone = root.resolve(TMP).resolve(s.id() + ".deleting-" + ThreadLocalRandom.current().nextInt(1_000_000));
            Files.move(s.dir(), gone, StandardCopyOption.ATOMIC_MOVE);
            syncDir(root);
            deleteRecursively(gone);
            return null;
        });
    }

    public void recordVerification(Snapshot s, Verification v) throws SnapshotException {
        try {
            writeAtomically(s.dir().resolve(VERIFIED), SnapshotMeta.JSON.writeValueAsBytes(v));
        } catch (IOException e) {
            throw new SnapshotException("cannot record the verification of " + s.id() + " in " + s.dir() + ": " + reason(e));
        }
    }

    // ---------------------------------------------------------------- locking and files

    private interface IoCallable<T> extends Callable<T> {
        @Override
        T call() throws IOException;
    }

    private <T> T withStoreLock(IoCallable<T> body) throws SnapshotException {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(root, k -> new ReentrantLock());
        jvm.lock();
        try (FileChannel ch = FileChannel.open(root.resolve(STORE_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.call();
        } catch (IOException e) {
            throw new SnapshotException("store " + root + ": " + reason(e) + "; the existing snapshots were not changed");
        } finally {
            jvm.unlock();
        }
    }

    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ThreadLocalRandom.current().nextInt(1_000_000));
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDir(file.getParent());
    }

    /** fsync of every file and directory below {@code dir} (files written by pg_dump -Fd are not synced by it). */
    static void syncTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isDirectory(p)) {
                    syncDir(p);
                } else {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    static void syncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems do not allow fsync on directories; the rename is still atomic
            if (!(e instanceof FileSystemException)) {
                throw e;
            }
        }
    }

    static long sizeOf(Path p) {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            return walk.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** What went wrong with a file operation, in the words of the operating system. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory (" + e.getMessage() + ")";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists (" + e.getMessage() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory (" + e.getMessage() + ")";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + " (" + f.getFile() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
