package io.jenkins.plugins.squaddeploy.pipeline;

import static io.jenkins.plugins.squaddeploy.pipeline.DeclarativeSemanticsTest.assertResult;
import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code vars/approvalGate.groovy} and {@code vars/deployWindowGate.groovy} (with the real {@code deployWindow} step),
 * loaded as the shared library in the CPS harness. People are the test's answers to {@code input}: the harness refuses
 * a user who is not among the submitters (users or groups) as Jenkins does, and {@link InputAnswer#noAnswer()} lets the
 * real {@code timeout} run out. The build is started by {@code starter}.
 */
@Timeout(120)
class ApprovalGateVarTest {
    private static final String GATE = """
            def gate = approvalGate(message: 'Release 2.0.0 to production?', summary: 'pre-flight passed; snapshot s1',
                                    submitters: ['alice', 'bob', 'release-managers'], approvals: %d, timeout: %d, timeoutUnit: 'SECONDS',
                                    onTimeout: '%s', ticketPattern: /CHG-\\d+/)
            echo "decision=${gate.decision} approved=${gate.approved} by=${gate.approvedBy}"
            echo "description=${currentBuild.description}"
            """;

    /** Answers in order, one per input. */
    private static Function<InputRequest, InputAnswer> answers(InputAnswer... in) {
        Deque<InputAnswer> q = new ArrayDeque<>(List.of(in));
        return r -> q.isEmpty() ? InputAnswer.noAnswer() : q.poll();
    }

    private static InputAnswer approve(String user, String reason, String ticket) {
        return InputAnswer.approve(user, Map.of("REASON", reason, "TICKET", ticket));
    }

    private static PipelineHarness harness() {
        return new PipelineHarness().user("starter").group("release-managers", "carol", "starter");
    }

    @Test
    void twoOfThreeNeedsTwoDistinctApproversAndTheAuditSaysWhoWhenWhy() {
        PipelineRun run = harness()
                .onInput(answers(approve("alice", "tested in staging", "CHG-1"), approve("alice", "again", "CHG-1"),
                        approve("carol", "on call agrees", "CHG-1")))
                .runScript(GATE.formatted(2, 60, "abort"));
        assertResult(run, Result.SUCCESS);
        // the call stack: one input per answer, each under its own timeout, then the audit (a report event per approval)
        assertThat(run.steps()).containsExactly(
                "echo",
                "timeout", "input", "echo",
                "timeout", "input", "echo",
                "timeout", "input", "echo",
                "echo", "squadReport", "squadReport", "squadReport",
                "echo", "echo");
        assertThat(run.inputs()).hasSize(3);
        assertThat(run.inputs().get(0).submitter()).isEqualTo("alice,bob,release-managers");
        assertThat(run.inputs().get(0).message()).isEqualTo("Release 2.0.0 to production?\npre-flight passed; snapshot s1\n(approval 1 of 2)");
        assertThat(run.console())
                .contains("approvalGate: waiting for 2 approval(s) by distinct people among alice, bob, release-managers; starter started this build and cannot approve it; after 60 seconds without them: abort")
                .contains("approvalGate: approval 1 of 2 by alice: tested in staging (CHG-1)")
                .contains("approvalGate: REFUSED: alice has already approved; 2 distinct approvers are needed")
                .contains("approvalGate: approval 2 of 2 by carol: on call agrees (CHG-1)")
                .contains("decision=APPROVED approved=true by=[alice, carol]")
                .containsPattern("description=\\[approval\\] APPROVED: 'Release 2.0.0 to production\\?'; 2 of 2 approval\\(s\\): "
                        + "alice at 20\\d\\d-\\S+Z \\('tested in staging', CHG-1\\); carol at \\S+ \\('on call agrees', CHG-1\\); "
                        + "refused: alice \\(alice has already approved; 2 distinct approvers are needed\\); started by starter");
    }

    @Test
    void theDeployReportKeepsEachApprovalWithWhoWhenWhatAndWhatTheApproversSaw() throws Exception {
        PipelineRun run = harness()
                .onInput(answers(approve("starter", "mine", "CHG-7"), approve("alice", "tested", "CHG-7"), approve("carol", "agreed", "CHG-8")))
                .runScript("node {\n" + GATE.formatted(2, 60, "abort") + "\necho('REPORT>>>' + readFile('squad-deploy-report/report.json') + '<<<REPORT')\n}");
        assertResult(run, Result.SUCCESS);
        String console = run.console();
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(console.substring(console.indexOf("REPORT>>>") + 9, console.indexOf("<<<REPORT")));
        List<com.fasterxml.jackson.databind.JsonNode> approvals = new java.util.ArrayList<>();
        report.get("events").forEach(e -> {
            if (e.get("type").asText().equals("approval")) {
                approvals.add(e);
            }
        });
        assertThat(approvals).hasSize(3);
        assertThat(approvals.get(0).get("approval").get("by").asText()).isEqualTo("alice");
        assertThat(approvals.get(0).get("approval").get("what").asText()).isEqualTo("Release 2.0.0 to production?");
        assertThat(approvals.get(0).get("approval").get("at").asText()).startsWith("20");
        assertThat(approvals.get(1).get("approval").get("by").asText()).isEqualTo("carol");
        assertThat(approvals.get(2).get("title").asText()).isEqualTo("approval APPROVED: Release 2.0.0 to production?");
        com.fasterxml.jackson.databind.JsonNode details = approvals.get(2).get("details");
        assertThat(details.get("shown").asText()).isEqualTo("Release 2.0.0 to production? / pre-flight passed; snapshot s1");
        assertThat(details.get("refused1").asText()).startsWith("starter at ").endsWith(": starter started this build and cannot approve it");
        assertThat(details.get("startedBy").asText()).isEqualTo("starter");
        assertThat(approvals.get(0).get("details").get("reason").asText()).isEqualTo("tested");
        assertThat(approvals.get(0).get("details").get("ticket").asText()).isEqualTo("CHG-7");
    }

    @Test
    void theStarterCannotApproveEvenAsAMemberOfASubmitterGroup() {
        PipelineRun run = harness()
                .onInput(answers(approve("starter", "I wrote it", "CHG-2"), approve("bob", "reviewed", "CHG-2")))
                .runScript(GATE.formatted(1, 60, "abort"));
        assertResult(run, Result.SUCCESS);
        assertThat(run.console())
                .contains("approvalGate: REFUSED: starter started this build and cannot approve it")
                .contains("decision=APPROVED approved=true by=[bob]");
    }

    @Test
    void aNonSubmitterIsRefusedAndTheGateKeepsWaiting() {
        PipelineRun run = harness()
                .onInput(answers(approve("mallory", "trust me", "CHG-3"), approve("alice", "reviewed", "CHG-3")))
                .runScript(GATE.formatted(1, 60, "abort"));
        assertResult(run, Result.SUCCESS);
        assertThat(run.refusedInputs()).singleElement().asString().startsWith("mallory: Release 2.0.0 to production?");
        assertThat(run.console()).contains("decision=APPROVED approved=true by=[alice]").doesNotContain("by mallory");
    }

    @Test
    void aMissingReasonOrAWrongTicketIsRefused() {
        PipelineRun run = harness()
                .onInput(answers(approve("alice", "", "CHG-4"), approve("bob", "ok", "JIRA-9"), approve("bob", "ok", "CHG-4")))
                .runScript(GATE.formatted(1, 60, "abort"));
        assertResult(run, Result.SUCCESS);
        assertThat(run.console())
                .contains("approvalGate: REFUSED: alice gave no reason; a reason is required")
                .contains("approvalGate: REFUSED: bob gave the ticket 'JIRA-9', which does not match CHG-\\d+")
                .contains("decision=APPROVED approved=true by=[bob]");
    }

    @Test
    void onTimeoutAbortEndsTheBuildAbortedAndAudited() {
        PipelineRun run = harness().onInput(answers(approve("alice", "fine", "CHG-5"))).runScript(GATE.formatted(2, 2, "abort"));
        assertResult(run, Result.ABORTED);
        assertThat(run.steps()).containsExactly("echo", "timeout", "input", "echo", "timeout", "input", "echo", "echo", "squadReport", "squadReport");
        assertThat(run.console())
                .contains("approvalGate: approval 1 of 2 by alice: fine (CHG-5)")
                .contains("approvalGate: no 2 approval(s) in 2 seconds: the build is aborted (onTimeout: 'abort')")
                .contains("audit: [approval] TIMED_OUT_ABORTED: 'Release 2.0.0 to production?'; 1 of 2 approval(s): alice at")
                .contains("Timeout has been exceeded")
                .doesNotContain("decision=");
    }

    @Test
    void onTimeoutProceedAndSkipAreStatedAndReturned() {
        PipelineRun proceed = harness().onInput(answers()).runScript(GATE.formatted(1, 1, "proceed"));
        assertResult(proceed, Result.SUCCESS);
        assertThat(proceed.console())
                .contains("approvalGate: no 1 approval(s) in 1 seconds: going ahead as configured (onTimeout: 'proceed')")
                .contains("decision=TIMED_OUT_PROCEEDED approved=true by=[]");
        PipelineRun skip = harness().onInput(answers()).runScript(GATE.formatted(1, 1, "skip"));
        assertResult(skip, Result.SUCCESS);
        assertThat(skip.console())
                .contains("approvalGate: no 1 approval(s) in 1 seconds: skipping what needed them (onTimeout: 'skip')")
                .contains("decision=TIMED_OUT_SKIPPED approved=false by=[]");
    }

    @Test
    void aRejectionAbortsTheBuildAndIsAudited() {
        PipelineRun run = harness().onInput(answers(InputAnswer.abort("bob"))).runScript(GATE.formatted(1, 60, "proceed"));
        assertResult(run, Result.ABORTED);
        assertThat(run.console()).contains("Aborted by bob").contains("audit: [approval] REJECTED: 'Release 2.0.0 to production?'; 0 of 1");
    }

    @Test
    void autoApprovalIsMarkedAsSuch() {
        PipelineRun run = harness().runScript("""
                def gate = approvalGate(message: 'Release?', autoApprove: 'demo run, no person asked')
                echo "decision=${gate.decision}"
                """);
        assertResult(run, Result.SUCCESS);
        assertThat(run.steps()).containsExactly("echo", "echo", "squadReport", "squadReport", "echo");
        assertThat(run.inputs()).isEmpty();
        assertThat(run.console())
                .contains("approvalGate: *** AUTO-APPROVED (demo run, no person asked): nobody was asked; never use autoApprove for a real production release ***")
                .contains("audit: [approval] AUTO_APPROVED: 'Release?'; 1 of 1 approval(s): AUTO-APPROVAL at")
                .contains("decision=AUTO_APPROVED");
    }

    @Test
    void badParametersFailNamingThem() {
        assertThat(harness().runScript("approvalGate(message: 'x', submitters: 'a', aprovals: 2)").console())
                .contains("ERROR: approvalGate: unknown parameter 'aprovals'; accepted: message, summary, submitters, approvals");
        assertThat(harness().runScript("approvalGate(message: 'x')").console())
                .contains("ERROR: approvalGate: 'submitters' is required");
        assertThat(harness().runScript("approvalGate(message: 'x', submitters: 'a', onTimeout: 'retry')").console())
                .contains("ERROR: approvalGate: 'onTimeout' must be 'abort' (default), 'proceed' or 'skip', got 'retry'");
    }

    // ---------------------------------------------------------------- deploy windows

    @Test
    void insideTheWindowPassesAndIsAudited() {
        PipelineRun run = harness().runScript("""
                def w = deployWindowGate(windows: ['Sat 02:00-04:00 UTC', 'Thu 14:00-16:00 America/New_York'], at: '2026-11-26T19:30:00Z')
                echo "inside=${w.inside} window=${w.window} closesAt=${w.closesAt} override=${w.override}"
                """);
        assertResult(run, Result.SUCCESS);
        assertThat(run.steps()).containsExactly("deployWindow", "echo", "squadReport", "echo");
        assertThat(run.console())
                .contains("[Pipeline] deployWindow\ndeployWindow ▶ check 2 deploy windows at 2026-11-26T19:30:00Z\n"
                        + "deployWindow: inside the deploy window 'Thu 14:00-16:00 America/New_York' at Thu 2026-11-26 14:30")
                .contains("deployWindow ✔ inside Thu 14:00-16:00 America/New_York, closes 2026-11-26T16:00-05:00 (took ")
                .contains("audit: [deploy-window] inside the window: inside the deploy window")
                .contains("inside=true window=Thu 14:00-16:00 America/New_York closesAt=2026-11-26T16:00-05:00 override=null");
    }

    @Test
    void outsideTheWindowStopsWithTheNextWindow() {
        PipelineRun run = harness().runScript("deployWindowGate(windows: ['Sat 02:00-04:00 UTC'], at: '2026-11-22T05:10:00Z')\necho 'deployed'");
        assertResult(run, Result.FAILURE);
        assertThat(run.console())
                .contains("ERROR: deployWindow: no deploy now: outside the deploy window 'Sat 02:00-04:00 UTC' at Sun 2026-11-22 05:10 UTC; "
                        + "the next window opens Sat 2026-11-28 02:00 UTC (in 5 d 20 h 50 min). A hotfix outside the window needs hotfix: true")
                .contains("audit: [deploy-window] stopped: outside")
                .doesNotContain("deployed");
        // the step alone, failOutside default true
        PipelineRun step = harness().runScript("deployWindow windows: ['Sat 02:00-04:00 UTC'], at: '2026-11-22T05:10:00Z'");
        assertResult(step, Result.FAILURE);
        assertThat(step.console()).contains("ERROR: deployWindow: no deploy now: outside the deploy window 'Sat 02:00-04:00 UTC'");
    }

    @Test
    void aHotfixOverrideNeedsAReasonAndAnApprovalAndIsRecorded() {
        String script = """
                def w = deployWindowGate(windows: ['Sat 02:00-04:00 UTC'], at: '2026-11-22T05:10:00Z', hotfix: true,
                                         reason: %s, approvers: 'oncall-leads')
                echo "override=${w.override.reason} by ${w.override.approvedBy}"
                echo "description=${currentBuild.description}"
                """;
        PipelineRun noReason = harness().runScript(script.formatted("''"));
        assertResult(noReason, Result.FAILURE);
        assertThat(noReason.console()).contains("ERROR: deployWindowGate: a hotfix outside the deploy window needs 'reason'");
        assertThat(noReason.inputs()).isEmpty();

        PipelineRun run = harness().group("oncall-leads", "dana", "starter")
                .onInput(answers(approve("starter", "mine", ""), approve("dana", "payments down", "")))
                .runScript(script.formatted("'payments fail for EU cards'"));
        assertResult(run, Result.SUCCESS);
        // the window step, then the approval (starter refused, dana approves) and its audit, then the override's audit
        assertThat(run.steps()).containsExactly(
                "deployWindow",
                "echo", "timeout", "input", "echo", "timeout", "input", "echo",
                "echo", "squadReport", "squadReport",
                "echo", "squadReport",
                "echo", "echo");
        assertThat(run.inputs().get(0).message()).startsWith("HOTFIX outside the deploy window. outside the deploy window 'Sat 02:00-04:00 UTC'");
        assertThat(run.console())
                .contains("approvalGate: REFUSED: starter started this build and cannot approve it")
                .contains("override=payments fail for EU cards by dana")
                .contains("[window-override] deploy window OVERRIDDEN for a hotfix: 'payments fail for EU cards', approved by dana; outside the deploy window");
        assertThat(run.console()).containsPattern("description=\\[deploy-window\\] stopped|description=\\[approval\\] APPROVED");
    }

    @Test
    void aBadWindowFailsNamingTheItem() {
        PipelineRun run = harness().runScript("deployWindow windows: ['Sat 02:00-04:00 UTC', 'Thursday 2pm EST']");
        assertResult(run, Result.FAILURE);
        assertThat(run.console()).contains("ERROR: deployWindow: Invalid parameter 'windows[1]': got 'Thursday 2pm EST'. Expected '<days> HH:MM-HH:MM <time zone>'");
    }
}
