package io.jenkins.plugins.squaddeploy.steps;

import static io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed.versionOn;
import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.deploy.SquadDeployer;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * squadDeploy as a pipeline step, through the pipeline harness (real step binding, CPS, a workspace behind a
 * channel that serialises every callable), against the real Docker daemon and docker-compose.
 */
@Timeout(150)
@ExtendWith(TestbedExtension.class)
class SquadDeployStepTest {
    static DeployTestbed bed;

    @TempDir
    Path tmp;

    @BeforeAll
    static void images() {
        bed = new DeployTestbed();
    }

    @AfterAll
    static void cleanUp() {
        bed.close();
    }

    private static String labels() {
        return DeployTestbed.testLabels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    @Test
    void twoBuildsReleaseBlueThenGreenAndTheRecordOutlivesThem() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        Path state = tmp.resolve("state");
        String deploy = "node {\n"
                + "  def r = squadDeploy service: '" + svc + "', image: '%s', environment: 'test', strategy: 'blueGreen',\n"
                + "      target: dockerTarget(ports: 'blue=" + p[0] + ",green=" + p[1] + "', env: ['LOG_LEVEL=info']),\n"
                + "      stateDir: '" + state + "', healthTimeout: 30, labels: " + labels() + "\n"
                + "  echo \"released ${r.version} to ${r.colour} switched=${r.trafficSwitched} previous=${r.previous?.version} port=${r.instances[0].port}\"\n"
                + "}\n";
        PipelineRun one = new PipelineHarness().jobName("shop").buildNumber(1).runScript(String.format(deploy, bed.image("1.0.0")));
        assertThat(one.result()).as(one.console()).isEqualTo(Result.SUCCESS);
        assertThat(one.consoleLines()).contains("released 1.0.0 to blue switched=false previous=null port=" + p[0]);

        PipelineRun two = new PipelineHarness().jobName("shop").buildNumber(2).runScript(String.format(deploy, bed.image("2.0.0")));
        assertThat(two.result()).as(two.console()).isEqualTo(Result.SUCCESS);
        assertThat(two.consoleLines()).contains("released 2.0.0 to green switched=false previous=1.0.0 port=" + p[1]);
        assertThat(two.console()).contains("squadDeploy: live colour: blue (only blue is running); the new release goes to green")
                .containsPattern("waiting for 2\\.0\\.0 in green \\(" + svc + "-green\\): 0/1 healthy, \\d+ s of 30 s");
        // file work (state, lock) went to the "agent" as serialised callables
        assertThat(two.channel().calls()).isGreaterThanOrEqualTo(6);
        assertThat(versionOn(p[0])).isEqualTo("1.0.0");
        assertThat(versionOn(p[1])).isEqualTo("2.0.0");

        // both builds (and their workspaces) are gone: the target alone says what runs and what ran before
        ReleaseStore.State st = new ReleaseStore(new LocalDeployFiles(null), state.resolve(svc + ".json").toString()).read();
        assertThat(st.current().version()).isEqualTo("2.0.0");
        assertThat(st.current().buildUrl()).isEqualTo("http://127.0.0.1:8080/job/shop/2/");
        assertThat(st.previous().buildUrl()).isEqualTo("http://127.0.0.1:8080/job/shop/1/");
        ReleaseRecord running = new SquadDeployer(bed.client(), new LocalDeployFiles(null), new DeployTestbed.Lines(), null).currentFromLabels("test", svc);
        assertThat(running.version()).isEqualTo("2.0.0");
        assertThat(running.buildUrl()).isEqualTo("http://127.0.0.1:8080/job/shop/2/");
        assertThat(running.previous().version()).isEqualTo("1.0.0");
    }

