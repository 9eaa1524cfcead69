package io.jenkins.plugins.squaddeploy.reliability;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The live environment every bad input is thrown at: a service released by squadDeploy (1.0.0 in blue, real Docker)
 * behind a real nginx whose upstream file squadDeploy's router owns, its state directory, a snapshot store holding
 * one real snapshot, a PostgreSQL database with rows, and a local HTTP server (health, malformed and oversized JSON,
 * Prometheus answers) that counts the requests it got. {@link #observe()} reads all of it back — router config bytes,
 * what nginx serves, containers with their labels and start times, state directory and snapshot store (every file,
 * hidden ones too, with checksums), the database's rows and database list, the repository's image tags — so a test
 * can prove a rejected input changed nothing.
 */
final class BadInputWorld implements AutoCloseable {
    final DeployTestbed bed;
    final RollbackBed env;
    final PostgresFixture pg;
    final Path dir;
    final Path store;
    final Path filesBase;
    final Path credentialsDir;
    final HttpServer http;
    final AtomicInteger requests = new AtomicInteger();

    BadInputWorld() {
        bed = new DeployTestbed();
        env = RollbackBed.create(bed, true);
        pg = PostgresFixture.create();
        dir = Testbed.newWorkDir("badinputs");
        store = dir.resolve("snapshots");
        filesBase = dir.resolve("files");
        credentialsDir = dir.resolve("credentials");
        try {
            env.deployThroughRouter("1.0.0");
            env.awaitServing("1.0.0");
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE releases (id serial PRIMARY KEY, version text)");
                s.execute("INSERT INTO releases (version) VALUES ('1.0.0'), ('1.0.1')");
            }
            Files.createDirectories(filesBase.resolve("data"));
            Files.writeString(filesBase.resolve("data/uploads.txt"), "an upload\n");
            writeCredential("db", Map.of("username", pg.user(), "password", pg.password()));
            String token = TestSecrets.generate("corpus-token");
            writeCredential("token", Map.of("secret", token));
            TestCredentials.add(new TestCredentials.UsernamePassword("db", pg.user(), pg.password()));
            TestCredentials.add(new TestCredentials.StringSecret("token", token));
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            http.createContext("/", ex -> {
                requests.incrementAndGet();
                String path = ex.getRequestURI().getPath();
                byte[] body = switch (path) {
                    case "/malformed" -> "{\"status\": \"healthy\", \"services\": {".getBytes(StandardCharsets.UTF_8);
                    case "/huge" -> ("{\"status\":\"healthy\",\"pad\":\"" + "x".repeat(8 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
                    case "/api/v1/query" -> "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
                    default -> "{\"status\":\"healthy\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
                };
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            http.start();
            PipelineRun snap = new PipelineHarness().runScript("node {\n dbSnapshot store: '" + store + "', source: filesSource(baseDir: '" + filesBase
                    + "', paths: ['data'])\n}\n");
            if (snap.result() != Result.SUCCESS) {
                throw new IllegalStateException("the corpus world's snapshot failed:\n" + snap.console());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeCredential(String id, Map<String, String> parts) throws IOException {
        Path d = Files.createDirectories(credentialsDir.resolve(id));
        for (Map.Entry<String, String> p : parts.entrySet()) {
            Files.writeString(d.resolve(p.getKey()), p.getValue());
        }
    }

    String httpUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** The values the corpus rows refer to as {@code {name}}. */
    Map<String, String> vars() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("svc", env.service);
        v.put("img", bed.image("2.0.0"));
        v.put("ports", env.ports());
        v.put("state", env.stateDir.toString());
        v.put("up", env.upstream.toString());
        v.put("nginxRouter", "nginxRouter(config: '" + env.upstream + "', nginx: '" + env.routerSpec.argv().get(0) + "', nginxArgs: ["
                + env.routerSpec.argv().subList(1, env.routerSpec.argv().size()).stream().map(a -> "'" + a + "'").collect(Collectors.joining(", ")) + "])");
        v.put("colours", "[colour(name: 'blue', servers: ['127.0.0.1:" + env.bluePort + "'], containers: ['" + env.service + "-blue']), "
                + "colour(name: 'green', servers: ['127.0.0.1:" + env.greenPort + "'], containers: ['" + env.service + "-green'])]");
        v.put("public", env.publicUrl().toString());
        v.put("nginxBin", env.routerSpec.argv().get(0));
        v.put("nginxConf", env.nginx.configFile().toString());
        v.put("nginxPrefix", env.nginx.dir().toString());
        v.put("labels", DeployTestbed.testLabels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ", "[", "]")));
        v.put("store", store.toString());
        v.put("files", filesBase.toString());
        v.put("pgPort", Integer.toString(pg.port()));
        v.put("pg", "postgresSource(database: 'app', host: '127.0.0.1', port: " + pg.port() + ", credentialsId: 'db')");
        v.put("url", httpUrl() + "/health");
        v.put("http", httpUrl());
        v.put("creds", credentialsDir.toString());
        v.put("blue", "127.0.0.1:" + env.bluePort);
        v.put("green", "127.0.0.1:" + env.greenPort);
        v.put("snapshotId", onlySnapshotId());
        return v;
    }

    private String onlySnapshotId() {
        try (Stream<Path> s = Files.list(store)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything a bad input could have changed, as text to compare before and after. */
    String observe() {
        StringBuilder b = new StringBuilder();
        try {
            b.append("router config ").append(env.upstream).append(' ').append(sha(Files.readAllBytes(env.upstream)))
                    .append(" mtime ").append(Files.getLastModifiedTime(env.upstream)).append('\n');
            b.append("nginx config ").append(sha(Files.readAllBytes(env.nginx.configFile()))).append('\n');
            b.append("served through nginx: ").append(env.versionThroughRouter()).append('\n');
            String ids = bed.docker.ok(Duration.ofSeconds(30), "ps", "-aq", "--no-trunc", "--filter", "name=" + env.service);
            List<String> all = ids.lines().filter(l -> !l.isBlank()).sorted().toList();
            if (!all.isEmpty()) {
                List<String> inspect = new java.util.ArrayList<>(List.of("inspect", "-f", "{{.Name}} {{.State.Status}} {{.State.StartedAt}} {{.Config.Image}} {{json .Config.Labels}}"));
                inspect.addAll(all);
                b.append(bed.docker.ok(Duration.ofSeconds(30), inspect.toArray(String[]::new)).lines().sorted().map(l -> "container " + l)
                        .collect(Collectors.joining("\n"))).append('\n');
            }
            b.append("image tags: ").append(bed.docker.ok(Duration.ofSeconds(30), "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", bed.repo)
                    .lines().sorted().collect(Collectors.joining(", "))).append('\n');
            listing(b, "state", env.stateDir);
            listing(b, "store", store);
            listing(b, "files", filesBase);
            try (Connection c = pg.connectAsSuperuser(); Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database")) {
                    r.next();
                    b.append("databases: ").append(r.getString(1)).append('\n');
                }
            }
            try (Connection c = pg.connect(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT string_agg(id || '=' || version, ',' ORDER BY id) FROM releases")) {
                r.next();
                b.append("app.releases: ").append(r.getString(1)).append('\n');
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not observe the corpus world", e);
        }
        return b.toString();
    }

    private static void listing(StringBuilder b, String what, Path root) throws IOException {
        if (!Files.exists(root)) {
            b.append(what).append(": (none)\n");
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                b.append(what).append(' ').append(root.relativize(p));
                if (Files.isRegularFile(p)) {
                    b.append(' ').append(Files.size(p)).append(' ').append(sha(Files.readAllBytes(p)));
                }
                b.append('\n');
            }
        }
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        TestCredentials.clear();
        env.close();
        pg.close();
        bed.close();
        Testbed.deleteRecursively(dir);
    }
}
