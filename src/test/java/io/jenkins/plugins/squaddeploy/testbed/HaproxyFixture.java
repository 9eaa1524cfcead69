package io.jenkins.plugins.squaddeploy.testbed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throwaway HAProxy 2.6 in master-worker mode ({@code -W -db}, foreground) with an admin socket
 * {@code <dir>/admin.sock} (level admin, {@code expose-fd listeners} for seamless reloads). The caller's
 * template follows a fixed {@code global}/{@code defaults} header. Placeholders: {@code @PORT@},
 * {@code @STATS_PORT@} (a second free port, e.g. for the Prometheus exporter), {@code @DIR@}. Runs as the
 * current user (no {@code user} directive).
 *
 * <p>{@link #reload(String)} checks the new config with {@code haproxy -c}, sends SIGUSR2 to the master and
 * waits until {@code show info} reports a new worker pid.
 */
public final class HaproxyFixture extends ServerFixture {
    /** Frontend on @PORT@ answering 200 "squadtest haproxy ok"; stats + Prometheus exporter on @STATS_PORT@. */
    public static final String DEFAULT_CONFIG = String.join("\n",
            "frontend fe_main",
            "    bind 127.0.0.1:@PORT@",
            "    http-request return status 200 content-type text/plain string \"squadtest haproxy ok\"",
            "",
            "frontend fe_stats",
            "    bind 127.0.0.1:@STATS_PORT@",
            "    http-request use-service prometheus-exporter if { path /metrics }",
            "    stats enable",
            "    stats uri /stats",
            "");
    private static final Pattern PID = Pattern.compile("(?m)^Pid: (\\d+)");

    private final int statsPort = FreePorts.next();

    private HaproxyFixture(String template) {
        super("haproxy");
        writeConfig(template);
    }

    public static HaproxyFixture create() {
        return create(DEFAULT_CONFIG);
    }

    /** A running HAProxy with {@code template} (frontends/backends) after the fixed global/defaults sections. */
    public static HaproxyFixture create(String template) {
        Binaries.haproxy();
        HaproxyFixture h = new HaproxyFixture(template);
        try {
            h.start();
            return h;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int statsPort() {
        return statsPort;
    }

    public Path adminSocket() {
        return dir.resolve("admin.sock");
    }

    public Path configFile() {
        return dir.resolve("haproxy.cfg");
    }

    /** Sends one runtime API command (e.g. "show info", "set server be/s1 state drain") and returns the answer. */
    public String admin(String command) throws IOException {
        return admin(adminSocket(), command, Duration.ofSeconds(5));
    }

    /** Runtime API over a unix stream socket: write the command, read until haproxy closes. */
    public static String admin(Path socket, String command, Duration timeout) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector sel = Selector.open()) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("no complete answer to '" + command + "' within " + timeout.toMillis() + " ms");
                }
                sel.select(left);
                sel.selectedKeys().clear();
                int n;
                while ((n = ch.read(buf)) > 0) {
                    out.write(buf.array(), 0, n);
                    buf.clear();
                }
                if (n < 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }

    /** Pid of the current worker, from "show info". */
    public long workerPid() throws IOException {
        Matcher m = PID.matcher(admin("show info"));
        if (!m.find()) {
            throw new IOException("no Pid in show info");
        }
        return Long.parseLong(m.group(1));
    }

    public synchronized void reload(String template) {
        writeConfig(template);
        reload();
    }

    /** Re-reads the config file: {@code haproxy -c}, SIGUSR2 to the master, wait for a new worker pid. */
    public synchronized void reload() {
        Proc.run(Duration.ofSeconds(30), Binaries.haproxy().toString(), "-c", "-q", "-f", configFile().toString()).orThrow();
        long before;
        try {
            before = workerPid();
        } catch (IOException e) {
            throw new IllegalStateException("haproxy admin socket not answering before reload", e);
        }
        if (!Proc.signal(pid(), "USR2")) {
            throw new IllegalStateException("cannot signal haproxy master " + pid());
        }
        Poll.until("haproxy worker with the new config", Duration.ofSeconds(30), () -> workerPid() != before,
                this::logTail);
    }

    private void writeConfig(String template) {
        String body = expand(template).replace("@STATS_PORT@", Integer.toString(statsPort));
        writeFile("haproxy.cfg", String.join("\n",
                "global",
                "    stats socket " + adminSocket() + " mode 600 level admin expose-fd listeners",
                "    stats timeout 30s",
                "    pidfile " + dir.resolve("haproxy.pid"),
                "    maxconn 2048",
                "",
                "defaults",
                "    mode http",
                "    timeout connect 2s",
                "    timeout client 30s",
                "    timeout server 30s",
                "    timeout http-request 10s",
                "",
                body,
                ""));
    }

    @Override
    protected List<String> command() {
        return List.of(Binaries.haproxy().toString(), "-W", "-db", "-f", configFile().toString());
    }

    @Override
    protected boolean probeReady() throws IOException {
        return admin("show info").contains("Name: HAProxy");
    }

    @Override
    protected void stopProcess(ManagedProcess p) {
        p.stop(Duration.ofSeconds(10), "TERM");
    }
}
