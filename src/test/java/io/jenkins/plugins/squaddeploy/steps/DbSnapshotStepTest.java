package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudbees.plugins.credentials.TestCredentials;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.pipeline.TestBuild;
import io.jenkins.plugins.squaddeploy.pipeline.TestStepContext;
import io.jenkins.plugins.squaddeploy.steps.snapshot.PostgresSource;
import io.jenkins.plugins.squaddeploy.testbed.FakeKubectl;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * dbSnapshot as a pipeline step, through the pipeline harness (CPS, the real step and describable classes, credentials
 * by ID, the workspace behind a serialising channel): create, list, DR check and prune in one build; user errors end the
 * build with one ERROR line naming the parameter; an aborted build stops pg_dump and leaves nothing in the store.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class DbSnapshotStepTest {
    static PostgresFixture pg;
    static String wrongPassword;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("ALTER ROLE app CREATEDB");
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE releases (id serial PRIMARY KEY, version text)");
            s.execute("INSERT INTO releases (version) VALUES ('1.4.2'), ('1.4.3'), ('2.0.0-β')");
        }
        wrongPassword = io.jenkins.plugins.squaddeploy.build.TestSecrets.generate("wrongstep");
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db", pg.user(), pg.password()));
        TestCredentials.add(new TestCredentials.UsernamePassword("app-db-wrong", pg.user(), wrongPassword));
        TestCredentials.add(new TestCredentials.StringSecret("a-token", "Sq!token-not-for-postgres"));
    }

    @AfterAll
    static void stop() {
        TestCredentials.clear();
        pg.close();
    }

    String source() {
        return "postgresSource(database: 'app', host: '127.0.0.1', port: " + pg.port() + ", credentialsId: 'app-db')";
    }

    static PipelineRun run(String steps) {
        return new PipelineHarness().jobName("squad-api").buildNumber(42).runScript("node {\n" + steps + "\n}");
    }

    @Test
    void createListDrCheckAndPruneInOneBuild() throws Exception {
        Path store = tmp.resolve("backups");
        PipelineRun r = run("""
                def s = dbSnapshot store: '%1$s', source: %2$s, reason: 'before deploy', release: '1.4.3'
                echo "created ${s.id} kind=${s.kind} release=${s.release} build=${s.build} sha=${s.sha256.length()}"
                def l = dbSnapshot store: '%1$s', action: 'list'
                echo "listed=${l.snapshots.size()} first=${l.snapshots[0].id == s.id}"
                def v = dbSnapshot store: '%1$s', action: 'verify', source: %2$s, restoreTo: 'scratch',
                                   checks: ["SELECT count(*) = 3 FROM releases", "SELECT bool_or(version = '2.0.0-β') FROM releases"]
                echo "dr ok=${v.ok} rto=${v.restoreMs >= 0} rows=${v.rowCounts}"
                def p = dbSnapshot store: '%1$s', action: 'prune', keepLast: 1
                echo "kept=${p.kept.size()} deleted=${p.deleted.size()}"
                """.formatted(store, source()));
        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.console())
                .containsPattern("created \\d{8}T\\d{6}\\.\\d{3}Z-postgres-app kind=postgres release=1.4.3 build=squad-api #42 sha=64")
                .contains("listed=1 first=true")
                .contains("dr ok=true rto=true rows=[public.releases:3]")
                .contains("kept=1 deleted=0")
                .contains("dbSnapshot: check 2 passed: SELECT bool_or(version = '2.0.0-β') FROM releases")
                .doesNotContain(pg.password());
        // the job is started by a file callable on the store, then polled; every one crossed the serialising channel
        assertThat(r.channel().callableTypes()).contains("hudson.FilePath$FileCallableWrapper", AgentSnapshotJob.Poll.class.getName());
        try (Stream<Path> s = Files.list(store)) {
            assertThat(s.filter(p -> !p.getFileName().toString().startsWith(".")).count()).isEqualTo(1);
        }
    }

    @Test
    void aRelativeStoreIsInTheWorkspaceOfTheNode() {
        PipelineRun r = run("def s = dbSnapshot store: 'snapshots', source: " + source() + "\necho \"path=${s.path}\"");
        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.console()).containsPattern("path=/.*/workspace/squad-api/snapshots/\\d{8}T");
    }

    @Test
    void userErrorsEndTheBuildWithOneLineNamingTheParameter() {
        Path store = tmp.resolve("backups");
        assertError("dbSnapshot store: '" + store + "', action: 'backup', source: " + source(),
                "ERROR: dbSnapshot: Invalid parameter 'action': unknown action 'backup'. Expected one of create, list, verify, restore, prune, drill, freshness.");
        assertError("dbSnapshot store: '" + store + "', source: postgresSource(database: 'app', credentialsId: 'nope')",
                "ERROR: dbSnapshot: Invalid parameter 'source.credentialsId': no credentials with ID 'nope' are visible to this build. "
                        + "Expected the ID of a 'Username with password' credential.");
        assertError("dbSnapshot store: '" + store + "', source: postgresSource(database: 'app', credentialsId: 'a-token')",
                "ERROR: dbSnapshot: Invalid parameter 'source.credentialsId': credentials 'a-token' are of another type (StringSecret). "
                        + "Expected the ID of a 'Username with password' credential.");
        assertError("dbSnapshot store: '" + store + "', action: 'restore', source: " + source() + ", snapshot: '../../etc/passwd'",
                "ERROR: dbSnapshot: Invalid parameter 'snapshot': got '../../etc/passwd' (a path, not an ID). "
                        + "Expected a snapshot ID as listed by action: 'list', e.g. 20261122T023545.123Z-postgres-app.");
        assertError("dbSnapshot store: '" + store + "', source: postgresSource(database: 'app', format: 'directory', container: 'db')",
                "ERROR: dbSnapshot: Invalid parameter 'source.format': the directory format needs the local client (pg_dump writes the directory "
                        + "itself, which would be inside the container). Expected format: 'custom' with container/composeService.");
        PipelineRun missing = run("dbSnapshot action: 'list'");
        assertThat(missing.result()).isEqualTo(Result.FAILURE);
        assertThat(missing.console()).contains("missing required parameter store");
    }

    @Test
    void aSnapshotThroughKubectlExecTakesTheKubeconfigFromASecretFileCredentialAndNeverShowsIt() throws Exception {
        // kubectl is a FAKE (no cluster here) that runs the command after "--" on this machine: pg_dump is real
        Path bin = tmp.resolve("fake-bin");
        FakeKubectl.install(bin);
        Path state = Files.createDirectories(tmp.resolve("kubectl-state"));
        String token = io.jenkins.plugins.squaddeploy.build.TestSecrets.generate("kubeexecstep");
        TestCredentials.add(new TestCredentials.SecretFile("shop-kube", "kubeconfig", ("apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n"
                + "  cluster:\n    server: https://127.0.0.1:9\ncontexts:\n- name: prod\n  context:\n    cluster: prod\n    user: ci\n"
                + "current-context: prod\nusers:\n- name: ci\n  user:\n    token: " + token + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path store = tmp.resolve("backups");
        String src = "postgresSource(database: 'app', host: '127.0.0.1', port: " + pg.port() + ", credentialsId: 'app-db', binDir: '" + pg.binDir()
                + "', kubernetesPod: 'postgres-0', kubernetesNamespace: 'shop', kubeconfigCredentialsId: '%s')";
        PipelineRun r = new PipelineHarness().jobName("squad-api").buildNumber(43).env("PATH", bin + ":" + System.getenv("PATH"))
                .env("FAKE_KUBECTL_STATE", state.toString())
                .runScript("node {\ndef s = dbSnapshot store: '" + store + "', source: " + src.formatted("shop-kube") + "\necho \"created ${s.id} size=${s.size > 0}\"\n}");
        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.console()).contains("(kubectl exec into pod postgres-0 in namespace shop)").containsPattern("created \\d{8}T\\S+-postgres-app size=true")
                .doesNotContain(token).doesNotContain(pg.password());
        List<String> calls = Files.readAllLines(state.resolve("calls.log"));
        assertThat(calls).anySatisfy(l -> assertThat(l).startsWith("--kubeconfig|").contains("|--namespace|shop|exec|-i|postgres-0|--|sh|-c|")
                .contains("|" + pg.binDir() + "/pg_dump|-Fc|").doesNotContain(pg.password()).doesNotContain(token));
        List<String> files = Files.readAllLines(state.resolve("files.log"));
        assertThat(files).isNotEmpty().allSatisfy(l -> {
            assertThat(l).contains(" mode=600 ");
            assertThat(Path.of(l.substring(5, l.indexOf(" mode=")))).doesNotExist();
        });
        // a credential of the wrong type is named before anything runs
        assertError("dbSnapshot store: '" + store + "', source: " + src.formatted("app-db"),
                "ERROR: dbSnapshot: Invalid parameter 'source.kubeconfigCredentialsId': credentials 'app-db' are of another type (UsernamePassword). "
                        + "Expected the ID of a 'Secret file' credential.");
        assertThat(Files.readAllLines(state.resolve("calls.log"))).hasSameSizeAs(calls);
    }

    void assertError(String step, String line) {
        PipelineRun r = run(step);
        assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
        assertThat(r.consoleLines()).contains(line);
        assertThat(r.console()).doesNotContain("\tat ").doesNotContain("pg_dump -Fc");
    }

    @Test
    void aRestoreIntoTheLiveDatabaseNeedsConfirmAndAWrongPasswordIsNamedButNeverShown() throws Exception {
        Path store = tmp.resolve("backups");
        assertThat(run("dbSnapshot store: '" + store + "', source: " + source()).result()).isEqualTo(Result.SUCCESS);
        PipelineRun r = run("dbSnapshot store: '" + store + "', action: 'restore', source: " + source());
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.console()).containsPattern("ERROR: dbSnapshot: Invalid parameter 'confirm': restoring \\S+ into app replaces its data: "
                + "everything written there after the snapshot taken .* would be lost\\. Expected confirm: true to restore into app, or restoreTo: 'scratch'\\.");

        PipelineRun wrong = run("dbSnapshot store: '" + store + "', source: postgresSource(database: 'app', host: '127.0.0.1', port: " + pg.port()
                + ", credentialsId: 'app-db-wrong')");
        assertThat(wrong.result()).isEqualTo(Result.FAILURE);
        assertThat(wrong.console()).contains("ERROR: dbSnapshot create failed: cannot connect to PostgreSQL postgresql://127.0.0.1:" + pg.port()
                + "/app: exit code 2: connection to server at \"127.0.0.1\", port " + pg.port() + " failed: FATAL: password authentication failed for user \"app\"")
                .doesNotContain(wrongPassword);
    }

    @Test
    void anAbortedBuildStopsPgDumpAndLeavesNothingInTheStore() throws Exception {
        Path store = tmp.resolve("backups");
        try (Connection lock = pg.connect(); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE releases IN ACCESS EXCLUSIVE MODE"); // pg_dump waits for it until the build is aborted
            PipelineRun r = new PipelineHarness().stepTimeout(Duration.ofSeconds(3))
                    .runScript("node { dbSnapshot store: '" + store + "', source: " + source() + " }");
            lock.rollback();
            assertThat(r.result()).isEqualTo(Result.ABORTED);
            assertThat(r.console()).contains("dbSnapshot: pg_dump -Fc -Z 1")
                    .contains("The harness' limit of 3 sec for one step was exceeded by dbSnapshot");
        }
        Poll.until("the job to remove its unfinished snapshot", Duration.ofSeconds(20), () -> {
            try (Stream<Path> s = Files.list(store.resolve(".tmp"))) {
                return s.findAny().isEmpty();
            }
        });
        try (Stream<Path> s = Files.list(store)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(".tmp", ".lock");
        }
    }

    @Test
    void afterARestartTheStepFollowsItsJobOrSaysThatTheAgentLostIt() throws Exception {
        DbSnapshotStep step = new DbSnapshotStep(tmp.resolve("backups").toString());
        step.setAction("list");
        TestBuild before = new TestBuild("resume", 1, null, System.out, tmp.resolve("before"));
        TestStepContext first = before.context(new EnvVars(), true);
        StepExecution running = step.start(first);
        assertThat(running.start()).as("asynchronous: the CPS thread is not held").isFalse();
        assertThat(first.outcome().get(30, TimeUnit.SECONDS)).isInstanceOf(Map.class);
        byte[] saved = save(running); // as Jenkins saved it while the job was running; the job has ended since

        TestBuild after = new TestBuild("resume", 1, null, System.out, tmp.resolve("after"));
        TestStepContext resumed = after.context(new EnvVars(), true);
        first.resumeAs(resumed);
        load(saved).onResume();
        assertThatThrownBy(() -> resumed.outcome().get(30, TimeUnit.SECONDS)).cause().isInstanceOf(AbortException.class)
                .hasMessageStartingWith("dbSnapshot list failed: the snapshot job ").hasMessageContaining("is not known on this agent");
        assertThat(List.of(after.console().text())).isNotEmpty();
    }

    private static byte[] save(StepExecution e) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        return bytes.toByteArray();
    }

    private static StepExecution load(byte[] saved) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(saved))) {
            return (StepExecution) in.readObject();
        }
    }

    @Test
    void theSourceDescribableKeepsItsDefaults() {
        PostgresSource s = new PostgresSource("app");
        assertThat(s.getPort()).isEqualTo(5432);
        assertThat(s.getFormat()).isEqualTo("custom");
        assertThat(s.getCompression()).isEqualTo(1);
        assertThat(s.getMaintenanceDatabase()).isEqualTo("postgres");
        DbSnapshotStep step = new DbSnapshotStep("/var/backups");
        assertThat(step.getAction()).isEqualTo("create");
        assertThat(List.of(step.getKeepLast(), step.getKeepDaily(), step.getKeepWeekly(), step.getTimeout())).containsExactly(7, 7, 4, 3600);
    }
}
