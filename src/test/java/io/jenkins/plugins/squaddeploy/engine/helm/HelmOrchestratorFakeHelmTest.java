package io.jenkins.plugins.squaddeploy.engine.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRollback;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * helmTarget against a <b>FAKE {@code helm} program</b> first on the PATH of the commands: there is no helm and no cluster
 * here. The fake records every call's arguments (and, for KUBECONFIG and each {@code -f} file of the private secrets
 * directory, the file's mode and SHA-256 — never its content) and prints output in the shapes real helm 3/4 prints for
 * {@code version --short}, {@code history -o json}, {@code status -o json}, {@code upgrade} and {@code rollback}, from files
 * the test writes per phase (phase n = after n upgrades/rollbacks). What is proven: the argv exactly, the parsing, helm 3/4
 * detection ({@code --atomic} vs {@code --rollback-on-failure}), pending-release detection with the clearing command, the
 * rollback argv, that secrets reach helm only in 0600 files that are deleted afterwards and never on argv. Not proven: what a
 * real helm or cluster does with them.
 */
@Timeout(60)
class HelmOrchestratorFakeHelmTest {
    static final String FAKE_HELM = io.jenkins.plugins.squaddeploy.testbed.FakeHelm.SCRIPT;
    static final String H1 = "{\"revision\":1,\"updated\":\"2025-01-10T14:00:00.123456789Z\",\"status\":\"superseded\",\"chart\":\"api-platform-1.0.0\","
            + "\"app_version\":\"1.0.0\",\"description\":\"Install complete\"}";
    static final String H2_DEPLOYED = "{\"revision\":2,\"updated\":\"2025-01-17T14:00:00.987654321Z\",\"status\":\"deployed\",\"chart\":\"api-platform-1.1.0\","
            + "\"app_version\":\"1.1.0\",\"description\":\"Upgrade complete\"}";
    static final String H2_SUPERSEDED = H2_DEPLOYED.replace("\"deployed\"", "\"superseded\"");

    @TempDir
    Path tmp;
    Path state;
    String dbPassword;
    Map<String, String> creds;
    List<String> console;
    Masker masker;
    OrchestratorContext ctx;