    @Test
    void composeTargetWithMigrationFromTheWorkspace() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        String script = "node {\n"
                + "  writeFile file: 'docker-compose.prod.yml', text: '''version: \"3.8\"\nservices:\n  api:\n    image: placeholder:1\n    network_mode: host\n'''\n"
                + "  def r = squadDeploy service: '" + svc + "', image: '" + bed.image("2.0.0") + "', environment: 'test',\n"
                + "      target: composeTarget(files: ['docker-compose.prod.yml'], services: ['api'], ports: 'blue=" + p[0] + ",green=" + p[1] + "'),\n"
                + "      migration: ['sh', '-c', 'echo migrated >> /tmp/migrations.log; echo alembic: upgraded'],\n"
                + "      stateDir: '" + tmp.resolve("state") + "', labels: " + labels() + "\n"
                + "  echo \"compose ${r.target} ${r.colour} ${r.instances.size()}\"\n"
                + "}\n";
        PipelineRun run = new PipelineHarness().runScript(script);
        assertThat(run.result()).as(run.console()).isEqualTo(Result.SUCCESS);
        assertThat(run.consoleLines()).contains("compose compose blue 1", "    alembic: upgraded");
        assertThat(run.console()).contains("docker-compose -p " + svc + "-blue up -d --no-deps --force-recreate api");
        assertThat(versionOn(p[0])).isEqualTo("2.0.0");
    }

    @Test
    void badParametersEndTheBuildWithOneLineAndChangeNothing() throws Exception {
        String before = bed.snapshot();
        String svc = bed.newService();
        for (String[] c : List.of(
                new String[] {"strategy: 'canary', target: dockerTarget(ports: '8001')",
                        "ERROR: squadDeploy: Invalid parameter 'strategy': unknown strategy 'canary'. Expected one of 'blueGreen', 'rolling', 'recreate'."},
                new String[] {"target: dockerTarget(ports: 'blue=8001,green=8002'), image: 'Squad API:1'",
                        "ERROR: squadDeploy: Invalid parameter 'image': 'Squad API:1' is not a valid image reference."},
                new String[] {"target: composeTarget(files: ['missing.yml'], ports: 'blue=8001,green=8002')",
                        "ERROR: squadDeploy: Invalid parameter 'target.files[0]': there is no compose file "},
                new String[] {"strategy: 'rolling', target: dockerTarget(ports: '8001-8002'), replicas: 2",
                        "ERROR: squadDeploy: Invalid parameter 'target.ports': the range 8001-8002 holds 2 ports, rolling 2 replicas needs 3"},
                new String[] {"strategy: 'recreate'", "ERROR: squadDeploy: Invalid parameter 'target': no target was given."})) {
            String args = c[0].contains("image:") ? c[0] : "image: '" + bed.image("2.0.0") + "', " + c[0];
            PipelineRun r = new PipelineHarness().runScript("node {\n squadDeploy service: '" + svc + "', " + args + ", stateDir: '" + tmp + "'\n}\n");
            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            assertThat(r.consoleLines()).as(r.console()).anyMatch(l -> l.startsWith(c[1]));
            assertThat(r.console()).doesNotContain("\tat ");
        }
        PipelineRun shell = new PipelineHarness().runScript("node {\n squadDeploy service: 'shop;rm -rf /', image: 'a:1', target: dockerTarget(ports: '1')\n}\n");
        assertThat(shell.consoleLines()).anyMatch(l -> l.startsWith("ERROR: squadDeploy: Invalid parameter 'service': 'shop;rm -rf /' is not a valid service name."));
        assertThat(bed.snapshot()).isEqualTo(before);
    }

    @Test
    void aDockerDaemonThatDoesNotAnswerFailsTheBuildBeforeAnythingIsStopped() throws Exception {
        String svc = bed.newService();
        int[] p = DeployTestbed.ports(2);
        Path dead = Files.createDirectories(tmp.resolve("run")).resolve("docker.sock");
        String before = bed.snapshot();
        PipelineRun r = new PipelineHarness().runScript("node {\n withEnv(['DOCKER_HOST=unix://" + dead + "']) {\n"
                + "  squadDeploy service: '" + svc + "', image: '" + bed.image("2.0.0") + "', target: dockerTarget(ports: 'blue=" + p[0] + ",green=" + p[1]
                + "'), stateDir: '" + tmp.resolve("state") + "'\n }\n}\n");
        assertThat(r.result()).isEqualTo(Result.FAILURE);
        assertThat(r.consoleLines()).anyMatch(l -> l.startsWith("ERROR: squadDeploy failed: the Docker daemon does not answer")
                && l.contains(dead.toString()) && l.contains("Nothing was stopped or changed"));
        assertThat(bed.snapshot()).isEqualTo(before);
    }
}
