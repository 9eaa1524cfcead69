package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code vars/withDeployCredentials.groovy}: a run that binds every credential type (Username with password, Secret
 * text, Secret file) of the production set, uses each value in the shell (traced with {@code sh -x}, base64-encoded) and
 * through a Squad Deploy step whose server reflects the Authorization header and the secrets URL- and JSON-escaped,
 * leaves none of the secret values, nor their base64, URL-encoded or JSON-escaped forms, in the console. The secrets
 * are {@link TestSecrets} (so SecretLeakIT scans every output for them too). The HTTP server is a small one in this JVM.
 */
@Timeout(120)
class WithDeployCredentialsVarTest {
    static final String DB_PASSWORD = TestSecrets.generate("wdc-db");
    static final String REGISTRY_PASSWORD = TestSecrets.generate("wdc-registry");
    static final String WEBHOOK = "https://hooks.example.invalid/services/T0/" + TestSecrets.generate("wdc-webhook");
    static final String KUBE_TOKEN = TestSecrets.generate("wdc-kube");
    static final String CLOUD_SECRET = TestSecrets.generate("wdc-cloud");
    static HttpServer server;
    static String url;

    @BeforeAll
    static void start() throws IOException {
        TestSecrets.register(WEBHOOK);
        // a server that answers 401 with everything it received, and the secrets in other encodings, in its body
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/reflect", ex -> {
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            String body = "{\"echo\":\"" + json(REGISTRY_PASSWORD) + "\",\"q\":\"" + URLEncoder.encode(REGISTRY_PASSWORD, StandardCharsets.UTF_8)
                    + "\",\"authorization\":\"" + auth + "\"}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(401, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/reflect";
        TestCredentials.add(new TestCredentials.UsernamePassword("production-database", "db-login-user", DB_PASSWORD));
        TestCredentials.add(new TestCredentials.UsernamePassword("production-registry", "deployer", REGISTRY_PASSWORD));
        TestCredentials.add(new TestCredentials.StringSecret("production-webhook", WEBHOOK));
        TestCredentials.add(new TestCredentials.SecretFile("production-kubeconfig", "kubeconfig",
                ("apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user:\n    token: " + KUBE_TOKEN + "\n").getBytes(StandardCharsets.UTF_8)));
        TestCredentials.add(new TestCredentials.UsernamePassword("aws-prod", "AKIASQUADTEST", CLOUD_SECRET));
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        TestCredentials.clear();
    }

    static String json(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\' || c == '/') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Every form of every secret that must not be seen. */
    static List<String> forbidden() {
        List<String> out = new ArrayList<>();
        for (String s : List.of(DB_PASSWORD, REGISTRY_PASSWORD, WEBHOOK, KUBE_TOKEN, CLOUD_SECRET)) {
            out.add(s);
            out.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)).replace("=", ""));
            out.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            out.add(json(s));
        }
        out.add(Base64.getEncoder().encodeToString(("deployer:" + REGISTRY_PASSWORD).getBytes(StandardCharsets.UTF_8)).replace("=", ""));
        return out;
    }

    @Test
    void everyCredentialTypeIsBoundAndNoFormOfASecretReachesTheConsole() {
        PipelineRun run = new PipelineHarness().runScript("""
                node {
                    withDeployCredentials(environment: 'production',
                                          sets: [production: [database: [:], registry: [:], webhook: [:], kubeconfig: [:], cloud: 'aws-prod']]) {
                        sh 'echo "db login $DB_USERNAME:$DB_PASSWORD"'
                        sh 'printf %%s "$REGISTRY_USERNAME:$REGISTRY_PASSWORD" | base64 -w0; echo'
                        sh 'printf %%s "$REGISTRY_PASSWORD" | base64 -w0; echo'
                        sh 'echo "posting to $WEBHOOK_URL"'
                        sh 'echo "aws $AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY"'
                        sh 'test -s "$KUBECONFIG" && grep -c "token:" "$KUBECONFIG" && echo "kubeconfig at $KUBECONFIG"'
                        verifyHealth checks: [httpCheck(name: 'registry', url: '%s', credentialsId: 'production-registry')],
                                     attempts: 1, deadline: 20, failOnError: false
                    }
                    sh 'echo "after: [${DB_PASSWORD:-unset}] [${KUBECONFIG:-unset}]"'
                }
                """.formatted(url));
        assertResult(run, Result.SUCCESS);
        // one withCredentials around the closure, nothing bound after it
        assertThat(run.steps()).containsExactly("node", "echo", "withCredentials", "sh", "sh", "sh", "sh", "sh", "sh", "verifyHealth", "sh");
        assertThat(run.console())
                .contains("withDeployCredentials: production: database (usernamePassword 'production-database' as DB_USERNAME/DB_PASSWORD), "
                        + "registry (usernamePassword 'production-registry' as REGISTRY_USERNAME/REGISTRY_PASSWORD), "
                        + "webhook (string 'production-webhook' as WEBHOOK_URL), kubeconfig (file 'production-kubeconfig' as KUBECONFIG), "
                        + "cloud (usernamePassword 'aws-prod' as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
                // the test credentials' usernames are secret too (Jenkins' default for new credentials), so they are masked as well
                .contains("Masking supported pattern matches of $AWS_ACCESS_KEY_ID or $AWS_SECRET_ACCESS_KEY or $DB_PASSWORD or $DB_USERNAME "
                        + "or $REGISTRY_PASSWORD or $REGISTRY_USERNAME or $WEBHOOK_URL")
                .contains("+ echo db login ****:****\ndb login ****:****")
                .contains("posting to ****")
                .contains("aws **** ****")
                .contains("\n1\n").containsPattern("kubeconfig at /\\S+/kubeconfig\n")
                .contains("HTTP 401, expected 200 (body: {\"echo\":\"****\"")
                .contains("after: [unset] [unset]");
        for (String f : forbidden()) {
            assertThat(run.console()).as("console must not contain %s", f).doesNotContain(f);
        }
    }

    @Test
    void kindsAndErrorsAreNamed() {
        PipelineRun only = new PipelineHarness().runScript("""
                node { withDeployCredentials(environment: 'production', kinds: 'database') { sh 'echo "user=$DB_USERNAME"' } }
                """);
        assertResult(only, Result.SUCCESS);
        assertThat(only.console()).contains("withDeployCredentials: production: database (usernamePassword 'production-database' as DB_USERNAME/DB_PASSWORD)\n")
                .contains("user=****");
        assertThat(new PipelineHarness().runScript("node { withDeployCredentials(environment: 'staging', sets: [production: [:]]) { echo 'x' } }").console())
                .contains("ERROR: withDeployCredentials: no credential set for environment 'staging'; sets exist for production");
        assertThat(new PipelineHarness().runScript("node { withDeployCredentials(environment: 'production', sets: [production: [vault: [credentialsId: 'v']]]) { echo 'x' } }").console())
                .contains("ERROR: withDeployCredentials: production.vault: type must be usernamePassword, string or file, got 'null'");
        assertThat(new PipelineHarness().runScript("node { withDeployCredentials(environment: 'qa') { echo 'x' } }").console())
                .contains("ERROR: Could not find credentials entry with ID 'qa-database'");
    }
}