    @BeforeEach
    void fakeHelm() throws Exception {
        state = Files.createDirectories(tmp.resolve("fake-helm-state"));
        Path bin = Files.createDirectories(tmp.resolve("fake-helm-bin"));
        Path helm = bin.resolve("helm");
        Files.writeString(helm, FAKE_HELM);
        Files.setPosixFilePermissions(helm, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(state.resolve("version.txt"), "v3.14.4+g81c902a\n");
        dbPassword = TestSecrets.generate("helmdb");
        String token = TestSecrets.generate("helmkube");
        creds = new LinkedHashMap<>();
        creds.put("prod-db-password", dbPassword);
        creds.put("prod-kubeconfig", "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://k8s.example:6443\n"
                + "contexts:\n- name: prod\n  context:\n    cluster: c\n    user: u\ncurrent-context: prod\nusers:\n- name: u\n  user:\n    token: \"" + token + "\"\n");
        console = new CopyOnWriteArrayList<>();
        masker = new Masker();
        LocalCommandRunner local = new LocalCommandRunner();
        String path = bin + ":" + System.getenv("PATH");
        CommandRunner onPath = r -> {
            Map<String, String> env = new LinkedHashMap<>(r.env());
            env.put("PATH", path);
            env.put("FAKE_HELM_STATE", state.toString());
            // the program is looked up on the child's PATH (as on an agent whose PATH has helm), via env(1)
            List<String> argv = new ArrayList<>(List.of("/usr/bin/env"));
            argv.addAll(r.argv());
            return local.run(new CommandRequest(argv, env, r.stdin(), r.timeout()));
        };
        SecretSource secrets = new SecretSource() {
            @Override
            public Credential lookup(String id, String parameter, boolean needsUsername) {
                Credential c = new Credential(id, null, creds.get(id));
                c.addTo(masker);
                return c;
            }

            @Override
            public String lookupFile(String id, String parameter) {
                return creds.get(id);
            }
        };
        ConsoleLog log = new ConsoleLog() {
            @Override
            public void info(String line) {
                console.add(masker.mask(line));
            }

            @Override
            public void warn(String line) {
                console.add("WARNING: " + masker.mask(line));
            }
        };
        ctx = new OrchestratorContext(onPath, log, masker, secrets);
    }

    void phase(int n, String history, String status) throws Exception {
        if (history != null) {
            Files.writeString(state.resolve("history-" + n + ".json"), history);
        }
        if (status != null) {
            Files.writeString(state.resolve("status-" + n + ".json"), status);
        }
    }

    static String status(String st, int version, String description) {
        // real `helm status -o json` also carries the user-supplied values (config): never printed by the engine
        return "{\"name\":\"api-platform\",\"info\":{\"first_deployed\":\"2025-01-10T14:00:00.1Z\",\"last_deployed\":\"2025-01-17T14:00:00.2Z\","
                + "\"deleted\":\"\",\"description\":\"" + description + "\",\"status\":\"" + st + "\",\"notes\":\"1. Get the application URL\"},"
                + "\"config\":{\"database\":{\"password\":\"@PW@\"}},\"version\":" + version + ",\"namespace\":\"production\"}";
    }

    List<List<String>> calls() throws Exception {
        List<List<String>> out = new ArrayList<>();
        for (String l : Files.readAllLines(state.resolve("calls.log"))) {
            List<String> argv = new ArrayList<>(List.of(l.split("\\|", -1)));
            argv.remove(argv.size() - 1);
            out.add(argv);
        }
        return out;
    }

    HelmSpec spec(Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", "api-platform");
        m.put("chart", "helm/api-platform");
        m.put("namespace", "production");
        m.put("context", "prod");
        m.put("credentialsId", "prod-kubeconfig");
        m.put("valuesFiles", List.of("helm/values-prod.yaml"));
        m.put("set", List.of("replicaCount=5"));
        m.put("secretValues", List.of("database.password=prod-db-password"));
        m.putAll(extra);
        return HelmSpec.of(m, "target");
    }

    OrchestratedRequest request(HelmSpec spec) {
        return OrchestratedRequest.of("api-platform", "production", "api-platform/auth-service:1.10", null, null, null, 600, "http://jenkins/job/api/7/", spec);
    }

    static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void upgradeInstallArgvRevisionsAndSecretsOnlyInDeletedPrivateFiles() throws Exception {
        phase(0, "[" + H1 + "," + H2_DEPLOYED + "]", status("deployed", 2, "Upgrade complete").replace("@PW@", dbPassword));
        phase(1, "[" + H1 + "," + H2_SUPERSEDED + ",{\"revision\":3,\"updated\":\"2025-01-24T14:00:00Z\",\"status\":\"deployed\",\"chart\":\"api-platform-1.1.0\","
                + "\"app_version\":\"1.10\",\"description\":\"Upgrade complete\"}]", null);
        Files.writeString(state.resolve("values-2.json"), "{\"image\":{\"tag\":\"1.1.0\"},\"database\":{\"password\":\"" + dbPassword + "\"}}");
        HelmSpec spec = spec(Map.of());

        OrchestratedRelease r = Orchestrators.of(spec, ctx).deploy(request(spec));

        List<List<String>> calls = calls();
        List<String> where = List.of("--namespace", "production", "--kube-context", "prod");
        assertThat(calls.get(0)).containsExactly("version", "--short");
        assertThat(calls.get(1)).isEqualTo(concat(List.of("status", "api-platform"), where, List.of("-o", "json")));
        assertThat(calls.get(2)).isEqualTo(concat(List.of("history", "api-platform"), where, List.of("-o", "json", "--max", "256")));
        List<String> upgrade = calls.get(3);
        String secretsFile = upgrade.get(upgrade.indexOf("helm/values-prod.yaml") + 2);
        assertThat(upgrade).isEqualTo(concat(List.of("upgrade", "--install", "api-platform", "helm/api-platform"), where,
                List.of("--wait", "--timeout", "600s", "--atomic", "-f", "helm/values-prod.yaml", "-f", secretsFile, "--set", "replicaCount=5",
                        "--set-string", "image.tag=1.10")));
        assertThat(calls.get(4).get(0)).isEqualTo("history");
        // the previous revision's tag, from its user-supplied values (which hold the secret too: parsed, never printed)
        assertThat(calls.get(5)).isEqualTo(concat(List.of("get", "values", "api-platform", "--revision", "2"), where, List.of("-o", "json")));
        assertThat(calls).hasSize(6);
        // secrets: only in 0600 files (kubeconfig via KUBECONFIG, values via -f), deleted afterwards, never on argv
        assertThat(String.join("\n", Files.readAllLines(state.resolve("calls.log")))).doesNotContain(dbPassword).doesNotContain("token");
        String expectedValues = new ObjectMapper(new YAMLFactory()).writeValueAsString(Map.of("database", Map.of("password", dbPassword)));
        assertThat(Files.readAllLines(state.resolve("files.log"))).contains("KUBECONFIG mode=600 sha=" + sha(creds.get("prod-kubeconfig")),
                "values mode=600 sha=" + sha(expectedValues));
        assertThat(Path.of(secretsFile)).doesNotExist();
        assertThat(secretsFile).contains("squad-secrets-");
        // the record: revision before and after
        assertThat(r.units()).containsExactly(new OrchestratedRelease.Unit("api-platform", "release", "api-platform/auth-service:1.10",
                "api-platform/auth-service:1.1.0", "3", "2", true));
        assertThat(r.target()).doesNotContainValue(dbPassword);
        assertThat(r.toMap().toString()).doesNotContain(dbPassword);
        assertThat(String.join("\n", console)).contains("squadDeploy: helm upgrade --install api-platform helm/api-platform --namespace production")
                .contains("(KUBECONFIG: a 0600 file of credential 'prod-kubeconfig'); deployed now: revision 2, app 1.1.0")
                .contains("    STATUS: deployed").contains("helm release api-platform revision 3 deployed (chart api-platform-1.1.0, app 1.10); autoRollback goes back to revision 2")
                .doesNotContain(dbPassword);
    }

    @Test
    void helm4UsesRollbackOnFailureAndAFirstInstallHasNoPreviousRevision() throws Exception {
        Files.writeString(state.resolve("version.txt"), "v4.0.1+g12500dd\n");
        phase(1, "[{\"revision\":1,\"updated\":\"2025-01-10T14:00:00Z\",\"status\":\"deployed\",\"chart\":\"api-platform-1.0.0\",\"app_version\":\"1.0.0\","
                + "\"description\":\"Install complete\"}]", null);
        HelmSpec spec = spec(Map.of("secretValues", List.of(), "credentialsId", "", "imageKey", "image.reference", "createNamespace", true));

        OrchestratedRelease r = Orchestrators.of(spec, ctx).deploy(request(spec));

        assertThat(calls().get(3)).containsSequence("--create-namespace", "--wait", "--timeout", "600s", "--rollback-on-failure")
                .containsSequence("--set-string", "image.reference=api-platform/auth-service:1.10", "--set-string", "image.tag=1.10")
                .doesNotContain("--atomic");
        assertThat(r.units().get(0).previousRevision()).isNull();
        assertThat(Files.exists(state.resolve("files.log"))).as("no kubeconfig, no secret values: no files").isFalse();
        OrchestratedRollback back = Orchestrators.of(r, ctx).rollBack(r, Duration.ofSeconds(60));
        assertThat(back.status()).isEqualTo(OrchestratedRollback.Status.FAILED);
        assertThat(back.action()).contains("first installed by this release").contains("helm uninstall api-platform --namespace production");
    }

    @Test
    void aReleaseStuckPendingIsReportedWithTheCommandThatClearsItAndNothingIsForced() throws Exception {
        phase(0, "[" + H1 + "," + H2_DEPLOYED + ",{\"revision\":3,\"updated\":\"2025-01-24T14:00:00Z\",\"status\":\"pending-upgrade\",\"chart\":\"api-platform-1.2.0\","
                + "\"app_version\":\"1.2.0\",\"description\":\"Preparing upgrade\"}]", status("pending-upgrade", 3, "Preparing upgrade").replace("@PW@", dbPassword));
        HelmSpec spec = spec(Map.of());

        assertThatThrownBy(() -> Orchestrators.of(spec, ctx).deploy(request(spec))).isInstanceOf(DeployException.class)
                .hasMessageContaining("helm release api-platform is stuck in pending-upgrade (revision 3: Preparing upgrade)")
                .hasMessageContaining("helm#11863")
                .hasMessageContaining("helm upgrade was not started and nothing was forced")
                .hasMessageContaining("clear it with: helm rollback api-platform 2 --namespace production --kube-context prod (back to the last deployed revision 2, app 1.1.0)")
                .hasMessageNotContaining(dbPassword);
        assertThat(calls()).noneMatch(c -> c.get(0).equals("upgrade") || c.get(0).equals("rollback"));
        assertThat(Files.list(state.getParent()).count()).isPositive();
    }

    @Test
    void aFailedUpgradeSaysHelmRolledBackByItself() throws Exception {
        phase(0, "[" + H1 + "," + H2_DEPLOYED + "]", status("deployed", 2, "Upgrade complete").replace("@PW@", dbPassword));
        phase(1, "[" + H1 + "," + H2_SUPERSEDED + ",{\"revision\":3,\"updated\":\"2025-01-24T14:00:00Z\",\"status\":\"failed\",\"chart\":\"api-platform-1.2.0\","
                + "\"app_version\":\"1.2.0\",\"description\":\"Upgrade \\\"api-platform\\\" failed: context deadline exceeded\"},"
                + "{\"revision\":4,\"updated\":\"2025-01-24T14:10:00Z\",\"status\":\"deployed\",\"chart\":\"api-platform-1.1.0\",\"app_version\":\"1.1.0\","
                + "\"description\":\"Rollback to 2\"}]", null);
        Files.writeString(state.resolve("upgrade-fails"), "Error: UPGRADE FAILED: release api-platform failed, and has been rolled back due to atomic being set: "
                + "context deadline exceeded\n");
        HelmSpec spec = spec(Map.of());

        assertThatThrownBy(() -> Orchestrators.of(spec, ctx).deploy(request(spec))).isInstanceOf(DeployException.class)
                .hasMessageContaining("helm upgrade --install api-platform failed (exit 1: Error: UPGRADE FAILED: release api-platform failed, and has been rolled back")
                .hasMessageContaining("helm rolled api-platform back by itself (--atomic): revision 4 (Rollback to 2) serves app 1.1.0");
    }

    @Test
    void autoRollbackRunsHelmRollbackToTheRecordedRevisionAndKnowsWhenItIsDone() throws Exception {
        HelmSpec spec = spec(Map.of());
        OrchestratedRelease rel = new OrchestratedRelease("helm", "20250124T140000Z-abc123", "api-platform", "production", "1.2.0", "api-platform/auth-service:1.2.0",
                "rolling", "2025-01-24T14:00:00Z", null, spec.toMap(), List.of(new OrchestratedRelease.Unit("api-platform", "release",
                "api-platform/auth-service:1.2.0", null, "3", "2", true)), List.of());
        phase(0, "[" + H1 + "," + H2_SUPERSEDED + ",{\"revision\":3,\"updated\":\"2025-01-24T14:00:00Z\",\"status\":\"deployed\",\"chart\":\"api-platform-1.2.0\","
                + "\"app_version\":\"1.2.0\",\"description\":\"Upgrade complete\"}]", status("deployed", 3, "Upgrade complete").replace("@PW@", dbPassword));
        String back = "[" + H1 + "," + H2_SUPERSEDED + ",{\"revision\":3,\"updated\":\"2025-01-24T14:00:00Z\",\"status\":\"superseded\",\"chart\":\"api-platform-1.2.0\","
                + "\"app_version\":\"1.2.0\",\"description\":\"Upgrade complete\"},{\"revision\":4,\"updated\":\"2025-01-24T14:05:00Z\",\"status\":\"deployed\","
                + "\"chart\":\"api-platform-1.1.0\",\"app_version\":\"1.1.0\",\"description\":\"Rollback to 2\"}]";
        phase(1, back, status("deployed", 4, "Rollback to 2").replace("@PW@", dbPassword));

        OrchestratedRollback r = Orchestrators.of(OrchestratedRelease.fromMap(rel.toMap()), ctx).rollBack(rel, Duration.ofSeconds(600));

        assertThat(r.status()).as(r.action()).isEqualTo(OrchestratedRollback.Status.ROLLED_BACK);
        assertThat(calls()).contains(List.of("rollback", "api-platform", "2", "--namespace", "production", "--kube-context", "prod", "--wait", "--timeout", "600s"));
        assertThat(r.action()).isEqualTo("helm rollback api-platform → revision 2 (now revision 4, deployed, app 1.1.0), waited for it (--wait)");
        assertThat(Files.readAllLines(state.resolve("files.log"))).allMatch(l -> l.startsWith("KUBECONFIG mode=600"));

        OrchestratedRollback again = Orchestrators.of(rel, ctx).rollBack(rel, Duration.ofSeconds(600));
        assertThat(again.status()).isEqualTo(OrchestratedRollback.Status.ALREADY_ROLLED_BACK);
        assertThat(again.action()).contains("already serves revision 4 (Rollback to 2)");
        assertThat(calls().stream().filter(c -> c.get(0).equals("rollback"))).hasSize(1);
    }

    @Test
    void parsesRealOutputShapes() throws Exception {
        assertThat(HelmClient.parseMajor("v3.14.4+g81c902a\n")).isEqualTo(3);
        assertThat(HelmClient.parseMajor("v4.0.1+g12500dd")).isEqualTo(4);
        assertThat(HelmClient.parseHistory("[" + H2_DEPLOYED + "," + H1 + "]")).extracting(HelmClient.Revision::revision).containsExactly(1, 2);
        assertThat(HelmClient.lastDeployed(HelmClient.parseHistory("[" + H1 + "," + H2_DEPLOYED + "]")).appVersion()).isEqualTo("1.1.0");
        assertThat(HelmClient.parseStatus(status("pending-rollback", 5, "Preparing rollback"))).isEqualTo(new HelmClient.Status("api-platform",
                "pending-rollback", 5, "Preparing rollback"));
        assertThatThrownBy(() -> HelmClient.parseHistory("Error: boom")).hasMessageContaining("helm history printed no JSON");
    }

    @Test
    void parameterErrorsNameTheParameter() {
        assertThatThrownBy(() -> spec(Map.of("release", "API_Platform"))).isInstanceOf(ParameterException.class).hasMessageContaining("target.release");
        assertThatThrownBy(() -> spec(Map.of("set", List.of("replicaCount")))).hasMessageContaining("target.set[0]").hasMessageContaining("key=value");
        assertThatThrownBy(() -> spec(Map.of("secretValues", List.of("db.password=" + "not an id!")))).hasMessageContaining("target.secretValues[0]");
        assertThatThrownBy(() -> spec(Map.of("chart", "--post-renderer=/x"))).hasMessageContaining("target.chart");
        assertThatThrownBy(() -> spec(Map.of("valuesFiles", List.of("-f")))).hasMessageContaining("target.valuesFiles[0]");
        HelmSpec ok = spec(Map.of());
        assertThatThrownBy(() -> Orchestrators.of(ok, ctx).deploy(OrchestratedRequest.of("api", "production", "a:1", null, null, "blueGreen", 60, null, ok)))
                .hasMessageContaining("strategy").hasMessageContaining("helmTarget does not do 'blueGreen'");
    }

    @SafeVarargs
    static List<String> concat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
