package io.jenkins.plugins.squaddeploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.report.ReportFiles;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.steps.ReportAction;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One release pipeline end to end against the real testbed (Docker, nginx, files on disk), through the pipeline harness
 * with the real steps: snapshot → deploy 2.0.0 to green → verify → switch nginx → the watch window fails (every request
 * answers 500) → {@code post { failure { autoRollback() } }} puts blue 1.0.0 back. The build's one deploy report holds
 * the events in that order, the time to restore, the measured values and the tool output; the workspace holds the same
 * files for archiveArtifacts; the build page's action summarises it. And every step's console follows the convention.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class DeployReportPipelineTest {
    @TempDir
    Path tmp;

    /** The console and the report as test artifacts (target/test-output/deploy-report-pipeline/, scanned by SecretLeakIT). */
    static void keep(PipelineRun r) throws java.io.IOException {
        Path out = Files.createDirectories(Path.of("target/test-output/deploy-report-pipeline"));
        Files.writeString(out.resolve("console.txt"), r.console(), StandardCharsets.UTF_8);
        Path dir = r.build().getRootDir().toPath().resolve(ReportFiles.DIR_NAME);
        if (Files.isDirectory(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path to = out.resolve(dir.relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void snapshotDeployVerifySwitchFailedWatchAndRollbackAreOneReportInOrderWithTheTimeToRestore() throws Exception {
        try (DeployTestbed bed = new DeployTestbed(); RollbackBed b = RollbackBed.create(bed)) {
            b.deploy("1.0.0"); // an earlier build: blue 1.0.0 serves through nginx
            b.awaitServing("1.0.0");
            Path files = Files.createDirectories(tmp.resolve("uploads"));
            Files.writeString(files.resolve("config.yml"), "feature: on\n");
            String labels = DeployTestbed.testLabels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ", "[", "]"));
            String nginxArgs = b.routerSpec.argv().subList(1, b.routerSpec.argv().size()).stream().map(a -> "'" + a + "'").collect(Collectors.joining(", "));
            String jenkinsfile = "pipeline {\n"
                    + "  agent any\n"
                    + "  stages {\n"
                    + "    stage('Backup') {\n"
                    + "      steps {\n"
                    + "        dbSnapshot store: '" + tmp.resolve("store") + "', source: filesSource(baseDir: '" + files + "', paths: ['config.yml']), reason: 'before 2.0.0'\n"
                    + "      }\n"
                    + "    }\n"
                    + "    stage('Deploy') {\n"
                    + "      steps {\n"
                    + "        squadDeploy service: '" + b.service + "', image: '" + bed.image("2.0.0") + "', environment: 'test', strategy: 'blueGreen',\n"
                    + "            target: dockerTarget(ports: '" + b.ports() + "', env: ['ERROR_RATE=100']), stateDir: '" + b.stateDir + "',\n"
                    + "            healthTimeout: 30, labels: " + labels + "\n"
                    + "        verifyHealth checks: [httpCheck(name: 'green-health', url: 'http://127.0.0.1:" + b.greenPort + "/health')], attempts: 10, interval: 1\n"
                    + "        blueGreenSwitch service: 'api', to: 'green', keepOldColour: true, samples: 3,\n"
                    + "            router: nginxRouter(config: '" + b.upstream + "', nginx: '" + b.routerSpec.argv().get(0) + "', nginxArgs: [" + nginxArgs + "]),\n"
                    + "            colours: [colour(name: 'blue', servers: ['127.0.0.1:" + b.bluePort + "'], containers: ['" + b.service + "-blue']),\n"
                    + "                      colour(name: 'green', servers: ['127.0.0.1:" + b.greenPort + "'], containers: ['" + b.service + "-green'])],\n"
                    + "            publicUrl: '" + b.publicUrl() + "', expectVersion: '2.0.0'\n"
                    + "        squadReport event: 'release 2.0.0 to test', approvedBy: 'alice', details: ['ticket=CHG-7']\n"
                    + "      }\n"
                    + "    }\n"
                    + "    stage('Watch') {\n"
                    + "      steps {\n"
                    + "        verifyHealth checks: [httpCheck(name: 'app', url: 'http://127.0.0.1:" + b.greenPort + "/')],\n"
                    + "            watch: 30, interval: 1, failureThreshold: 2, failureLimit: 10\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "  post {\n"
                    + "    failure {\n"
                    + "      autoRollback()\n"
                    + "    }\n"
                    + "  }\n"
                    + "}\n";

            PipelineRun r = new PipelineHarness().jobName("shop").buildNumber(7).keepWorkspace(true).runScript(jenkinsfile);

            keep(r);
            assertThat(r.result()).as(r.console()).isEqualTo(Result.FAILURE);
            b.awaitServing("1.0.0");

            // the build's report: events in order, the time to restore, values, tool output
            Path dir = r.build().getRootDir().toPath().resolve(ReportFiles.DIR_NAME);
            Map<?, ?> json = new ObjectMapper().readValue(dir.resolve(ReportFiles.JSON).toFile(), Map.class);
            List<Map<?, ?>> events = (List<Map<?, ?>>) json.get("events");
            assertThat(events).extracting(e -> e.get("type") + "/" + e.get("step") + "/" + e.get("status")).as(r.console()).containsExactly(
                    "snapshot/dbSnapshot/OK", "deploy/squadDeploy/OK", "health/verifyHealth/OK", "switch/blueGreenSwitch/OK",
                    "approval/squadReport/INFO", "watch/verifyHealth/FAILED", "rollback/autoRollback/OK");
            Instant previous = Instant.EPOCH;
            for (Map<?, ?> e : events) {
                Instant at = Instant.parse((String) e.get("startedAt"));
                assertThat(at).as("event %s starts after the one before", e.get("index")).isAfterOrEqualTo(previous);
                previous = at;
            }
            Map<?, ?> rollback = (Map<?, ?>) events.get(6).get("details");
            long ttr = ((Number) rollback.get("timeToRestoreMs")).longValue();
            assertThat(ttr).as("time to restore").isPositive();
            assertThat(Duration.between(Instant.parse((String) rollback.get("firstFailureAt")), Instant.parse((String) rollback.get("rolledBackAt"))).toMillis())
                    .isEqualTo(ttr);
            assertThat(rollback.get("fromVersion")).isEqualTo("2.0.0");
            assertThat(rollback.get("toVersion")).isEqualTo("1.0.0");
            Map<?, ?> summary = (Map<?, ?>) json.get("summary");
            assertThat(summary.get("result")).isEqualTo("ROLLED_BACK");
            assertThat(summary.get("version")).isEqualTo("2.0.0");
            assertThat(summary.get("colour")).isEqualTo("green");
            assertThat(summary.get("servingVersion")).isEqualTo("1.0.0");
            assertThat(((Number) summary.get("timeToRestoreMs")).longValue()).isEqualTo(ttr);
            Map<?, ?> watch = (Map<?, ?>) ((List<?>) events.get(5).get("measurements")).get(0);
            assertThat(watch.get("check")).isEqualTo("app");
            assertThat(watch.get("status")).isEqualTo("FAILED");
            assertThat((String) watch.get("message")).contains("HTTP 500");
            assertThat(((Map<?, ?>) events.get(4).get("approval")).get("by")).isEqualTo("alice");
            List<?> deployOutputs = (List<?>) events.get(1).get("outputs");
            assertThat(deployOutputs).hasSize(1);
            String outputFile = (String) ((Map<?, ?>) deployOutputs.get(0)).get("file");
            assertThat(Files.readString(dir.resolve(outputFile))).contains("$ ").contains("docker");
            String html = Files.readString(dir.resolve(ReportFiles.HTML), StandardCharsets.UTF_8);
            assertThat(html.split("<g class=\"mark ", -1)).hasSize(events.size() + 1);

            // the workspace copy (for archiveArtifacts) is the same report
            Path ws = r.workspace().resolve(ReportFiles.DIR_NAME);
            assertThat(Files.readString(ws.resolve(ReportFiles.JSON))).isEqualTo(Files.readString(dir.resolve(ReportFiles.JSON)));
            assertThat(ws.resolve(outputFile)).exists();

            // the build page
            ReportAction action = r.build().getAction(ReportAction.class);
            assertThat(action).isNotNull();
            assertThat(action.getSummary()).containsEntry("rolledBack", true).containsEntry("service", b.service).containsEntry("environment", "test").containsEntry("version", "2.0.0").containsEntry("result", "ROLLED_BACK");
            assertThat(action.getTimeToRestore()).matches("\\d+(\\.\\d)? (ms|s)");
            assertThat(action.getHtml()).isEqualTo(html);
            assertThat(action.getOutput(outputFile.substring("output/".length())).getText()).contains("docker");
            assertThat(action.getOutput("../report.json")).isNull();

            // the console convention, for every step of the run
            for (String step : List.of("dbSnapshot", "squadDeploy", "verifyHealth", "blueGreenSwitch", "squadReport", "autoRollback")) {
                List<List<String>> runs = StepConsoleLines.of(r, step);
                assertThat(runs).as("%s ran", step).isNotEmpty();
                for (List<String> lines : runs) {
                    boolean failed = lines.stream().anyMatch(l -> l.startsWith(step + " ✘ "));
                    assertThat(lines.get(0)).as("first line of %s", step).matches(StepConsoleLines.startPattern(step));
                    assertThat(lines.get(lines.size() - 1)).as("last line of %s", step).matches(StepConsoleLines.endPattern(step, !failed));
                }
            }
            assertThat(StepConsoleLines.of(r, "verifyHealth").get(1).get(StepConsoleLines.of(r, "verifyHealth").get(1).size() - 1))
                    .startsWith("verifyHealth ✘ failed: 1 of 1 check(s) did not pass (app)");
        }
    }
}
