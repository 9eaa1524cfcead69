package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * HAProxy's runtime API over its admin (stats) socket, without socat: connect, write one command line, read
 * until HAProxy closes the connection (non-interactive mode). Unix sockets only; the socket needs
 * {@code level admin} for the {@code set server} commands.
 */
public final class HaproxySocket {
    private static final int MAX_ANSWER = 4 * 1024 * 1024;

    private HaproxySocket() {
    }

    public static String command(String socket, String command, Duration timeout) throws IOException {
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one command line only");
        }
        Path path = Path.of(socket);
        if (!Files.exists(path)) {
            throw new IOException("HAProxy admin socket " + socket + " does not exist (is HAProxy running with 'stats socket " + socket + " level admin'?)");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX); Selector sel = Selector.open()) {
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                throw new IOException("cannot connect to HAProxy admin socket " + socket + ": " + e.getMessage(), e);
            }
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16384);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("HAProxy did not answer '" + command + "' on " + socket + " within " + timeout.toMillis() + " ms");
                }
                sel.select(left);
                sel.selectedKeys().clear();
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("interrupted waiting for HAProxy's answer to '" + command + "'");
                }
                int n;
                while ((n = ch.read(buf)) > 0) {
                    answer.write(buf.array(), 0, n);
                    buf.clear();
                    if (answer.size() > MAX_ANSWER) {
                        throw new IOException("HAProxy's answer to '" + command + "' is larger than " + MAX_ANSWER + " bytes");
                    }
                }
                if (n < 0) {
                    return answer.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }
}
