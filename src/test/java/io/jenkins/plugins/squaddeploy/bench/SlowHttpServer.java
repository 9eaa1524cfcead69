package io.jenkins.plugins.squaddeploy.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** An HTTP/1.1 keep-alive server on 127.0.0.1 that answers every request with one body after a fixed latency. */
final class SlowHttpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final int latencyMs;
    private final byte[] response;

    SlowHttpServer(int latencyMs, byte[] body) throws IOException {
        this.latencyMs = latencyMs;
        this.socket = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: keep-alive\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        response = new byte[h.length + body.length];
        System.arraycopy(h, 0, response, 0, h.length);
        System.arraycopy(body, 0, response, h.length, body.length);
        Thread acceptor = new Thread(this::acceptLoop, "bench-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "bench-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            while (readHead(in)) {
                Thread.sleep(latencyMs);
                out.write(response);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // client went away or server closed
        }
    }

    /** Reads one request head (GET, no body); false at end of stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            state = switch (state) {
                case 0 -> c == '\r' ? 1 : 0;
                case 1 -> c == '\n' ? 2 : 0;
                case 2 -> c == '\r' ? 3 : 0;
                default -> c == '\n' ? 4 : 0;
            };
            if (state == 4) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
