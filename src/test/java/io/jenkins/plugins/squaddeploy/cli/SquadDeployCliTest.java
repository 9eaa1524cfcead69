package io.jenkins.plugins.squaddeploy.cli;

import static io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed.versionOn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code squad deploy}: the CLI twin of squadDeploy, same engine, same record; exit codes 0, 1, 2, 3. */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadDeployCliTest {
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

    private List<String> args(String svc, String version, String... more) {
        List<String> a = new ArrayList<>(List.of("deploy", "--service", svc, "--image", bed.image(version), "--environment", "test",
                "--state-dir", tmp.resolve("state").toString(), "--build-url", "cli://ops/laptop"));
        for (String l : DeployTestbed.testLabels()) {
            a.add("--label");
            a.add(l);
        }
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void deploysRecreateAndShowsTheRecordFromTheTarget() throws Exception {
        String svc = bed.newService();
        int port = DeployTestbed.ports(1)[0];
        Run one = squad(args(svc, "1.0.0", "--strategy", "recreate", "--docker", "--ports", Integer.toString(port), "--env", "LOG_LEVEL=info").toArray(String[]::new));
        assertThat(one.exit()).as(one.err()).isZero();
        Run two = squad(args(svc, "2.0.0", "--strategy", "recreate", "--ports", Integer.toString(port), "--json").toArray(String[]::new));
        assertThat(two.exit()).as(two.err()).isZero();
        assertThat(two.out()).contains("squadDeploy: tagged the outgoing image").contains(bed.image("rollback"));
        Map<?, ?> rec = new ObjectMapper().readValue(two.out().substring(two.out().indexOf("{\n")), Map.class);
        assertThat(rec.get("version")).isEqualTo("2.0.0");
        assertThat(rec.get("buildUrl")).isEqualTo("cli://ops/laptop");
        assertThat(((Map<?, ?>) rec.get("previous")).get("version")).isEqualTo("1.0.0");
        assertThat(versionOn(port)).isEqualTo("2.0.0");

        Run status = squad("deploy", "--status", "--service", svc, "--environment", "test", "--state-dir", tmp.resolve("state").toString());
        assertThat(status.exit()).isZero();
        Map<?, ?> st = new ObjectMapper().readValue(status.out(), Map.class);
        assertThat(((Map<?, ?>) st.get("current")).get("version")).isEqualTo("2.0.0");
        assertThat(((Map<?, ?>) st.get("runningByLabels")).get("version")).isEqualTo("2.0.0");
    }

    @Test
    void badParametersExitTwoNamingTheFlag() {
        Run strategy = squad(args("shop", "2.0.0", "--strategy", "canary", "--ports", "1").toArray(String[]::new));
        assertThat(strategy.exit()).isEqualTo(2);
        assertThat(strategy.err()).contains("Invalid parameter '--strategy': unknown strategy 'canary'. Expected one of 'blueGreen', 'rolling', 'recreate'.");
        Run ports = squad(args("shop", "2.0.0", "--ports", "blue=8001").toArray(String[]::new));
        assertThat(ports.exit()).isEqualTo(2);
        assertThat(ports.err()).contains("Invalid parameter '--ports': blueGreen needs exactly two colours");
        Run file = squad(args("shop", "2.0.0", "--compose-file", tmp.resolve("nope.yml").toString(), "--ports", "blue=8001,green=8002").toArray(String[]::new));
        assertThat(file.exit()).isEqualTo(2);
        assertThat(file.err()).contains("Invalid parameter '--compose-file[0]': there is no compose file");
        Run migration = squad(args("shop", "2.0.0", "--ports", "blue=8001,green=8002", "--migration", "alembic upgrade head").toArray(String[]::new));
        assertThat(migration.exit()).isEqualTo(2);
        assertThat(migration.err()).contains("Invalid parameter '--migration'");
    }

    @Test
    void anotherDeployHoldingTheLockExitsThree() throws Exception {
        String svc = bed.newService();
        LocalDeployFiles files = new LocalDeployFiles(null);
        String lock = tmp.resolve("state").resolve(svc + ".lock").toString();
        DeployFiles.LockResult held = files.tryLock(lock, Map.of("buildUrl", "http://jenkins.example/job/shop/9/"));
        try {
            Run r = squad(args(svc, "2.0.0", "--strategy", "recreate", "--lock-timeout", "1").toArray(String[]::new));
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.err()).contains("could not get the deploy lock of test/" + svc + " within 1 s").contains("build http://jenkins.example/job/shop/9/");
        } finally {
            files.unlock(lock, held.token());
        }
    }
}
