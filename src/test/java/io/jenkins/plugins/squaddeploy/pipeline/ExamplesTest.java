package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed examples built on {@code squadRunbook}, as they are in docs/examples, on the real testbed (one PostgreSQL,
 * Redis, nginx and Docker with the sample images for the class): Ghostworks (001) releases 1.0.0 blue-green behind nginx
 * with its migration, an approval and the switch, then a bad 2.1.0 that the watch catches and autoRollback undoes; SBF
 * (002) is stopped outside its maintenance window with the next window's time, then released as an approved hotfix by
 * rolling two replicas. (squad-api-backup and dr-drill run in BackupAndDrillVarTest, enterprise-api in
 * EnterpriseApiJenkinsfileTest.)
 */
@Timeout(300)
@ExtendWith(TestbedExtension.class)
class ExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static PostgresFixture postgres;
    static RedisFixture redis;
    static NginxFixture nginx;
    static DockerFixture docker;
    static Path dir;
    static Path upstream;
    static String gw;
    static String sbf;
    static int[] ports;

    @BeforeAll
    static void start() throws IOException {
        postgres = PostgresFixture.create();
        redis = RedisFixture.create();
        docker = DockerFixture.get();
        SampleServiceImage.ensure(docker, "1.0.0");
        SampleServiceImage.ensure(docker, "2.1.0");
        String id = Testbed.newSecret(6).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
        gw = "squadtest-gw-" + id;
        sbf = "squadtest-sbf-" + id;
        ports = new int[] {FreePorts.next(), FreePorts.next()};
        dir = Testbed.newWorkDir("examples");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        upstream = Files.createDirectories(dir.resolve("conf.d")).resolve(gw + "-upstream.conf");
        Files.writeString(upstream, "upstream " + gw + " { server 127.0.0.1:1 down; }\n");
        nginx = NginxFixture.create(String.join("\n", "include " + upstream + ";", "server {", "    listen 127.0.0.1:@PORT@;",
                "    location / { proxy_pass http://" + gw + "; proxy_http_version 1.1; proxy_set_header Connection \"\"; }", "}"));
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db", postgres.user(), postgres.password()));
        TestCredentials.add(new TestCredentials.StringSecret("redis-password", redis.password()));
    }

    @AfterAll
    static void stop() {
        TestCredentials.clear();
        if (docker != null) {
            Proc("rm", "-f", "-v", gw + "-blue", gw + "-green");
            String ids = docker.run(Duration.ofSeconds(20), "ps", "-aq", "--filter", "name=" + sbf).stdout().strip();
            if (!ids.isEmpty()) {
                java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("rm", "-f", "-v"));
                args.addAll(java.util.List.of(ids.split("\\s+")));
                docker.run(Duration.ofSeconds(60), args.toArray(String[]::new));
            }
            docker.run(Duration.ofSeconds(30), "rmi", SampleServiceImage.REPOSITORY + ":previous");
            docker.run(Duration.ofSeconds(30), "rmi", SampleServiceImage.REPOSITORY + ":rollback");
        }
        for (AutoCloseable c : new AutoCloseable[] {nginx, redis, postgres}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("could not close " + c + ": " + e);
            }
        }
        Testbed.deleteRecursively(dir);
    }

    private static void Proc(String... args) {
        docker.run(Duration.ofSeconds(60), args);
    }

    static Path example(String name) {
        return PipelineHarness.defaultRepoRoot().resolve("docs/examples/" + name);
    }

    static String throughNginx() throws IOException {
        Http.Response r = Http.get(nginx.baseUrl() + "/health", Duration.ofSeconds(5));
        return r.status() + " " + JSON.readTree(r.body()).path("version").asText();
    }

    PipelineHarness ghostworks(int build, String version) {
        return new PipelineHarness().jobName("ghostworks-release").buildNumber(build).user("dev-dora")
                .group("ghostworks-leads", "lead-lee")
                .onInput(r -> InputAnswer.approve("lead-lee", Map.of("REASON", "QA signed off", "TICKET", "GW-" + build)))
                .param("VERSION", version).param("SERVICE", gw).param("PORTS", "blue=" + ports[0] + ",green=" + ports[1])
                .param("PUBLIC_URL", nginx.baseUrl()).param("ROUTER_CONFIG", upstream.toString())
                .param("NGINX", Binaries.nginx().toString())
                .param("NGINX_ARGS", "-p " + nginx.dir() + " -e " + nginx.dir().resolve("logs/error.log") + " -c " + nginx.configFile())
                .param("POSTGRES", "127.0.0.1:" + postgres.port()).param("POSTGRES_DB", postgres.database())
                .param("REDIS", "127.0.0.1:" + redis.port()).param("BACKUP_STORE", dir.resolve("gw-backups").toString())
                .param("MIN_FREE_GB", "0.1").param("APPROVERS", "ghostworks-leads");
    }

    @Test
    void ghostworksReleasesBlueGreenWithMigrationApprovalAndSwitchThenRollsBackABadRelease() throws Exception {
        PipelineRun one = ghostworks(1, "1.0.0").param("CONTAINER_ENV", "").param("WATCH_SECONDS", "2").run(example("ghostworks.Jenkinsfile"));
        assertResult(one, Result.SUCCESS);
        assertThat(one.console()).contains("[Pipeline] { (Deploy window)", "[Pipeline] { (Pre-flight)", "[Pipeline] { (Snapshot)",
                "[Pipeline] { (Deploy)", "[Pipeline] { (Verify)", "[Pipeline] { (Approval)", "[Pipeline] { (Switch)",
                "[Pipeline] { (Watch)", "[Pipeline] { (Clean-up)");
        assertThat(one.console())
                .contains("squadRunbook: Deploy window: skipped, not configured")
                .containsPattern("squadRunbook: disk space: [\\d.]+ GB free on /var/lib \\(minimum 0.1 GB\\)")
                .containsPattern("dbSnapshot: created \\S+: ")
                .contains("ghostworks: migrating the schema for 1.0.0")
                .contains("squadRunbook: 1.0.0 is healthy in blue")
                .contains("approvalGate: approval 1 of 1 by lead-lee: QA signed off (GW-1)")
                .contains("blueGreenSwitch: " + gw + " now served by blue")
                .contains("NOTIFY (#ghostworks-deploys): RELEASED: " + gw + " 1.0.0 to production: RELEASED");
        assertThat(one.inputs().get(0).message()).contains("1.0.0 is healthy in blue").contains("verify: 1 check(s) passed");
        assertThat(one.artifacts()).contains("squad-deploy-report/report.json");
        Poll.until("1.0.0 through nginx", Duration.ofSeconds(10), () -> throughNginx().equals("200 1.0.0"));

        PipelineRun two = ghostworks(2, "2.1.0").param("CONTAINER_ENV", "ERROR_RATE=50").param("WATCH_SECONDS", "8").run(example("ghostworks.Jenkinsfile"));
        assertResult(two, Result.FAILURE);
        assertThat(two.console())
                .contains("blueGreenSwitch: " + gw + " now served by green")
                .contains("failureLimit 1; last: HTTP 500, expected 200")
                .contains("[Pipeline] { (Rollback)")
                .contains("squadRunbook: rollback ROLLED_BACK")
                .contains("NOTIFY (#ghostworks-deploys): FAILED: " + gw + " 2.1.0 to production: FAILED");
        Poll.until("1.0.0 through nginx after the rollback", Duration.ofSeconds(10), () -> throughNginx().equals("200 1.0.0"));
    }

    /**
     * FlakeGuard (003): 1.0.0, then a bad 2.1.0 whose release "writes" to the database (a row the test inserts while
     * the DBA is asked) and fails its watch: nginx goes back to 1.0.0 and, once the DBA approves, the database is
     * restored from the snapshot taken for 2.1.0, so the row is gone.
     */
    @Test
    void flakeguardRollsBackTheApplicationAndTheDatabase() throws Exception {
        String fg = gw.replace("-gw-", "-fg-");
        Path fgUpstream = upstream.resolveSibling(fg + "-upstream.conf");
        Files.writeString(fgUpstream, "upstream " + fg + " { server 127.0.0.1:1 down; }\n");
        postgres.executeAsSuperuser("GRANT ALL ON SCHEMA public TO " + postgres.user());
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS test_runs (id serial PRIMARY KEY, name text)");
            st.execute("INSERT INTO test_runs (name) VALUES ('before-2.1.0')");
        }
        try (NginxFixture fgNginx = NginxFixture.create(String.join("\n", "include " + fgUpstream + ";", "server {", "    listen 127.0.0.1:@PORT@;",
                "    location / { proxy_pass http://" + fg + "; proxy_http_version 1.1; proxy_set_header Connection \"\"; }", "}"))) {
            int[] p = {FreePorts.next(), FreePorts.next()};
            java.util.function.BiFunction<Integer, String, PipelineHarness> build = (n, v) -> new PipelineHarness().jobName("flakeguard-release")
                    .buildNumber(n).user("dev-finn").group("flakeguard-release", "rel-ray").group("flakeguard-dba", "dba-dee")
                    .onInput(r -> {
                        if (r.message().startsWith("autoRollback: restore the database")) {
                            insertRow("written-by-2.1.0"); // what the bad release wrote since its snapshot
                            return new InputAnswer(true, "dba-dee", Map.of());
                        }
                        return InputAnswer.approve("rel-ray", Map.of("REASON", "tests green", "TICKET", ""));
                    })
                    .param("VERSION", v).param("SERVICE", fg).param("PORTS", "blue=" + p[0] + ",green=" + p[1])
                    .param("PUBLIC_URL", fgNginx.baseUrl()).param("ROUTER_CONFIG", fgUpstream.toString())
                    .param("NGINX", Binaries.nginx().toString())
                    .param("NGINX_ARGS", "-p " + fgNginx.dir() + " -e " + fgNginx.dir().resolve("logs/error.log") + " -c " + fgNginx.configFile())
                    .param("POSTGRES", "127.0.0.1:" + postgres.port()).param("POSTGRES_DB", postgres.database())
                    .param("REDIS", "127.0.0.1:" + redis.port()).param("BACKUP_STORE", dir.resolve("fg-backups").toString());
            try {
                PipelineRun one = build.apply(1, "1.0.0").param("CONTAINER_ENV", "").param("WATCH_SECONDS", "1").run(example("flakeguard.Jenkinsfile"));
                assertResult(one, Result.SUCCESS);
                PipelineRun two = build.apply(2, "2.1.0").param("CONTAINER_ENV", "ERROR_RATE=50").param("WATCH_SECONDS", "8")
                        .run(example("flakeguard.Jenkinsfile"));
                assertResult(two, Result.FAILURE);
                assertThat(two.console())
                        .contains("flakeguard: prisma migrate deploy for 2.1.0")
                        .contains("failureLimit 1; last: HTTP 500, expected 200")
                        .contains("autoRollback: production/" + fg + ": ROLLED_BACK: nginx routes " + fg + " to blue (1.0.0) again")
                        .contains("autoRollback: database: restoring ")
                        .containsPattern("database: +RESTORED: restored \\S+-postgres-app into postgresql://127.0.0.1:\\d+/app in \\d+ ms; .*approved by dba-dee")
                        .contains("squadRunbook: rollback ALREADY_ROLLED_BACK, database RESTORED")
                        .contains("NOTIFY (#flakeguard-ops): FAILED: " + fg + " 2.1.0 to production: FAILED (verifyHealth failed: 1 of 1 check(s) did not pass)");
                assertThat(two.inputs()).anySatisfy(i -> assertThat(i.message()).startsWith("autoRollback: restore the database"));
                try (java.sql.Connection c = postgres.connect(); java.sql.Statement st = c.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SELECT string_agg(name, ',' ORDER BY id) FROM test_runs")) {
                    rs.next();
                    assertThat(rs.getString(1)).as("the database is as the snapshot for 2.1.0 had it").isEqualTo("before-2.1.0");
                }
                Http.Response r = Http.get(fgNginx.baseUrl() + "/health", Duration.ofSeconds(5));
                assertThat(JSON.readTree(r.body()).path("version").asText()).isEqualTo("1.0.0");
            } finally {
                docker.run(Duration.ofSeconds(60), "rm", "-f", "-v", fg + "-blue", fg + "-green");
            }
        }
    }

    static void insertRow(String name) {
        try (java.sql.Connection c = postgres.connect(); java.sql.PreparedStatement st = c.prepareStatement("INSERT INTO test_runs (name) VALUES (?)")) {
            st.setString(1, name);
            st.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    PipelineHarness sbfBuild(int build) {
        return new PipelineHarness().jobName("sbf-release").buildNumber(build).user("dev-sam")
                .group("sbf-oncall-leads", "lead-ola").group("sbf-release", "rel-rita")
                .onInput(r -> r.message().startsWith("HOTFIX") ? InputAnswer.approve("lead-ola", Map.of("REASON", "card payments fail", "TICKET", ""))
                        : InputAnswer.approve("rel-rita", Map.of("REASON", "hotfix reviewed", "TICKET", "")))
                .param("VERSION", "1.0.0").param("SERVICE", sbf).param("REPLICAS", "2")
                .param("PORTS", FreePorts.next() + "-" + 0).param("STATE_DIR", dir.resolve("sbf-state").toString())
                .param("WINDOWS", "Sat 02:00-04:00 UTC").param("DEPLOY_AT", "2026-11-25T10:00:00Z"); // a Wednesday
    }

    @Test
    void sbfStopsOutsideTheWindowThenRollsOutAnApprovedHotfix() {
        int base = FreePorts.next();
        PipelineRun outside = sbfBuild(1).param("PORTS", base + "-" + (base + 3)).param("HOTFIX", false).param("HOTFIX_REASON", "")
                .run(example("sbf.Jenkinsfile"));
        assertResult(outside, Result.FAILURE);
        assertThat(outside.console())
                .contains("ERROR: deployWindow: no deploy now: outside the deploy window 'Sat 02:00-04:00 UTC' at Wed 2026-11-25 10:00 UTC; "
                        + "the next window opens Sat 2026-11-28 02:00 UTC (in 2 d 16 h)")
                .doesNotContain("[Pipeline] squadDeploy");

        PipelineRun hotfix = sbfBuild(2).param("PORTS", base + "-" + (base + 3)).param("HOTFIX", true).param("HOTFIX_REASON", "card payments fail")
                .run(example("sbf.Jenkinsfile"));
        assertResult(hotfix, Result.SUCCESS);
        assertThat(hotfix.console())
                .contains("approvalGate: approval 1 of 1 by lead-ola: card payments fail")
                .contains("[window-override] deploy window OVERRIDDEN for a hotfix: 'card payments fail', approved by lead-ola")
                .contains("approvalGate: approval 1 of 1 by rel-rita: hotfix reviewed")
                .contains("NOTIFY (#sbf-ops): RELEASED: " + sbf + " 1.0.0 to production: RELEASED");
        assertThat(hotfix.console()).containsPattern("verifyHealth: all 2 check\\(s\\) passed");
    }
}
