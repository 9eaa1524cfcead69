package io.jenkins.plugins.squaddeploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotRdsFakeAwsTest;
import io.jenkins.plugins.squaddeploy.testbed.FakeHelm;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/examples/enterprise-api.Jenkinsfile (seed 004) run through the pipeline harness (real step classes and vars, CPS,
 * Declarative, inputs answered by the test), with a <b>FAKE helm</b> ({@link FakeHelm}) and a <b>FAKE aws</b>
 * ({@link SnapshotRdsFakeAwsTest#FAKE_AWS}) as the agent's programs and a local HTTP endpoint as the public health URL:
 * there is no helm, cluster or AWS here. Build 1 releases 1.1.0 (change window, approval by someone other than the starter,
 * RDS snapshot, migration, helm upgrade, verify). Build 2 releases 1.2.0, whose health check fails: autoRollbackWithApproval
 * runs helm rollback to revision 2 at once, names the RDS restore and runs it only after the DBA approves.
 */
@Timeout(120)
class EnterpriseApiJenkinsfileTest {
    static HttpServer health;
    static final AtomicReference<String> STATUS = new AtomicReference<>("healthy");
    static String token;
    static String dbPassword;

    @TempDir
    static Path tmp;

    static final String H1 = "{\"revision\":1,\"updated\":\"2025-01-10T14:00:00Z\",\"status\":\"%s\",\"chart\":\"api-platform-1.0.0\",\"app_version\":\"1.0.0\","
            + "\"description\":\"Install complete\"}";
    static final String H2 = "{\"revision\":2,\"updated\":\"2025-01-17T14:00:00Z\",\"status\":\"%s\",\"chart\":\"api-platform-1.1.0\",\"app_version\":\"1.1.0\","
            + "\"description\":\"Upgrade complete\"}";
    static final String H3 = "{\"revision\":3,\"updated\":\"2025-01-24T14:00:00Z\",\"status\":\"%s\",\"chart\":\"api-platform-1.2.0\",\"app_version\":\"1.2.0\","
            + "\"description\":\"Upgrade complete\"}";
    static final String H4 = "{\"revision\":4,\"updated\":\"2025-01-24T14:05:00Z\",\"status\":\"deployed\",\"chart\":\"api-platform-1.1.0\",\"app_version\":\"1.1.0\","
            + "\"description\":\"Rollback to 2\"}";

    static String status(int version, String description) {
        return "{\"name\":\"api-platform\",\"info\":{\"status\":\"deployed\",\"description\":\"" + description + "\"},\"version\":" + version
                + ",\"namespace\":\"production\"}";
    }

    @BeforeAll
    static void start() throws Exception {
        health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        health.createContext("/v1/health", ex -> {
            byte[] b = ("{\"status\":\"" + STATUS.get() + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        health.start();
        token = TestSecrets.generate("enterprisekube");
        dbPassword = TestSecrets.generate("enterprisedb");
        TestCredentials.add(new TestCredentials.SecretFile("prod-kubeconfig", "kubeconfig", ("apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n"
                + "  cluster:\n    server: https://k8s.example:6443\ncontexts:\n- name: prod-us-east-1\n  context:\n    cluster: prod\n    user: deployer\n"
                + "current-context: prod-us-east-1\nusers:\n- name: deployer\n  user:\n    token: \"" + token + "\"\n").getBytes(StandardCharsets.UTF_8)));
        TestCredentials.add(new TestCredentials.UsernamePassword("aws-deploy", "AKIAFAKEFORTESTS0001", TestSecrets.generate("enterpriseaws")));
        TestCredentials.add(new TestCredentials.StringSecret("api-db-password", dbPassword));
    }

    @AfterAll
    static void stop() {
        TestCredentials.clear();
        if (health != null) {
            health.stop(0);
        }
    }

    @Test
    void aReleaseThenAFailedOneRolledBackByHelmWithTheRdsRestoreApproved() throws Exception {
        Path helm = FakeHelm.install(tmp.resolve("fake-helm-bin"));
        Path helmState = Files.createDirectories(tmp.resolve("fake-helm-state"));
        Path aws = tmp.resolve("fake-aws-bin/aws");
        Files.createDirectories(aws.getParent());
        Files.writeString(aws, SnapshotRdsFakeAwsTest.FAKE_AWS);
        Files.setPosixFilePermissions(aws, PosixFilePermissions.fromString("rwx------"));
        Path awsState = Files.createDirectories(tmp.resolve("fake-aws-state"));
        Files.writeString(helmState.resolve("version.txt"), "v3.14.4+g81c902a\n");
        // user-supplied values of revision 2 as `helm get values -o json` prints them (a secret among them: never printed)
        Files.writeString(helmState.resolve("values-2.json"), "{\"image\":{\"tag\":\"1.1.0\"},\"replicaCount\":5,\"database\":{\"password\":\"" + dbPassword + "\"}}");
        Files.writeString(helmState.resolve("history-0.json"), "[" + H1.formatted("deployed") + "]");
        Files.writeString(helmState.resolve("status-0.json"), status(1, "Install complete"));
        Files.writeString(helmState.resolve("history-1.json"), "[" + H1.formatted("superseded") + "," + H2.formatted("deployed") + "]");
        Files.writeString(helmState.resolve("status-1.json"), status(2, "Upgrade complete"));
        Files.writeString(helmState.resolve("history-2.json"), "[" + H1.formatted("superseded") + "," + H2.formatted("superseded") + "," + H3.formatted("deployed") + "]");
        Files.writeString(helmState.resolve("status-2.json"), status(3, "Upgrade complete"));
        Files.writeString(helmState.resolve("history-3.json"), "[" + H1.formatted("superseded") + "," + H2.formatted("superseded") + "," + H3.formatted("superseded")
                + "," + H4 + "]");
        Files.writeString(helmState.resolve("status-3.json"), status(4, "Rollback to 2"));
        Path jenkinsfile = PipelineHarness.defaultRepoRoot().resolve("docs/examples/enterprise-api.Jenkinsfile");

        STATUS.set("healthy");
        PipelineRun one = harness(1, "1.1.0", helm, aws, helmState, awsState).run(jenkinsfile);

        assertThat(one.result()).as(one.console()).isEqualTo(Result.SUCCESS);
        assertThat(one.console()).contains("helm upgrade --install api-platform helm/api-platform --namespace production --kube-context prod-us-east-1 "
                        + "--wait --timeout 600s --atomic -f helm/values-prod.yaml -f ")
                .contains("--set replicaCount=5 --set-string image.tag=1.1.0")
                .contains("aws rds create-db-snapshot --db-instance-identifier prod-db")
                .contains("migrations applied for 1.1.0")
                .contains("helm revision 2 deployed (rollback goes to 1)");
        assertNoSecrets(one);
        assertThat(one.inputs()).extracting(InputRequest::id).containsExactly("ApprovalGate");

        STATUS.set("degraded");
        PipelineRun two = harness(2, "1.2.0", helm, aws, helmState, awsState).run(jenkinsfile);

        assertThat(two.result()).as(two.console()).isEqualTo(Result.FAILURE);
        List<String> calls = Files.readAllLines(helmState.resolve("calls.log"));
        assertThat(calls).contains("rollback|api-platform|2|--namespace|production|--kube-context|prod-us-east-1|--wait|--timeout|600s|");
        assertThat(two.console()).contains("It would run: " + aws + " rds restore-db-instance-from-db-snapshot --db-instance-identifier prod-db-restore-")
                .contains("autoRollback: database: approved by dba-carol: " + aws + " rds restore-db-instance-from-db-snapshot")
                .contains("and was ROLLED BACK: production/api-platform 1.2.0 → 1.1.0")
                .contains("point the application's database endpoint at the new instance");
        assertThat(Files.readAllLines(awsState.resolve("calls.log"))).anyMatch(l -> l.startsWith("rds restore-db-instance-from-db-snapshot --db-instance-identifier prod-db-restore-"));
        assertThat(two.inputs()).hasSize(2);
        assertNoSecrets(two);
    }

    static PipelineHarness harness(int build, String version, Path helm, Path aws, Path helmState, Path awsState) {
        return new PipelineHarness().jobName("api-platform-release").buildNumber(build).user("alice")
                .group("api-platform-release-managers", "bob", "alice").group("api-platform-dba", "dba-carol")
                .param("VERSION", version)
                .param("CHANGE_WINDOWS", "daily 00:00-24:00 UTC")
                .param("HEALTH_URL", "http://127.0.0.1:" + health.getAddress().getPort() + "/v1/health")
                .param("WATCH_SECONDS", "0")
                .param("HEALTH_ATTEMPTS", "1")
                .param("MIGRATE", "echo migrations applied for " + version)
                .param("HELM", helm.toString())
                .param("AWS_CLI", aws.toString())
                .param("RDS_POLL_SECONDS", "1")
                .param("SNAPSHOT_STORE", tmp.resolve("snapshots").toString())
                .env("FAKE_HELM_STATE", helmState.toString())
                .env("FAKE_AWS_STATE", awsState.toString())
                .onInput(req -> "ApprovalGate".equals(req.id())
                        ? InputAnswer.approve("bob", Map.of("REASON", "release notes reviewed", "TICKET", "CHG-1234"))
                        : InputAnswer.approve("dba-carol"));
    }

    static void assertNoSecrets(PipelineRun r) {
        assertThat(r.console()).doesNotContain(token).doesNotContain(dbPassword).doesNotContain("\tat ");
    }
}
