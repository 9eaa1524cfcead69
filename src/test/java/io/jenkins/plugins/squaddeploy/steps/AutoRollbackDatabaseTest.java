package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotRequest;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotService;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import io.jenkins.plugins.squaddeploy.engine.snapshot.ToolRunner;
import io.jenkins.plugins.squaddeploy.pipeline.InputAnswer;
import io.jenkins.plugins.squaddeploy.pipeline.InputRequest;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database part of autoRollback, never automatic: a production release with a dbSnapshot taken for it fails;
 * {@code autoRollbackWithApproval database: 'release'} rolls the application back at once, finds the snapshot by its
 * release, prints the data-loss window, asks with {@code input} (nothing is restored before the answer), and restores
 * the real PostgreSQL database once approved.
 */
@Timeout(150)
@ExtendWith(TestbedExtension.class)
class AutoRollbackDatabaseTest {
    static DeployTestbed bed;
    static PostgresFixture pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        bed = new DeployTestbed();
        pg = PostgresFixture.create();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, item text)");
            s.execute("INSERT INTO orders (item) VALUES ('written before the release')");
        }
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db", pg.user(), pg.password()));
    }

    @AfterAll
    static void stop() {
        TestCredentials.clear();
        pg.close();
        bed.close();
    }

    static long orders() throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM orders")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void productionRestoresTheReleaseSnapshotOnlyAfterTheApprovalAndSaysWhatIsLost() throws Exception {
        try (RollbackBed b = RollbackBed.create(bed)) {
            String port = Integer.toString(b.bluePort);
            b.deploy(b.request("1.0.0", "recreate", port).environment("production").build());
            // dbSnapshot before the release (as the pipeline's Deploy stage does), then the release writes an order
            Path store = tmp.resolve("backups");
            Map<String, Object> snap = new SnapshotService(ToolRunner.local(), b.log, Clock.systemUTC()).run(SnapshotRequest.builder(store.toString())
                    .source(SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null, new Credential("app-db", pg.user(), pg.password()),
                            null, null, null, null, null, null))
                    .release("2.0.0").reason("before 2.0.0").build());
            String id = (String) snap.get("id");
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders (item) VALUES ('written by 2.0.0 after the snapshot')");
            }
            String labels = DeployTestbed.testLabels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ", "[", "]"));
            String jenkinsfile = "pipeline {\n"
                    + "  agent any\n"
                    + "  stages {\n"
                    + "    stage('Deploy') {\n"
                    + "      steps {\n"
                    + "        squadDeploy service: '" + b.service + "', image: '" + bed.image("2.0.0") + "', environment: 'production', strategy: 'recreate',\n"
                    + "            target: dockerTarget(ports: '" + port + "'), stateDir: '" + b.stateDir + "', healthTimeout: 30, labels: " + labels + "\n"
                    + "        error 'smoke tests failed'\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "  post {\n"
                    + "    failure {\n"
                    + "      script {\n"
                    + "        def r = autoRollbackWithApproval reason: 'smoke tests failed', database: 'release', snapshotStore: '" + store + "',\n"
                    + "            databaseSource: postgresSource(host: '127.0.0.1', port: " + pg.port() + ", database: 'app', credentialsId: 'app-db'),\n"
                    + "            approvers: 'ops'\n"
                    + "        echo \"app: ${r.status}; database: ${r.database.status} ${r.database.snapshot} approved by ${r.database.approvedBy}\"\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "}\n";
            AtomicLong ordersWhenAsked = new AtomicLong(-1);
            PipelineRun r = new PipelineHarness().jobName("squad-api").buildNumber(43).onInput((InputRequest q) -> {
                try {
                    ordersWhenAsked.set(orders());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return InputAnswer.approve("ops");
            }).runScript(jenkinsfile);

            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            assertThat(r.inputs()).singleElement().satisfies(q -> {
                assertThat(q.message()).startsWith("autoRollback: restore the database from snapshot " + id + "? production is production: restoring "
                        + id + " needs an approval (data-loss window ").contains("everything written to the database after ");
                assertThat(q.submitter()).isEqualTo("ops");
            });
            assertThat(ordersWhenAsked.get()).as("nothing restored before the approval").isEqualTo(2);
            assertThat(orders()).as("restored: the order written after the snapshot is gone").isEqualTo(1);
            // the var's call stack: the application rolled back, the question, then the approved database restore
            assertThat(r.steps()).containsSubsequence("autoRollback", "input", "autoRollback", "echo")
                    .filteredOn("autoRollback"::equals).hasSize(2);
            assertThat(DeployTestbed.versionOn(b.bluePort)).isEqualTo("1.0.0");
            assertThat(r.console())
                    .contains("autoRollback: " + "production/" + b.service + ": ROLLED_BACK: " + b.service + " runs 1.0.0 again")
                    .contains("WARNING: autoRollback: database: snapshot " + id + " (release 2.0.0), taken ")
                    .contains("nothing was restored. Ask with input and call autoRollback again with databaseApprovedBy")
                    .contains("Approved by ops")
                    .contains("ALREADY_ROLLED_BACK: " + b.service + " already runs 1.0.0 again")
                    .contains("autoRollback: database: restoring " + id + ", approved by ops")
                    .contains("autoRollback: database: restored " + id + " into ")
                    .contains("app: ALREADY_ROLLED_BACK; database: RESTORED " + id + " approved by ops")
                    .doesNotContain(pg.password());
        }
    }
}
