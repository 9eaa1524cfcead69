package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import io.jenkins.plugins.squaddeploy.testbed.Resp;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container paths of the seed runbooks ({@code docker exec squad-postgres-prod pg_dump ...},
 * {@code docker compose exec -T postgres ...}, a Redis in a container) with real containers. No image can be pulled
 * here, so the containers run the locally built busybox image of the testbed with the host's {@code /usr} mounted
 * read-only: the PostgreSQL 15 client, redis-server and redis-cli inside them are the real Debian binaries, reached
 * only through {@code docker exec} / {@code docker-compose exec -T}. The PostgreSQL server is the testbed's, on the
 * host network; the Redis server runs inside its container.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class SnapshotContainerTest {
    static final String PG_BIN = "/usr/lib/postgresql/15/bin";
    static DockerFixture docker;
    static PostgresFixture pg;
    static String image;
    static final List<String> containers = new ArrayList<>();
    static String tools;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerFixture.get();
        image = SampleServiceImage.ensure(docker, "1.0.0");
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("ALTER ROLE app CREATEDB", "CREATE DATABASE restored OWNER app");
        try (var c = pg.connect(); var s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)");
            s.execute("INSERT INTO notes (body) SELECT 'Notiz Nr. ' || g || ' — ünïcödé' FROM generate_series(1, 3000) g");
            s.execute("SELECT lo_from_bytea(0, convert_to(repeat('blob ', 10000), 'UTF8'))");
        }
        tools = run("squadtest-snapshot-tools-", List.of("sleep", "600"), List.of());
    }

    @AfterAll
    static void stop() {
        for (String c : containers) {
            docker.run(Duration.ofSeconds(60), "rm", "-f", "-v", c);
        }
        pg.close();
    }

    /** A container of the testbed image on the host network with the host's /usr (and so its libraries) read-only. */
    static String run(String prefix, List<String> command, List<String> extraArgs) {
        String name = prefix + Testbed.newSecret(6).toLowerCase(Locale.ROOT);
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host", "--no-healthcheck"));
        args.addAll(Testbed.containerLabelArgs());
        args.addAll(List.of("-v", "/usr:/usr:ro", "-v", "/usr/lib:/lib:ro", "-v", "/usr/lib64:/lib64:ro", "-v", "/etc/ld.so.cache:/etc/ld.so.cache:ro"));
        args.addAll(extraArgs);
        args.add(image);
        args.addAll(command);
        containers.add(name);
        docker.ok(Duration.ofSeconds(60), args.toArray(String[]::new));
        return name;
    }

    static String notes(String database) throws Exception {
        try (var c = PostgresFixture.connect("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + database, pg.user(), pg.password());
             var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(body, '|' ORDER BY id)) || ':' "
                     + "|| (SELECT md5(string_agg(encode(lo_get(oid), 'hex'), ',' ORDER BY oid)) FROM pg_largeobject_metadata) FROM notes")) {
            r.next();
            return r.getString(1);
        }
    }

    SnapshotSource.Postgres source(SnapshotSource.Exec exec) {
        return SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null, new Credential("app-db", pg.user(), pg.password()), exec,
                null, null, null, PG_BIN, null);
    }

    @Test
    void dockerExecPgDumpStreamsOutOfTheContainerAndRestoresThroughIt() throws Exception {
        SnapshotTesting t = new SnapshotTesting(pg.password());
        Path store = tmp.resolve("store");
        SnapshotSource.Postgres src = source(SnapshotSources.exec("source", tools, null, null, null));
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(src));
        assertThat(created.get("source").toString()).endsWith("(docker exec " + tools + ")");
        assertThat(t.invocations).anySatisfy(i -> assertThat(i.argv()).containsSequence("docker", "exec", "-e", "PGCONNECT_TIMEOUT", "-e", "PGAPPNAME",
                "-e", "PGPASSWORD", tools, PG_BIN + "/pg_dump", "-Fc"));

        t.run(SnapshotRequest.builder(store.toString()).action("restore").source(src).restoreTo("restored").confirm(true));
        assertThat(notes("restored")).isEqualTo(notes("app")).startsWith("3000:");
        assertThat(t.invocations).anySatisfy(i -> assertThat(i.argv()).containsSequence("docker", "exec", "-i"));
        t.assertNoSecretOnAnyCommandLine(pg.password());
        assertThat(t.invocations).filteredOn(i -> i.argv().get(0).equals("docker")).allSatisfy(i -> assertThat(i.envKeys()).contains("PGPASSWORD"));
    }

    @Test
    void composeExecTakesTheSnapshotAndRunsTheDrCheck() throws Exception {
        String project = "squadtestsnap" + Testbed.newSecret(6).toLowerCase(Locale.ROOT);
        Path compose = tmp.resolve("docker-compose.yml");
        Files.writeString(compose, String.join("\n",
                "version: \"2.4\"",
                "services:",
                "  postgres:",
                "    image: " + image,
                "    command: [\"sleep\", \"600\"]",
                "    network_mode: host",
                "    container_name: squadtest-" + project,
                "    labels: {squad.test: \"1\", squad.test.pid: \"" + Testbed.jvmPid() + "\"}",
                "    volumes: [\"/usr:/usr:ro\", \"/usr/lib:/lib:ro\", \"/usr/lib64:/lib64:ro\", \"/etc/ld.so.cache:/etc/ld.so.cache:ro\"]",
                "    healthcheck: {disable: true}",
                ""));
        containers.add("squadtest-" + project);
        Proc.run(Duration.ofMinutes(2), "docker-compose", "-f", compose.toString(), "-p", project, "up", "-d").orThrow();
        try {
            SnapshotTesting t = new SnapshotTesting(pg.password());
            Path store = tmp.resolve("store");
            SnapshotSource.Postgres src = source(SnapshotSources.exec("source", null, "postgres", compose.toString(), project));
            t.run(SnapshotRequest.builder(store.toString()).source(src).reason("compose"));
            Map<String, Object> dr = t.run(SnapshotRequest.builder(store.toString()).action("verify").source(src).restoreTo("scratch")
                    .checks(List.of("SELECT count(*) = 3000 FROM notes")));
            assertThat(dr).containsEntry("ok", true);
            assertThat(t.invocations).anySatisfy(i -> assertThat(String.join(" ", i.argv()))
                    .contains("-f " + compose + " -p " + project + " exec -T -e PGCONNECT_TIMEOUT -e PGAPPNAME -e PGPASSWORD postgres " + PG_BIN + "/pg_dump -Fc"));
            t.assertNoSecretOnAnyCommandLine(pg.password());
        } finally {
            Proc.run(Duration.ofMinutes(2), "docker-compose", "-f", compose.toString(), "-p", project, "down", "-t", "1");
        }
    }

    @Test
    void redisInAContainerIsSnapshottedWithBgsaveAndRestoredByDockerStopCpStart() throws Exception {
        String password = TestSecrets.generate("redisctr");
        int port = FreePorts.next();
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("redis.conf"), String.join("\n", "bind 127.0.0.1", "port " + port, "requirepass " + password, "dir /data",
                "dbfilename dump.rdb", "save \"\"", "appendonly no", "daemonize no", ""));
        String name = run("squadtest-snapshot-redis-", List.of("sh", "-c", "mkdir -p /data && exec /usr/bin/redis-server /conf/redis.conf"),
                List.of("-v", conf + ":/conf:ro"));
        Poll.until("redis in " + name, Duration.ofSeconds(30), () -> "PONG".equals(call(port, password, "PING")));
        call(port, password, "HSET", "session:42", "user", "zoë", "cart", "3 items");
        call(port, password, "RPUSH", "queue", "job-1", "job-2");
        call(port, password, "ZADD", "scores", "10", "a", "20", "b");

        SnapshotTesting t = new SnapshotTesting(password);
        Path store = tmp.resolve("store");
        SnapshotSource.Redis src = SnapshotSources.redis("source", "127.0.0.1", port, new Credential("redis", null, password),
                SnapshotSources.exec("source", name, null, null, null), null, null, null, "/usr/bin");
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(src));
        assertThat(t.console()).contains("copying /data/dump.rdb out of docker exec " + name);
        assertThat(((Map<?, ?>) created.get("extra")).get("redisCheckRdb")).isEqualTo("redis-check-rdb: OK");

        call(port, password, "FLUSHALL");
        call(port, password, "SET", "after", "the snapshot");
        t.run(SnapshotRequest.builder(store.toString()).action("restore").source(src).confirm(true));
        assertThat(call(port, password, "HGET", "session:42", "user")).isEqualTo("zoë");
        assertThat(call(port, password, "LRANGE", "queue", "0", "-1")).isEqualTo(List.of("job-1", "job-2"));
        assertThat(call(port, password, "EXISTS", "after")).isEqualTo(0L);
        assertThat(t.console()).contains("docker stop " + name).contains("docker start " + name);
        t.assertNoSecretOnAnyCommandLine(password);
    }

    static Object call(int port, String password, String... args) throws Exception {
        try (Resp r = new Resp("127.0.0.1", port, Duration.ofSeconds(5))) {
            r.call("AUTH", password);
            return r.call(args);
        }
    }
}
