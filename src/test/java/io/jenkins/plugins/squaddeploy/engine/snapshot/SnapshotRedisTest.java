package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.Resp;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * dbSnapshot's Redis provider against a real redis-server 7 with the real redis-cli and redis-check-rdb: keys of every
 * type (in two databases, one with a TTL) survive BGSAVE → dump.rdb → stop, replace, start; {@code redis-cli --rdb}
 * works too; wrong passwords and unreachable servers fail naming the cause.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SnapshotRedisTest {
    RedisFixture redis;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws IOException {
        // redis-cli --rdb waits repl-diskless-sync-delay (5 s by default) for more replicas; not what is tested here
        redis = RedisFixture.create("repl-diskless-sync-delay 0");
        try (Resp r = login(0)) {
            r.call("SET", "string", "héllo wörld ✓");
            r.call("SET", "counter", "42");
            r.call("RPUSH", "list", "a", "b", "c", "ü");
            r.call("SADD", "set", "x", "y", "z");
            r.call("ZADD", "zset", "1.5", "one", "2", "two", "-3", "minus three");
            r.call("HSET", "hash", "field", "value", "名前", "値");
            r.call("XADD", "stream", "1-1", "event", "deploy", "version", "1.4.3");
            r.call("XADD", "stream", "2-1", "event", "rollback");
            r.call("PFADD", "hll", "a", "b", "c", "d");
            r.call("GEOADD", "geo", "13.361389", "38.115556", "Palermo");
            r.call("SETBIT", "bitmap", "77", "1");
            r.call("SET", "session:ttl", "expires later", "EX", "3600");
        }
        try (Resp r = login(1)) {
            r.call("SET", "db1:key", "in database 1");
        }
    }

    @AfterEach
    void stop() {
        try (Resp r = login(0)) {
            r.call("SHUTDOWN", "NOSAVE"); // the daemonised server started by a restore, if any
        } catch (IOException gone) {
            // not running
        }
        redis.close();
    }

    Resp login(int db) throws IOException {
        Resp r = new Resp("127.0.0.1", redis.port(), Duration.ofSeconds(5));
        r.call("AUTH", redis.password());
        r.call("SELECT", Integer.toString(db));
        return r;
    }

    /** Every key of databases 0 and 1 with its type, contents and whether it has a TTL. */
    Map<String, String> dump() throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (int db = 0; db <= 1; db++) {
            try (Resp r = login(db)) {
                for (Object k : (List<?>) r.call("KEYS", "*")) {
                    String key = (String) k;
                    String type = (String) r.call("TYPE", key);
                    Object v = switch (type) {
                        case "string" -> r.call("GET", key);
                        case "list" -> r.call("LRANGE", key, "0", "-1");
                        case "set" -> new java.util.TreeSet<>(((List<?>) r.call("SMEMBERS", key)).stream().map(String::valueOf).toList());
                        case "zset" -> r.call("ZRANGE", key, "0", "-1", "WITHSCORES");
                        case "hash" -> new TreeMap<>(pairs((List<?>) r.call("HGETALL", key)));
                        case "stream" -> r.call("XRANGE", key, "-", "+");
                        default -> "?";
                    };
                    long ttl = (Long) r.call("PTTL", key);
                    m.put(db + ":" + key, type + " " + v + (ttl > 0 ? " (ttl)" : ""));
                }
            }
        }
        return m;
    }

    static Map<String, String> pairs(List<?> flat) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return m;
    }

    SnapshotSource.Redis source(String method, boolean withStart) {
        List<String> start = withStart ? List.of("redis-server", redis.dir().resolve("redis.conf").toString(), "--daemonize", "yes") : List.of();
        return SnapshotSources.redis("source", "127.0.0.1", redis.port(), new Credential("redis-password", null, redis.password()), null, method, null, start, null);
    }

    @Test
    void bgsaveSnapshotOfEveryKeyTypeIsRestoredByStopReplaceStart() throws Exception {
        Map<String, String> before = dump();
        assertThat(before).hasSize(12).containsKeys("0:stream", "0:zset", "0:geo", "0:hll", "0:bitmap", "1:db1:key");
        assertThat(before.get("0:session:ttl")).endsWith("(ttl)");

        SnapshotTesting t = new SnapshotTesting(redis.password());
        Path store = tmp.resolve("store");
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(source("bgsave", true)).release("2.0.0"));
        String id = (String) created.get("id");
        assertThat(id).endsWith("-redis-" + redis.port());
        Path rdb = store.resolve(id).resolve("dump.rdb");
        assertThat(new String(Files.readAllBytes(rdb), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("REDIS");
        assertThat(t.console()).contains("BGSAVE on redis://127.0.0.1:" + redis.port() + ": Background saving started; waiting for LASTSAVE to change from");
        assertThat(((Map<?, ?>) created.get("extra")).get("redisCheckRdb")).isEqualTo("redis-check-rdb: OK");
        assertThat(created.get("serverVersion").toString()).startsWith("7.");

        // the live data changes after the snapshot
        try (Resp r = login(0)) {
            r.call("FLUSHALL");
            r.call("SET", "written-after-the-snapshot", "lost by the restore");
        }
        Map<String, Object> restored = t.run(SnapshotRequest.builder(store.toString()).action("restore").source(source("bgsave", true)).confirm(true));
        assertThat(dump()).isEqualTo(before);
        assertThat(restored).containsEntry("keys", 11L);
        assertThat(t.console()).contains("SHUTDOWN NOSAVE redis://127.0.0.1:" + redis.port()).contains("data-loss window")
                .contains("replaced " + redis.dir().resolve("data").resolve("dump.rdb"));
        t.assertNoSecretOnAnyCommandLine(redis.password());
        assertThat(t.invocations).filteredOn(i -> i.argv().get(0).endsWith("redis-cli") && i.argv().contains("-h")).allSatisfy(i -> assertThat(i.envKeys()).contains("REDISCLI_AUTH"));
    }

    @Test
    void redisCliRdbStreamsTheDumpOverReplicationAndVerifies() throws Exception {
        SnapshotTesting t = new SnapshotTesting(redis.password());
        Path store = tmp.resolve("store");
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(source("rdb", false)).name("cache"));
        assertThat(created.get("id").toString()).endsWith("-cache");
        assertThat(created.get("dataFormat")).isEqualTo("rdb (rdb)");
        Map<String, Object> v = t.run(SnapshotRequest.builder(store.toString()).action("verify").name("cache"));
        assertThat(v).containsEntry("ok", true).containsEntry("check", "redis-check-rdb: OK");
    }

    @Test
    void restoringRedisNeedsConfirmAndAStartCommandBeforeAnythingIsStopped() throws Exception {
        SnapshotTesting t = new SnapshotTesting(redis.password());
        Path store = tmp.resolve("store");
        t.run(SnapshotRequest.builder(store.toString()).source(source("bgsave", false)));
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("restore").source(source("bgsave", true))))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'confirm'").hasMessageContaining("would be lost");
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("restore").source(source("bgsave", false)).confirm(true)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'source.startCommand'");
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("restore").source(source("bgsave", true)).restoreTo("scratch").confirm(true)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("a scratch restore is available for PostgreSQL only");
        assertThat(redis.isRunning()).isTrue();
        try (Resp r = login(0)) {
            assertThat(r.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void wrongPasswordAndUnreachableServerFailNamingTheCause() throws Exception {
        Path store = tmp.resolve("store");
        String wrong = io.jenkins.plugins.squaddeploy.build.TestSecrets.generate("wrongredis");
        SnapshotTesting t = new SnapshotTesting(wrong, redis.password());
        SnapshotSource.Redis bad = SnapshotSources.redis("source", "127.0.0.1", redis.port(), new Credential("redis-wrong", null, wrong), null, null, null, null, null);
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).source(bad)))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("cannot reach Redis redis://127.0.0.1:" + redis.port())
                .hasMessageContaining("WRONGPASS")
                .hasMessageContaining("nothing was written to the store");
        int closed = FreePorts.next();
        SnapshotSource.Redis down = SnapshotSources.redis("source", "127.0.0.1", closed, null, null, null, null, null, null);
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).source(down)))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("Could not connect to Redis at 127.0.0.1:" + closed + ": Connection refused");
        t.assertNoSecretOnAnyCommandLine(wrong);
        assertThat(SnapshotTesting.ids(store)).isEmpty();
        assertThat(SnapshotTesting.pending(store)).isEmpty();
        assertThat(new ArrayList<>(dump().keySet())).hasSize(12);
    }
}
