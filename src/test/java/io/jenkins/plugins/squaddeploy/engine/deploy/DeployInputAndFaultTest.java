package io.jenkins.plugins.squaddeploy.engine.deploy;

import static io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed.versionOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input and a dead daemon against a live release: an error naming the parameter (or the daemon), and every
 * container on the daemon exactly as before (same IDs, names, states, images), the live colour still serving.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class DeployInputAndFaultTest {
    static DeployTestbed bed;
    static String svc;
    static int[] ports;

    @TempDir
    Path work;

    @BeforeAll
    static void liveRelease(@TempDir Path dir) throws Exception {
        bed = new DeployTestbed();
        svc = bed.newService();
        ports = DeployTestbed.ports(2);
        bed.deployer(dir, new DeployTestbed.Lines()).deploy(bed.docker(svc, "1.0.0", "blueGreen", "blue=" + ports[0] + ",green=" + ports[1],
                dir.resolve("state")).build());
    }

    @AfterAll
    static void cleanUp() {
        bed.close();
    }

    private DeployRequest.Builder good() {
        return bed.docker(svc, "2.0.0", "blueGreen", "blue=" + ports[0] + ",green=" + ports[1], work.resolve("state"));
    }

    private Throwable deployChangingNothing(UnaryOperator<DeployRequest.Builder> breakIt) throws Exception {
        Files.writeString(work.resolve("docker-compose.yml"), "services:\n  web:\n    image: x:1\n    network_mode: host\n");
        String before = bed.snapshot();
        Throwable t = catchThrowable(() -> bed.deployer(work, new DeployTestbed.Lines()).deploy(breakIt.apply(good()).build()));
        assertThat(bed.snapshot()).as("containers after " + t).isEqualTo(before);
        assertThat(versionOn(ports[0])).isEqualTo("1.0.0");
        return t;
    }

    private ParameterException parameterError(UnaryOperator<DeployRequest.Builder> breakIt) throws Exception {
        Throwable t = deployChangingNothing(breakIt);
        assertThat(t).isInstanceOf(ParameterException.class);
        return (ParameterException) t;
    }

    @Test
    void invalidImageReference() throws Exception {
        ParameterException e = parameterError(b -> b.image("Squad_API:1.0 ; rm -rf /"));
        assertThat(e.parameter()).isEqualTo("image");
        assertThat(e).hasMessageContaining("is not a valid image reference").hasMessageContaining("Expected an image reference with a tag or digest");
        assertThat(parameterError(b -> b.image("squad-api")).getMessage()).contains("has neither a tag nor a digest");
    }

    @Test
    void serviceNameWithShellMetacharacters() throws Exception {
        ParameterException e = parameterError(b -> b.service("shop;rm -rf /"));
        assertThat(e.parameter()).isEqualTo("service");
        assertThat(e).hasMessageContaining("'shop;rm -rf /' is not a valid service name").hasMessageContaining("lower-case letters, digits, '-' and '_'");
        assertThat(parameterError(b -> b.service("$(reboot)")).parameter()).isEqualTo("service");
    }

    @Test
    void unknownStrategy() throws Exception {
        ParameterException e = parameterError(b -> b.strategy("canary"));
        assertThat(e.parameter()).isEqualTo("strategy");
        assertThat(e).hasMessageContaining("unknown strategy 'canary'").hasMessageContaining("one of 'blueGreen', 'rolling', 'recreate'");
    }

    @Test
    void badColourName() throws Exception {
        ParameterException e = parameterError(b -> b.ports("Blue=1,green=2"));
        assertThat(e.parameter()).isEqualTo("target.ports");
        assertThat(e).hasMessageContaining("colour 'Blue' is not a valid colour name").hasMessageContaining("[a-z0-9-]");
    }

    @Test
    void missingComposeFile() throws Exception {
        ParameterException e = parameterError(b -> b.compose(List.of("docker-compose.prod.yml"), null, null, List.of("web")));
        assertThat(e.parameter()).isEqualTo("target.files[0]");
        assertThat(e).hasMessageContaining("there is no compose file " + work.resolve("docker-compose.prod.yml"));
    }

    @Test
    void composeFileThatComposeRejectsOrThatLacksTheService() throws Exception {
        Files.writeString(work.resolve("broken.yml"), "services:\n  web:\n    image: [unclosed\n");
        ParameterException e = parameterError(b -> b.compose(List.of("broken.yml"), null, null, List.of("web")));
        assertThat(e.parameter()).isEqualTo("target.files");
        assertThat(e).hasMessageContaining("'docker-compose config -q' rejects " + work.resolve("broken.yml"));
        ParameterException s = parameterError(b -> b.compose(List.of("docker-compose.yml"), null, null, List.of("api")));
        assertThat(s.parameter()).isEqualTo("target.services[0]");
        assertThat(s).hasMessageContaining("service 'api' is not defined").hasMessageContaining("[web]");
    }

    @Test
    void imageWithoutHealthcheck() throws Exception {
        String base = bed.docker.ok(Duration.ofSeconds(20), "image", "inspect", "-f", "{{.Parent}}", SampleServiceImage.ensure(bed.docker, "1.0.0"));
        String noHealth = bed.repo + ":no-healthcheck";
        String baseRef = bed.docker.ok(Duration.ofSeconds(20), "images", "--format", "{{.Repository}}:{{.Tag}}", SampleServiceImage.REPOSITORY + "-base").lines().findFirst().orElseThrow();
        bed.docker.ok(Duration.ofSeconds(20), "tag", baseRef, noHealth);
        assertThat(base).isNotNull();
        ParameterException e = parameterError(b -> b.image(noHealth));
        assertThat(e.parameter()).isEqualTo("image");
        assertThat(e).hasMessageContaining("has no HEALTHCHECK");
    }

    @Test
    void imageThatIsNeitherHereNorPullable() throws Exception {
        // a registry on loopback that does not answer: the pull fails at once, without traffic leaving the machine
        Throwable t = deployChangingNothing(b -> b.image("127.0.0.1:9/squadtest/app:1.0.0"));
        assertThat(t).isInstanceOf(DeployException.class).hasMessageContaining("could not be pulled").hasMessageContaining("Nothing was changed");
    }

    @Test
    void dockerDaemonUnreachableIsAClearErrorBeforeAnythingIsStopped() throws Exception {
        Files.writeString(work.resolve("docker-compose.yml"), "services:\n  web:\n    image: x:1\n    network_mode: host\n");
        Path dead = Files.createDirectories(work.resolve("run")).resolve("dead-docker.sock");
        DockerClient deadDaemon = new DockerClient(new LocalCommandRunner(), Map.of("DOCKER_HOST", "unix://" + dead));
        for (DeployRequest.Builder b : List.of(good(), good().compose(List.of("docker-compose.yml"), null, null, List.of("web")))) {
            String before = bed.snapshot();
            DeployTestbed.Lines log = new DeployTestbed.Lines();
            Throwable t = catchThrowable(() -> new SquadDeployer(deadDaemon, new LocalDeployFiles(work), log, null).deploy(b.build()));
            assertThat(t).isInstanceOf(DeployException.DockerUnavailable.class)
                    .hasMessageContaining("the Docker daemon does not answer")
                    .hasMessageContaining(dead.toString())
                    .hasMessageContaining("Nothing was stopped or changed");
            assertThat(bed.snapshot()).isEqualTo(before);
            assertThat(versionOn(ports[0])).isEqualTo("1.0.0");
            assertThat(work.resolve("state").resolve(svc + ".lock")).doesNotExist();
        }
    }
}
