package io.jenkins.plugins.squaddeploy.engine.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Short-lived 0600 secret files for tools that read a password file (PGPASSFILE), a kubeconfig (KUBECONFIG) or a values file, in one private directory per user:
 * {@code <java.io.tmpdir>/squad-secrets-<user>/} (0700, owned by this user, not a symbolic link, else refused). Each file
 * is named after the process that wrote it ({@code pgpass-<pid>-<random>}) and deleted when the tool is done; files of
 * processes that no longer run (a JVM killed with SIGKILL cannot clean up) are deleted by the next one created.
 */
public final class PasswordFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PasswordFiles() {
    }

    static Path dir() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "squad-secrets-" + user);
    }

    /** A new 0600 file holding {@code content} (a password file, a kubeconfig, a Helm values file of secrets). */
    public static synchronized Path create(String content) throws IOException {
        Path dir = dir();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process made it: checked below
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))
                || !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(DIR)) {
            throw new IOException(dir + " is not a private directory of this user (0700, owned by " + System.getProperty("user.name")
                    + ", not a link); remove it");
        }
        removeOrphans(dir);
        Path file = dir.resolve("pgpass-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
        Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE)), content.getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // removed by the next create() once this process is gone
        }
    }

    /** Deletes the files of processes that are gone. */
    static void removeOrphans(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "pgpass-*")) {
            for (Path f : files) {
                String[] parts = f.getFileName().toString().split("-", 3);
                try {
                    long pid = Long.parseLong(parts[1]);
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                } catch (RuntimeException notOurs) {
                    continue;
                }
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
