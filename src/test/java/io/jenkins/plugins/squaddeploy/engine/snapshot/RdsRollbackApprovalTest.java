package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.rollback.DatabaseOutcome;
import io.jenkins.plugins.squaddeploy.engine.rollback.DatabaseRollback;
import io.jenkins.plugins.squaddeploy.engine.rollback.SnapshotCatalog;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 004's database rollback with RDS, argv-level against the <b>FAKE {@code aws}</b> of {@link SnapshotRdsFakeAwsTest}:
 * an RDS snapshot taken before the migrations for release 1.2.0 (dbSnapshot {@code release}) is found by autoRollback's
 * {@code database: 'release'}; without an approval nothing is restored, in any environment, and the message names the exact
 * {@code aws rds restore-db-instance-from-db-snapshot} command; with one, that command runs (into a new instance). The
 * catalog here does what the step's AgentSnapshotCatalog does on the agent (list, restore with {@link RdsRestore#target}).
 */
@Timeout(60)
class RdsRollbackApprovalTest {
    @TempDir
    Path tmp;
    Path state;
    Path store;
    SnapshotTesting t;
    SnapshotSource.Rds source;

    @BeforeEach
    void fakeAws() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("fake-aws-bin"));
        Files.writeString(bin.resolve("aws"), SnapshotRdsFakeAwsTest.FAKE_AWS);
        Files.setPosixFilePermissions(bin.resolve("aws"), PosixFilePermissions.fromString("rwxr-xr-x"));
        state = Files.createDirectories(tmp.resolve("fake-aws-state"));
        store = tmp.resolve("store");
        String secretKey = TestSecrets.generate("awsrollback");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("FAKE_AWS_STATE", state.toString());
        t = new SnapshotTesting(secretKey).withEnv(env);
        source = SnapshotSources.rds("source", "prod-db", "eu-west-1", new Credential("aws-deploy", "AKIAFAKEFORTESTS0001", secretKey), null, Duration.ofMillis(50));
    }

    SnapshotCatalog catalog() {
        return new SnapshotCatalog() {
            @Override
            public String describe() {
                return store.toString();
            }

            @Override
            public List<Snapshot> list() throws java.io.IOException {
                try {
                    List<Snapshot> out = new ArrayList<>();
                    for (Object o : (List<?>) t.run(SnapshotRequest.builder(store.toString()).action("list")).get("snapshots")) {
                        Map<?, ?> m = (Map<?, ?>) o;
                        out.add(new Snapshot((String) m.get("id"), (String) m.get("series"), (String) m.get("release"), (String) m.get("build"),
                                Instant.parse((String) m.get("createdAt"))));
                    }
                    return out;
                } catch (Exception e) {
                    throw new java.io.IOException(e);
                }
            }

            @Override
            public Map<String, Object> restore(String id) throws java.io.IOException {
                try {
                    return t.run(SnapshotRequest.builder(store.toString()).action("restore").source(source).snapshot(id).confirm(true)
                            .restoreTo(RdsRestore.target(source, id)));
                } catch (Exception e) {
                    throw new java.io.IOException(e);
                }
            }

            @Override
            public List<String> externalRestore(String id) {
                return RdsRestore.argv(source, id, RdsRestore.target(source, id));
            }
        };
    }

    @Test
    void namesTheRestoreCommandAndRunsItOnlyWithAnApproval() throws Exception {
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(source).release("1.2.0").build("api #12")
                .reason("before migrations"));
        String id = (String) created.get("id");
        String awsId = (String) ((Map<?, ?>) created.get("extra")).get("awsSnapshotId");
        String target = RdsRestore.target(source, id);
        assertThat(target).matches("prod-db-restore-\\d{12}");
        String command = "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier " + target + " --db-snapshot-identifier " + awsId
                + " --region eu-west-1 --output json";

        // staging, not production: an RDS restore still needs the approval
        DatabaseOutcome asked = DatabaseRollback.of("release", null, "api #12").run(catalog(), "staging", Set.of("1.2.0"), Instant.now(), t.log);
        assertThat(asked.status()).isEqualTo(DatabaseOutcome.Status.NEEDS_APPROVAL);
        assertThat(asked.snapshot()).isEqualTo(id);
        assertThat(asked.message()).contains("restoring " + id + " creates a new database instance and needs an approval")
                .contains("It would run: " + command).contains("nothing was restored").contains("not done by Squad Deploy");
        assertThat(Files.readAllLines(state.resolve("calls.log"))).noneMatch(l -> l.contains("restore-db-instance-from-db-snapshot"));

        DatabaseOutcome done = DatabaseRollback.of("release", "alice", "api #12").run(catalog(), "production", Set.of("1.2.0"), Instant.now(), t.log);
        assertThat(done.status()).as(done.message()).isEqualTo(DatabaseOutcome.Status.RESTORED);
        assertThat(done.message()).contains("into rds instance " + target).contains("approved by alice")
                .contains("point the application's database endpoint at the new instance");
        assertThat(Files.readAllLines(state.resolve("calls.log"))).contains(command.substring("aws ".length()));
        assertThat(t.console()).contains("autoRollback: database: approved by alice: " + command);
    }
}
