package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.SwarmFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * dbSnapshot inside a running task of a Docker Swarm service on a real single-node swarm: the tools service is the
 * testbed's busybox image with the host's {@code /usr} bind-mounted read-only (no image can be pulled here), so
 * {@code pg_dump}/{@code pg_restore} inside the task are the real PostgreSQL 15 client, reached only through
 * {@code docker exec} into the container found by {@code label=com.docker.swarm.service.name}. The PostgreSQL server is
 * the testbed's, on the host network.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SwarmSnapshotTest {
    static final String PG_BIN = "/usr/lib/postgresql/15/bin";
    static SwarmFixture swarm;
    static PostgresFixture pg;
    static String service;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        swarm = new SwarmFixture();
        String image = SampleServiceImage.ensure(swarm.docker, "1.0.0");
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("ALTER ROLE app CREATEDB", "CREATE DATABASE restored OWNER app");
        try (var c = pg.connect(); var s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)");
            s.execute("INSERT INTO notes (body) SELECT 'Notiz Nr. ' || g || ' — ünïcödé' FROM generate_series(1, 2000) g");
        }
        service = swarm.newName("pgtools");
        List<String> args = new ArrayList<>(List.of("service", "create", "--detach", "--name", service, "--network", "host", "--no-healthcheck",
                "--stop-grace-period", "1s", "--no-resolve-image"));
        args.addAll(SwarmFixture.serviceLabelArgs());
        args.addAll(List.of("--mount", "type=bind,source=/usr,target=/usr,readonly", "--mount", "type=bind,source=/usr/lib,target=/lib,readonly",
                "--mount", "type=bind,source=/usr/lib64,target=/lib64,readonly",
                "--mount", "type=bind,source=/etc/ld.so.cache,target=/etc/ld.so.cache,readonly", image, "sleep", "600"));
        swarm.docker.ok(Duration.ofSeconds(60), args.toArray(String[]::new));
        swarm.adopt(service);
        swarm.awaitRunning(service, image);
    }

    @AfterAll
    static void stop() {
        swarm.close();
        pg.close();
    }

    static String notes(String database) throws Exception {
        try (var c = PostgresFixture.connect("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + database, pg.user(), pg.password());
             var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(body, '|' ORDER BY id)) FROM notes")) {
            r.next();
            return r.getString(1);
        }
    }

    SnapshotSource.Postgres source(String swarmService) {
        return SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null, new Credential("app-db", pg.user(), pg.password()),
                SnapshotSources.exec("source", null, null, null, null, swarmService), null, null, null, PG_BIN, null);
    }

    @Test
    void pgDumpRunsInsideTheRunningTaskAndTheSnapshotRestoresThroughIt() throws Exception {
        String task = swarm.docker.ok(Duration.ofSeconds(30), "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service);
        SnapshotTesting t = new SnapshotTesting(pg.password());
        Path store = tmp.resolve("store");
        SnapshotSource.Postgres src = source(service);
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(src));
        assertThat(created.get("source").toString()).endsWith("(a running task of swarm service " + service + ")");
        assertThat(t.invocations).anySatisfy(i -> assertThat(i.argv()).containsSequence("docker", "exec", "-e", "PGCONNECT_TIMEOUT", "-e", "PGAPPNAME",
                "-e", "PGPASSWORD", task, PG_BIN + "/pg_dump", "-Fc"));

        t.run(SnapshotRequest.builder(store.toString()).action("restore").source(src).restoreTo("restored").confirm(true));
        assertThat(notes("restored")).isEqualTo(notes("app")).startsWith("2000:");
        t.assertNoSecretOnAnyCommandLine(pg.password());
    }

    @Test
    void aServiceWithoutARunningTaskHereFailsSayingSoAndABadNameIsAParameterError() throws Exception {
        SnapshotTesting t = new SnapshotTesting(pg.password());
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(tmp.resolve("store").toString()).source(source(service + "-none"))))
                .hasMessageContaining("no running task of swarm service " + service + "-none on this node");
        assertThatThrownBy(() -> SnapshotSources.exec("source", "db", null, null, null, "shop_postgres"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'source.swarmService'").hasMessageContaining("one of container");
    }
}
