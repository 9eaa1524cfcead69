package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway redis-server on 127.0.0.1:{@link #port()} with a generated {@code requirepass}, its dir in the
 * work dir and no persistence ({@code save ""}, no AOF) unless the caller's extra config says otherwise.
 * Runs as the current user (root is fine for redis). {@link #stop()} = SIGTERM (port refuses connections),
 * {@link #start()} = same port, same password.
 */
public final class RedisFixture extends ServerFixture {
    private final String password = io.jenkins.plugins.squaddeploy.build.TestSecrets.generate("redis");

    private RedisFixture(String extraConfig) {
        super("redis");
        writeFile("redis.conf", String.join("\n",
                "bind 127.0.0.1",
                "port " + port,
                "protected-mode yes",
                "requirepass " + password,
                "dir " + dir.resolve("data"),
                "dbfilename dump.rdb",
                "save \"\"",
                "appendonly no",
                "daemonize no",
                "pidfile " + dir.resolve("redis.pid"),
                "logfile \"\"",
                "databases 16",
                "set-proc-title no", // keep the config path in the command line (the leftover reaper checks it)
                expand(extraConfig),
                ""));
        writeFile("data/.keep", "");
    }

    /** A running redis with the default config. */
    public static RedisFixture create() {
        return create("");
    }

    /** A running redis; {@code extraConfig} lines (placeholders @PORT@, @DIR@) are appended to the config. */
    public static RedisFixture create(String extraConfig) {
        Binaries.redisServer();
        RedisFixture r = new RedisFixture(extraConfig);
        try {
            r.start();
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    public String password() {
        return password;
    }

    /** redis://:password@127.0.0.1:port */
    public String uri() {
        return "redis://:" + password + "@127.0.0.1:" + port;
    }

    /** Runs one command on a fresh authenticated connection. */
    public Object command(String... args) throws IOException {
        try (Resp r = new Resp("127.0.0.1", port, Duration.ofSeconds(5))) {
            Object auth = r.call("AUTH", password);
            if (!"OK".equals(auth)) {
                throw new IOException("AUTH failed: " + auth);
            }
            return r.call(args);
        }
    }

    @Override
    protected List<String> command() {
        return List.of(Binaries.redisServer().toString(), dir.resolve("redis.conf").toString());
    }

    @Override
    protected boolean probeReady() throws IOException {
        return "PONG".equals(command("PING"));
    }
}
