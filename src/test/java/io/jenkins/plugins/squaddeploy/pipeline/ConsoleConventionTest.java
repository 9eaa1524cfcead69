package io.jenkins.plugins.squaddeploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console convention (engine/spi/StepConsole) for every step when it fails on a bad parameter: the first line says
 * what the step will do ({@code step ▶ …}), the last one the outcome and how long it took ({@code step ✘ … (took …)}),
 * naming the parameter. The same convention on success is checked on a real release by DeployReportPipelineTest.
 */
class ConsoleConventionTest {
    @TempDir
    Path tmp;

    @Test
    void everyStepFailingOnABadParameterPrintsItsFirstLineAndAnOutcomeLineWithItsDuration() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("nginx")).resolve("api.conf");
        Map<String, String> calls = Map.of(
                "verifyHealth", "verifyHealth checks: [httpCheck(url: 'htp:/x')]",
                "squadDeploy", "squadDeploy service: 'shop', image: 'repo:1;reboot', target: dockerTarget(ports: 'blue=8001,green=8002')",
                "blueGreenSwitch", "blueGreenSwitch service: 'api', to: 'purple', router: nginxRouter(config: '" + conf + "'), publicUrl: 'http://127.0.0.1:9/health',"
                        + " colours: [colour(name: 'blue', servers: ['127.0.0.1:8001']), colour(name: 'green', servers: ['127.0.0.1:8002'])]",
                "dbSnapshot", "dbSnapshot store: '" + tmp.resolve("store") + "', action: 'explode'",
                "autoRollback", "autoRollback service: 'a;b'",
                "squadReport", "squadReport event: 'x', status: 'GREAT'",
                "deployWindow", "deployWindow windows: ['Sat 2-4']");
        Map<String, String> parameter = Map.of("verifyHealth", "checks[0].url", "squadDeploy", "image", "blueGreenSwitch", "to", "dbSnapshot", "action",
                "autoRollback", "service", "squadReport", "status", "deployWindow", "windows[0]");
        StringBuilder script = new StringBuilder("node {\n");
        for (Map.Entry<String, String> c : calls.entrySet()) {
            script.append("  try {\n    ").append(c.getValue()).append("\n  } catch (e) {\n    echo 'caught'\n  }\n");
        }
        script.append("}\n");

        PipelineRun r = new PipelineHarness().runScript(script.toString());

        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        for (String step : calls.keySet()) {
            List<List<String>> runs = StepConsoleLines.of(r, step);
            assertThat(runs).as("%s ran once\n%s", step, r.console()).hasSize(1);
            List<String> lines = runs.get(0);
            assertThat(lines.get(0)).as("first line of %s", step).matches(StepConsoleLines.startPattern(step));
            String last = lines.get(lines.size() - 1);
            assertThat(last).as("last line of %s", step).matches(StepConsoleLines.endPattern(step, false)).contains(parameter.get(step));
        }
    }
}
