package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code vars/scheduledBackup.groovy} and {@code vars/drTest.groovy} on the real testbed: PostgreSQL 15 (one server for
 * the class) and a config directory, with the real {@code dbSnapshot} step through the CPS harness. The backup creates,
 * verifies, prunes and checks freshness; the drill restores the newest snapshots into a scratch database and a scratch
 * directory, runs the smoke queries, measures RTO/RPO, writes JUnit XML + HTML, cleans up and notifies.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class BackupAndDrillVarTest {
    static PostgresFixture pg;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("ALTER ROLE app CREATEDB");
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE rate_limits (id serial PRIMARY KEY, client text, updated_at timestamptz DEFAULT now())");
            s.execute("INSERT INTO rate_limits (client) SELECT 'client-' || g FROM generate_series(1, 500) g");
        }
        TestCredentials.add(new TestCredentials.UsernamePassword("squad-db", pg.user(), pg.password()));
        dir = Testbed.newWorkDir("backup-var");
        Files.createDirectories(dir.resolve("app/config"));
        Files.writeString(dir.resolve("app/config/settings.yml"), "rate_limit: 100\n");
    }

    @AfterAll
    static void stop() {
        TestCredentials.clear();
        pg.close();
        Testbed.deleteRecursively(dir);
    }

    String sources(String store) {
        return """
                [[name: 'squad-db', source: postgresSource(database: 'app', host: '127.0.0.1', port: %d, credentialsId: 'squad-db'),
                  checks: ['SELECT count(*) = 500 FROM rate_limits']],
                 [name: 'config', source: filesSource(baseDir: '%s', paths: ['config'])]]
                """.formatted(pg.port(), dir.resolve("app"));
    }

    @Test
    void nightlyBackupThenDrillEndToEnd() throws Exception {
        String store = dir.resolve("store-ok").toString();
        Path artifacts = dir.resolve("artifacts");
        PipelineRun backup = new PipelineHarness().jobName("squad-api-backup").runScript("""
                node {
                    def r = scheduledBackup(store: '%s', sources: %s, keepLast: 3, maxAgeHours: 26,
                                            notify: { e -> echo "NOTIFY ${e.status}: ${e.message}" })
                    echo "status=${r.status} created=${r.snapshots.keySet()}"
                }
                """.formatted(store, sources(store)));
        assertResult(backup, Result.SUCCESS);
        assertThat(backup.console())
                .contains("dbSnapshot: snapshot of postgresql://127.0.0.1:" + pg.port() + "/app (series squad-db)")
                .containsPattern("dbSnapshot: created \\S+-squad-db: ")
                .containsPattern("dbSnapshot: created \\S+-config: ")
                .containsPattern("dbSnapshot: squad-db: newest verified snapshot \\S+-squad-db is 0\\.0 h old \\(limit 26\\.0 h\\)")
                .containsPattern("dbSnapshot: config: newest verified snapshot \\S+-config is 0\\.0 h old")
                .contains("NOTIFY SUCCESS: backup of " + store + ": 2 snapshot(s) created and verified, 0 pruned")
                .contains("status=SUCCESS created=[squad-db, config]");
        // the call stack: per store a snapshot and its verification, then one prune, then per store the freshness check
        assertThat(backup.steps()).containsExactly("node", "dbSnapshot", "dbSnapshot", "dbSnapshot", "dbSnapshot", "dbSnapshot", "dbSnapshot",
                "dbSnapshot", "echo", "echo", "echo");

        PipelineRun drill = new PipelineHarness().jobName("squad-api-dr").artifactsDir(artifacts).runScript("""
                node {
                    def r = drTest(store: '%s', sources: %s, rtoSeconds: 600, rpoHours: 26,
                                   notify: { e -> echo "NOTIFY ${e.status}: ${e.message}" })
                    echo "status=${r.status} rto=${r.cases[0].restoreMs} rpo=${r.cases[0].ageSeconds}"
                }
                """.formatted(store, sources(store)));
        assertResult(drill, Result.SUCCESS);
        assertThat(drill.console())
                .contains("dbSnapshot: check 1 passed: SELECT count(*) = 500 FROM rate_limits")
                .containsPattern("dbSnapshot: dropped scratch database squad_scratch_")
                .contains("Recording test results")
                .contains("NOTIFY SUCCESS: DR drill of " + store + ": 2 of 2 store(s) restored within RTO 600.0 s and RPO 26.0 h")
                .containsPattern("status=SUCCESS rto=\\d+ rpo=\\d+");
        // the call stack: the report directory emptied, one drill per store, the report published, the outcome, notify
        assertThat(drill.steps()).containsExactly("node", "pwd", "dir", "deleteDir", "dbSnapshot", "dbSnapshot", "junit", "archiveArtifacts", "echo",
                "echo", "echo");
        assertThat(drill.testResults()).singleElement().satisfies(t -> {
            assertThat(t.totalCount()).isEqualTo(2);
            assertThat(t.failCount()).isZero();
        });
        assertThat(drill.artifacts()).containsExactly("dr-report/dr-test.html", "dr-report/dr-test.json", "dr-report/dr-test.xml");
        String xml = Files.readString(artifacts.resolve("dr-report/dr-test.xml"));
        assertThat(xml).contains("<testsuite name=\"dr-drill\" tests=\"2\" failures=\"0\"")
                .contains("<testcase classname=\"dr-drill.postgres\" name=\"squad-db\"")
                .contains("<testcase classname=\"dr-drill.files\" name=\"config\"");
        assertThat(Files.readString(artifacts.resolve("dr-report/dr-test.html")))
                .contains("<h1>DR drill: " + store + "</h1>").contains("passed: SELECT count(*) = 500 FROM rate_limits &rarr; t")
                .contains("files restored into");
        // the scratch database was dropped, the scratch directory removed
        try (Connection c = pg.connectAsSuperuser(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'squad_scratch_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    /** docs/examples/squad-api-backup.Jenkinsfile then docs/examples/dr-drill.Jenkinsfile, as they are in the repository. */
    @Test
    void theBackupAndDrillExamplesRunAsWritten() throws Exception {
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db", pg.user(), pg.password()));
        Path examples = PipelineHarness.defaultRepoRoot().resolve("docs/examples");
        String store = dir.resolve("store-examples").toString();
        Path artifacts = dir.resolve("example-artifacts");
        PipelineRun backup = new PipelineHarness().jobName("squad-api-backup").user("timer").artifactsDir(artifacts.resolve("backup"))
                .param("STORE", store).param("POSTGRES", "127.0.0.1:" + pg.port()).param("POSTGRES_DB", "app")
                .param("CONFIG_DIR", dir.resolve("app").toString())
                .run(examples.resolve("squad-api-backup.Jenkinsfile"));
        assertResult(backup, Result.SUCCESS);
        assertThat(backup.triggers()).containsExactly("cron('H 2 * * *')");
        assertThat(backup.console())
                .contains("NOTIFY (#squad-alerts): SUCCESS: backup of " + store + ": 2 snapshot(s) created and verified, 0 pruned")
                .contains("Backup: 2 store(s) backed up, 0 old snapshot(s) pruned");
        assertThat(backup.artifacts()).contains("squad-deploy-report/report.json");

        PipelineRun drill = new PipelineHarness().jobName("dr-drill").user("timer").artifactsDir(artifacts.resolve("drill"))
                .param("STORE", store).param("POSTGRES", "127.0.0.1:" + pg.port()).param("POSTGRES_DB", "app")
                .param("CONFIG_DIR", dir.resolve("app").toString()).param("SMOKE_QUERY", "SELECT count(*) = 500 FROM rate_limits")
                .run(examples.resolve("dr-drill.Jenkinsfile"));
        assertResult(drill, Result.SUCCESS);
        assertThat(drill.console())
                .contains("dbSnapshot: check 1 passed: SELECT count(*) = 500 FROM rate_limits")
                .containsPattern("DR squad-db: PASSED; RTO \\d+ ms, RPO \\d+ s; restore into scratch database squad_scratch_\\S+ \\(dropped\\), 1 smoke query")
                .containsPattern("DR squad-config: PASSED; RTO \\d+ ms, RPO \\d+ s; restore into the scratch directory ");
        assertThat(drill.testResults()).singleElement().satisfies(t -> assertThat(t.getPassCount()).isEqualTo(2));
        assertThat(Files.readString(artifacts.resolve("drill/dr-report/dr-test.xml"))).contains("tests=\"2\" failures=\"0\"");
    }

    @Test
    void aFailingSmokeQueryFailsTheDrillInTheJUnitReport() {
        String store = dir.resolve("store-check").toString();
        PipelineRun backup = new PipelineHarness().runScript("node { scheduledBackup(store: '%s', sources: %s) }".formatted(store, sources(store)));
        assertResult(backup, Result.SUCCESS);
        PipelineRun drill = new PipelineHarness().runScript("""
                node {
                    drTest(store: '%s', sources: [[name: 'squad-db', checks: ['SELECT count(*) = 1 FROM rate_limits'],
                           source: postgresSource(database: 'app', host: '127.0.0.1', port: %d, credentialsId: 'squad-db')]])
                }
                """.formatted(store, pg.port()));
        assertResult(drill, Result.FAILURE);
        assertThat(drill.testResults()).singleElement().satisfies(t -> assertThat(t.failCount()).isEqualTo(1));
        assertThat(drill.console())
                .contains("ERROR: drTest: DR drill of " + store + ": 0 of 1 store(s) restored within RTO 900.0 s and RPO 26.0 h; FAILED: squad-db: ")
                .contains("SELECT count(*) = 1 FROM rate_limits");
    }

    @Test
    void aStoreWithoutAFreshVerifiedSnapshotFailsTheBackupAndNotifies() {
        String store = dir.resolve("store-down").toString();
        PipelineRun run = new PipelineHarness().runScript("""
                node {
                    scheduledBackup(store: '%s', sources: [[name: 'squad-db',
                                    source: postgresSource(database: 'app', host: '127.0.0.1', port: 1, credentialsId: 'squad-db')]],
                                    notify: { e -> echo "NOTIFY ${e.status}: ${e.message}" })
                }
                """.formatted(store));
        assertResult(run, Result.FAILURE);
        assertThat(run.console())
                .contains("scheduledBackup: squad-db FAILED: dbSnapshot create failed: cannot connect to PostgreSQL postgresql://127.0.0.1:1/app")
                .contains("dbSnapshot: squad-db: no verified snapshot in the store")
                .contains("NOTIFY FAILURE: backup of " + store + " FAILED: squad-db: dbSnapshot create failed")
                .contains("ERROR: scheduledBackup: backup of " + store + " FAILED")
                .doesNotContain(pg.password());
    }

    @Test
    void badParametersFailNamingThem() {
        assertThat(new PipelineHarness().runScript("node { scheduledBackup(store: '/tmp/x') }").console())
                .contains("ERROR: scheduledBackup: 'sources' is required");
        assertThat(new PipelineHarness().runScript("node { drTest(store: '/tmp/x', sources: [[name: 'a']], rto: 5) }").console())
                .contains("ERROR: drTest: unknown parameter 'rto'; accepted: store, sources, rtoSeconds, rpoHours");
    }
}
