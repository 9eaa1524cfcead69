package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code squad rollback}: the CLI twin of autoRollback, reading what to undo from the state file on the target, against
 * the real Docker daemon and nginx (blue 1.0.0 was live, then green 2.0.0 was released and switched to).
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadRollbackCliTest {
    static DeployTestbed bed;

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void images() {
        bed = new DeployTestbed();
    }

    @AfterAll
    static void cleanUp() {
        bed.close();
    }

    private static Run squad(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        System.out.println(out);
        System.out.println(err);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void rollsBackWhatTheStateFileSaysThroughNginxThenFindsItDoneAndRefusesBadFlags() throws Exception {
        try (RollbackBed b = RollbackBed.create(bed)) {
            b.deploy("1.0.0");
            b.deploy("2.0.0");
            b.switchTo("green", "2.0.0");
            Path creds = tmp.resolve("creds");
            Files.createDirectories(creds.resolve("no-hook"));
            Files.writeString(creds.resolve("no-hook/secret"), TestSecrets.register("http://127.0.0.1:9/hook-" + System.nanoTime()));
            List<String> args = new ArrayList<>(List.of("rollback", "--service", b.service, "--environment", "test", "--state-dir", b.stateDir.toString(),
                    "--ports", b.ports(), "--router", "nginx", "--router-service", RollbackBed.SWITCH_SERVICE, "--nginx-config", b.upstream.toString(),
                    "--nginx", b.routerSpec.argv().get(0), "--public-url", b.publicUrl().toString(), "--samples", "5", "--reason", "error rate over 10 %",
                    "--webhook-credentials", "no-hook", "--credentials-dir", creds.toString()));
            for (String a : b.routerSpec.argv().subList(1, b.routerSpec.argv().size())) {
                args.add("--nginx-arg=" + a);
            }

            Run r = squad(args.toArray(String[]::new));

            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("autoRollback: the release FAILED (error rate over 10 %) and was ROLLED BACK: test/" + b.service
                    + " 2.0.0 (green) → 1.0.0 (blue)").contains("WARNING: autoRollback: the webhook was not notified: the webhook could not be reached")
                    .doesNotContain("hook-");
            b.awaitServing("1.0.0");
            assertThat(bed.isRunning(b.service + "-green")).isFalse();

            Run again = squad(args.toArray(String[]::new));
            assertThat(again.exit()).isZero();
            assertThat(again.out()).contains("it was ALREADY ROLLED BACK");

            Run bad = squad("rollback", "--service", b.service, "--environment", "test", "--state-dir", b.stateDir.toString(), "--ports", "blue=1");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).startsWith("squad rollback: Invalid parameter '--ports': ");
        }
    }
}
