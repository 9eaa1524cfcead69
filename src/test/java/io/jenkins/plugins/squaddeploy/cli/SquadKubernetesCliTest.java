package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.testbed.KubeMockCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code squad deploy --kubernetes …} and {@code squad rollback --kubernetes …} (for the day Jenkins is down) against fabric8's
 * mock API server with the test-side controller emulation ({@link KubeMockCluster}), not a real cluster; the kubeconfig from
 * {@code --credentials-dir DIR/<id>/file}, its token never printed; flags named in errors.
 */
@Timeout(90)
class SquadKubernetesCliTest {
    static KubeMockCluster cluster;

    @TempDir
    static Path creds;

    @BeforeAll
    static void start() throws Exception {
        cluster = KubeMockCluster.start();
        Files.createDirectories(creds.resolve("kc"));
        Files.writeString(creds.resolve("kc/file"), cluster.kubeconfig());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run squad(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void deploysRollsBackAndNamesBadFlags() {
        cluster.deployment("cli", "api", "api", "api:1.0.0", 2, Map.of(), 600);
        String[] where = {"--kubernetes", "--namespace", "cli", "--kube-context", "mock", "--kubeconfig-credentials", "kc", "--credentials-dir", creds.toString()};

        Run deploy = squad(concat(new String[] {"deploy", "--service", "api", "--environment", "production", "--image", "api:2.0.0", "--health-timeout", "60"}, where));
        assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();
        assertThat(deploy.out()).contains("kubectl set image deployment/api api=api:2.0.0 -n cli").contains("deployment api successfully rolled out")
                .doesNotContain(cluster.token());
        assertThat(cluster.podImages("cli", "api")).containsOnly("api:2.0.0");

        Run back = squad(concat(new String[] {"rollback", "--service", "api", "--environment", "production", "--credentials-dir", creds.toString()},
                new String[] {"--kubernetes", "--namespace", "cli", "--kube-context", "mock", "--kubeconfig-credentials", "kc"}));
        assertThat(back.exit()).as(back.out() + back.err()).isZero();
        assertThat(back.out()).contains("kubectl rollout undo deployment/api --to-revision=1 -n cli").doesNotContain(cluster.token());
        assertThat(cluster.podImages("cli", "api")).containsOnly("api:1.0.0");
        // the template of revision 1 is now revision 3; a second rollback goes back to revision 2 (api:2.0.0), as kubectl would
        Run again = squad(concat(new String[] {"rollback", "--service", "api", "--environment", "production", "--credentials-dir", creds.toString()},
                new String[] {"--kubernetes", "--namespace", "cli", "--kube-context", "mock", "--kubeconfig-credentials", "kc"}));
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("kubectl rollout undo deployment/api --to-revision=2 -n cli (api:2.0.0)");

        Run bad = squad("deploy", "--service", "api", "--image", "api:3", "--kubernetes", "--namespace", "Not_Valid");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid parameter '--namespace'");
        Run both = squad("deploy", "--service", "api", "--image", "api:3", "--kubernetes", "--helm-release", "api");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("Invalid parameter '--helm-release': both a Helm release and Kubernetes Deployments were given");
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
