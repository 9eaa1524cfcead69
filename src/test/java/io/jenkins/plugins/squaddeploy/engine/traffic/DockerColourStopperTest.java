package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The argv the stopper runs (docker stop of named containers is also run for real by BlueGreenSwitchStepTest; a
 * Compose project is found by the labels Compose sets on its containers).
 */
class DockerColourStopperTest {
    static final class Scripted implements CommandRunner {
        final List<List<String>> argv = new ArrayList<>();
        final List<CommandResult> answers = new ArrayList<>();

        @Override
        public CommandResult run(CommandRequest r) {
            argv.add(r.argv());
            return answers.remove(0);
        }
    }

    @Test
    void composeServicesAreFoundByTheirLabelsThenStopped() throws Exception {
        Scripted runner = new Scripted();
        runner.answers.add(new CommandResult(0, "abc123\ndef456\n", "", false, 5));
        runner.answers.add(new CommandResult(0, "abc123\ndef456\n", "", false, 900));
        RecordingLog log = new RecordingLog();

        DockerColourStopper.of("colours[0]", null, "shop-blue", "api").stop(runner, log);

        assertThat(runner.argv).containsExactly(
                List.of("docker", "ps", "-q", "--filter", "label=com.docker.compose.project=shop-blue", "--filter", "label=com.docker.compose.service=api"),
                List.of("docker", "stop", "-t", "10", "abc123", "def456"));
        assertThat(log.text()).contains("blueGreenSwitch: stopped abc123, def456");
    }

    @Test
    void nothingRunningIsNotAnErrorAndAFailedStopIs() throws Exception {
        Scripted runner = new Scripted();
        runner.answers.add(new CommandResult(0, "", "", false, 5));
        RecordingLog log = new RecordingLog();
        DockerColourStopper.of("colours[0]", null, "shop-blue", "api").stop(runner, log);
        assertThat(runner.argv).hasSize(1);
        assertThat(log.text()).contains("no running container of compose project shop-blue, service api: nothing to stop");

        runner.answers.add(new CommandResult(1, "", "Error response from daemon: No such container: api-blue", false, 5));
        assertThatThrownBy(() -> DockerColourStopper.of("colours[0]", List.of("api-blue"), null, null).stop(runner, log))
                .isInstanceOf(IOException.class).hasMessage("docker stop -t 10 api-blue failed: exit 1: Error response from daemon: No such container: api-blue");
        assertThat(DockerColourStopper.of("colours[0]", List.of(), null, null)).as("nothing to stop given").isNull();
    }
}
