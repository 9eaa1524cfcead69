package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code vars/squadRunbook.groovy}'s own behaviour, by the steps it calls in order (the "call stack" as the console's
 * {@code [Pipeline] step} lines): stages that are not configured or are in {@code skip} are shown as skipped, {@code before}
 * and {@code after} closures run around their stage with the state, a failed stage leads to the Rollback stage and the
 * report and notification still run; a production release without an approval and unknown keys are refused. The deploy
 * goes to the real Docker daemon (an image that is not there fails it before anything changes); the full releases run
 * in ExamplesTest.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadRunbookVarTest {

    @BeforeAll
    static void docker() {
        DockerFixture.get();
    }

    static List<String> steps(PipelineRun run) {
        return run.steps();
    }

    @Test
    void aFailedDeployRunsTheRollbackThenTheReportAndTheNotificationAndSkippedStagesSaySo() {
        PipelineRun run = new PipelineHarness().runScript("""
                squadRunbook service: 'squadtest-runbook', version: '9.9.9', environment: 'staging',
                    deploy: [image: 'squad-sample:9.9.9', imageSource: 'local', target: dockerTarget(ports: 'blue=1,green=2')],
                    verify: [checks: [tcpCheck(host: '127.0.0.1', port: 1)]],
                    skip: ['snapshot'], snapshot: [store: '/nonexistent'],
                    before: ['Deploy': { s -> echo "before Deploy: ${s.service} ${s.version}" }],
                    after: ['Deploy': { s -> echo 'after Deploy must not run' }],
                    notify: { e -> echo "NOTIFY ${e.status}: ${e.message}" }
                """);
        assertResult(run, Result.FAILURE);
        assertThat(steps(run)).containsExactly(
                "echo",                               // releasing ...
                "stage", "echo",                      // Deploy window: skipped
                "node",
                "stage", "echo",                      // Pre-flight: skipped
                "stage", "echo",                      // Snapshot: switched off
                "stage", "echo", "squadDeploy",       // before Deploy, the deploy that fails
                "node", "stage", "autoRollback", "echo", // Rollback
                "node", "squadReport", "archiveArtifacts", "echo", "echo"); // report, summary, notify
        assertThat(run.console())
                .contains("squadRunbook: releasing squadtest-runbook 9.9.9 to staging")
                .contains("squadRunbook: Deploy window: skipped, not configured")
                .contains("squadRunbook: Snapshot: skipped, switched off (skip)")
                .contains("before Deploy: squadtest-runbook 9.9.9")
                .doesNotContain("after Deploy must not run")
                .contains("the image squad-sample:9.9.9 is not on the Docker host")
                .contains("squadRunbook: rollback NOTHING_TO_ROLL_BACK")
                .contains("NOTIFY FAILED: squadtest-runbook 9.9.9 to staging: FAILED (squadDeploy failed: the image squad-sample:9.9.9 is not on the Docker host");
    }

    @Test
    void productionNeedsAnApprovalAndUnknownKeysAreRefused() {
        PipelineRun noApproval = new PipelineHarness().runScript("""
                squadRunbook service: 'api', version: '1.0.0', environment: 'production', skip: ['deploy'], archiveReport: false,
                    deploy: [image: 'squad-sample:1.0.0', target: dockerTarget(ports: 'blue=1,green=2')]
                """);
        assertResult(noApproval, Result.FAILURE);
        assertThat(noApproval.console())
                .contains("ERROR: squadRunbook: a production release needs approval: [submitters: [...]] (or skip: ['approval'], stated in the audit)");

        // skipping the approval of a production release is allowed, and the audit says so (build description and report)
        PipelineRun skipped = new PipelineHarness().runScript("""
                squadRunbook service: 'api', version: '1.0.0', environment: 'production', skip: ['deploy', 'approval'], archiveReport: false,
                    deploy: [image: 'squad-sample:1.0.0', target: dockerTarget(ports: 'blue=1,green=2')]
                echo "description=${currentBuild.description}"
                """);
        assertResult(skipped, Result.SUCCESS);
        assertThat(skipped.console())
                .contains("audit: [approval] SKIPPED (skip: ['approval']): api 1.0.0 went to production without an approval")
                .contains("description=[approval] SKIPPED (skip: ['approval']): api 1.0.0 went to production without an approval")
                .contains("squadRunbook: Approval: skipped, switched off (skip)");
        assertThat(skipped.steps()).contains("squadReport");

        PipelineRun unknown = new PipelineHarness().runScript("squadRunbook service: 'api', version: '1', environment: 'dev', deploy: [:], canary: true");
        assertThat(unknown.console()).contains("ERROR: squadRunbook: unknown parameter 'canary'; accepted: service, version, environment, agent");
        PipelineRun missing = new PipelineHarness().runScript("squadRunbook service: 'api', environment: 'dev', deploy: [image: 'x:1']");
        assertThat(missing.console()).contains("ERROR: squadRunbook: 'version' is required");
    }
}
