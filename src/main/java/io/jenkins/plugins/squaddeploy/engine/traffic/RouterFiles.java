package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file work of the routers, done on the machine that holds the files (this JVM in the CLI, the agent in
 * Jenkins through a callable). A router file is only ever replaced by a rename of a complete, fsynced file in
 * the same directory, so nginx or HAProxy never reads half of one, and after a crash the file is either the
 * old or the new version. Temp files are named {@code .<name>.<random>.squad-tmp}: no {@code *.conf} or
 * {@code *.cfg} glob of an include directory picks them up, nor {@code <name>.previous}.
 */
public final class RouterFiles {
    public static final String PREVIOUS_SUFFIX = ".previous";
    private static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    private RouterFiles() {
    }

    public static String previousOf(String path) {
        return path + PREVIOUS_SUFFIX;
    }

    /** The text of a file, or null when it does not exist. */
    public static String read(String path) throws IOException {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** See {@link RouterHost#installFile}. */
    public static FileBackup install(String path, String content) throws IOException {
        Path live = Path.of(path).toAbsolutePath();
        Path previous = Path.of(previousOf(live.toString()));
        Path dir = live.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            // before anything is written: a parameter error (named as both routers name it), not a stack trace
            throw new ParameterException("router.config", "the directory of " + live + " does not exist on the router's machine",
                    "the path of the router's configuration file in an existing directory, e.g. /etc/nginx/conf.d/api-upstream.conf");
        }
        String oldLive = read(live.toString());
        String oldPrevious = read(previous.toString());
        if (oldLive != null) {
            writeAtomically(previous, oldLive, live);
        }
        writeAtomically(live, content, live);
        return new FileBackup(live.toString(), oldLive, oldPrevious);
    }

    /** See {@link RouterHost#restoreFiles}. */
    public static void restore(String path, FileBackup backup) throws IOException {
        Path live = Path.of(path).toAbsolutePath();
        Path previous = Path.of(previousOf(live.toString()));
        if (backup.live() == null) {
            Files.deleteIfExists(live);
        } else {
            writeAtomically(live, backup.live(), live);
        }
        if (backup.previous() == null) {
            Files.deleteIfExists(previous);
        } else {
            writeAtomically(previous, backup.previous(), live);
        }
        fsyncDirectory(live.getParent());
    }

    /**
     * Writes {@code content} to a temp file next to {@code target}, fsyncs it, gives it the permissions (and, as
     * root, the owner) of {@code like} when that exists (else rw-r--r--), renames it over {@code target} atomically
     * and fsyncs the directory, so the rename itself survives a crash.
     */
    static void writeAtomically(Path target, String content, Path like) throws IOException {
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".squad-tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            copyAttributes(like, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically (" + e.getMessage() + ")", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(dir);
    }

    private static void copyAttributes(Path like, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        if (!Files.exists(like)) {
            view.setPermissions(DEFAULT_PERMISSIONS);
            return;
        }
        PosixFileAttributes a = Files.readAttributes(like, PosixFileAttributes.class);
        view.setPermissions(a.permissions());
        try {
            view.setGroup(a.group());
            view.setOwner(a.owner());
        } catch (IOException | SecurityException notRoot) {
            // only root may give a file away; the permissions are what matters for the server reading it
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open a directory for fsync; the rename is still atomic there
        }
    }
}
