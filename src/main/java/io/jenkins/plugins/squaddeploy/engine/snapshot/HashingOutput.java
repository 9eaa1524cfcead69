package io.jenkins.plugins.squaddeploy.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes a stream to a new 0600 file while computing its SHA-256 and counting bytes: one pass, one fixed buffer,
 * never the whole stream in memory. {@link #finish()} syncs the file to disk and returns size and checksum.
 */
final class HashingOutput extends OutputStream {
    static final int BUFFER = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest = sha256();
    private final Progress progress;
    private long count;

    HashingOutput(Path file, Progress progress) throws IOException {
        this.file = file;
        this.progress = progress;
        this.channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    record Result(long size, String sha256) {
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        digest.update(b, off, len);
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        count += len;
        if (progress != null) {
            progress.update(count);
        }
    }

    /**
     * Copies {@code in} to the end with one reusable buffer. A pipe delivers a few KiB per read (pg_dump writes 4 KiB at a
     * time), so the buffer is filled before it is hashed and written: one write per MiB instead of one per read.
     */
    long copyFrom(InputStream in) throws IOException {
        byte[] buf = new byte[BUFFER];
        int fill = 0;
        int n;
        while ((n = in.read(buf, fill, buf.length - fill)) >= 0) {
            fill += n;
            if (fill == buf.length) {
                write(buf, 0, fill);
                fill = 0;
            }
        }
        if (fill > 0) {
            write(buf, 0, fill);
        }
        return count;
    }

    long count() {
        return count;
    }

    Path file() {
        return file;
    }

    Result finish() throws IOException {
        channel.force(true);
        channel.close();
        return new Result(count, HexFormat.of().formatHex(digest.digest()));
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
        }
    }

    void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // the file is removed with the work dir
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 and size of an existing file, read once with one buffer. */
    static Result hashFile(Path file, Progress progress) throws IOException {
        MessageDigest d = sha256();
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            while (ch.read(buf) >= 0) {
                buf.flip();
                total += buf.remaining();
                d.update(buf);
                buf.clear();
                if (progress != null) {
                    progress.update(total);
                }
            }
        }
        return new Result(total, HexFormat.of().formatHex(d.digest()));
    }
}
