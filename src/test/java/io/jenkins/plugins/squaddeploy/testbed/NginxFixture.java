package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A throwaway nginx (master + 1 worker, foreground) whose {@code http { }} block content is a template from
 * the caller. Placeholders: {@code @PORT@} (the fixture's port), {@code @DIR@} (work dir), {@code @HTML@}
 * (document root, {@code <dir>/html}). All temp/log/pid paths are inside the work dir; {@code -e} keeps
 * nginx away from /var/log/nginx. When run as root the workers run as nginx's default user (nobody), so
 * the work dir is made world-readable (0755).
 *
 * <p>{@link #reload(String)} validates the new config with {@code nginx -t}, sends SIGHUP and waits until a
 * worker of the new generation runs.
 */
public final class NginxFixture extends ServerFixture {
    /** Serves {@code @HTML@} (index.html = "squadtest nginx ok") and {@code /nginx-health}. */
    public static final String DEFAULT_HTTP = String.join("\n",
            "server {",
            "    listen 127.0.0.1:@PORT@;",
            "    root @HTML@;",
            "    location = /nginx-health { default_type text/plain; return 200 \"ok\\n\"; }",
            "    location / { try_files $uri $uri/ =404; }",
            "}");

    private NginxFixture(String httpTemplate) {
        super("nginx");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String d : List.of("html", "logs", "tmp")) {
            writeFile(d + "/.keep", "");
        }
        writeFile("html/index.html", "squadtest nginx ok\n");
        writeConfig(httpTemplate);
    }

    public static NginxFixture create() {
        return create(DEFAULT_HTTP);
    }

    /** A running nginx with {@code httpTemplate} as the content of its {@code http { }} block. */
    public static NginxFixture create(String httpTemplate) {
        Binaries.nginx();
        NginxFixture n = new NginxFixture(httpTemplate);
        try {
            n.start();
            return n;
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path htmlDir() {
        return dir.resolve("html");
    }

    public Path configFile() {
        return dir.resolve("nginx.conf");
    }

    /** Writes a file under the document root. */
    public Path writeHtml(String relative, String content) {
        return writeFile("html/" + relative, content);
    }

    /** Replaces the http block and reloads (see class doc). */
    public synchronized void reload(String httpTemplate) {
        writeConfig(httpTemplate);
        reload();
    }

    /** Re-reads the current config file: validate, SIGHUP, wait for a new-generation worker. */
    public synchronized void reload() {
        Proc.run(Duration.ofSeconds(30), nginxArgs("-t").toArray(String[]::new)).orThrow();
        ProcessHandle master = ProcessHandle.of(pid()).orElseThrow();
        Set<Long> before = master.children().map(ProcessHandle::pid).collect(Collectors.toSet());
        if (!Proc.signal(pid(), "HUP")) {
            throw new IllegalStateException("cannot signal nginx master " + pid());
        }
        Poll.until("nginx workers with the new config", Duration.ofSeconds(30),
                () -> master.children().anyMatch(c -> !before.contains(c.pid())), this::logTail);
    }

    private void writeConfig(String httpTemplate) {
        String body = expand(httpTemplate).replace("@HTML@", dir.resolve("html").toString());
        Path tmp = dir.resolve("tmp");
        writeFile("nginx.conf", String.join("\n",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("logs/error.log") + " notice;",
                "events { worker_connections 1024; }",
                "http {",
                "    access_log " + dir.resolve("logs/access.log") + ";",
                "    client_body_temp_path " + tmp.resolve("client_body") + ";",
                "    proxy_temp_path " + tmp.resolve("proxy") + ";",
                "    fastcgi_temp_path " + tmp.resolve("fastcgi") + ";",
                "    uwsgi_temp_path " + tmp.resolve("uwsgi") + ";",
                "    scgi_temp_path " + tmp.resolve("scgi") + ";",
                "    types { text/html html htm; text/plain txt; application/json json; }",
                "    default_type application/octet-stream;",
                body,
                "}",
                ""));
    }

    private List<String> nginxArgs(String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Binaries.nginx().toString(),
                "-p", dir.toString(), "-e", dir.resolve("logs/error.log").toString(),
                "-c", configFile().toString(), "-g", "daemon off; master_process on;"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    @Override
    protected List<String> command() {
        return nginxArgs();
    }

    @Override
    protected boolean probeReady() throws IOException {
        // any HTTP answer means nginx accepted the connection and a worker served it
        Http.get(baseUrl() + "/", Duration.ofSeconds(2));
        return true;
    }

    @Override
    protected void stopProcess(ManagedProcess p) {
        p.stop(Duration.ofSeconds(10), "QUIT", "TERM"); // graceful, then fast
    }

    @Override
    public String logTail() {
        return ManagedProcess.tail(dir.resolve("logs/error.log"), 40) + "\n" + super.logTail();
    }
}
