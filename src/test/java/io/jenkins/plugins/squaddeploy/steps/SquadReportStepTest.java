package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.engine.report.DeployReport;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvent;
import io.jenkins.plugins.squaddeploy.engine.report.ReportFiles;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** squadReport as a var uses it: events and approvals land in the build's report; bad parameters are named, nothing is written. */
class SquadReportStepTest {
    @Test
    void aVarAddsANoteAndAnApprovalWithItsTimeAndABadParameterIsNamed() throws Exception {
        PipelineRun r = new PipelineHarness().jobName("shop").buildNumber(3).keepWorkspace(true).runScript("node {\n"
                + "  squadReport event: 'cache warmed', status: 'OK', details: ['keys=1200'], output: 'warmed 1200 keys\\nin 3 batches'\n"
                + "  squadReport event: 'release 2.0.0 to production', approvedBy: 'alice', approvedAt: '2026-11-22T05:00:00Z'\n"
                + "  try {\n"
                + "    squadReport event: 'x', approvedBy: 'bob', approvedAt: 'yesterday'\n"
                + "  } catch (e) {\n"
                + "    echo \"caught: ${e.message}\"\n"
                + "  }\n"
                + "  try {\n"
                + "    squadReport event: 'y', details: ['no equals sign']\n"
                + "  } catch (e) {\n"
                + "    echo \"caught: ${e.message}\"\n"
                + "  }\n"
                + "}\n");

        assertThat(r.result()).as(r.console()).isEqualTo(Result.SUCCESS);
        assertThat(r.console()).contains("caught: squadReport: approvedAt: got 'yesterday'; expected an ISO-8601 UTC time such as 2026-11-22T05:00:00Z")
                .contains("caught: squadReport: details[0]: got 'no equals sign'; expected 'key=value', e.g. 'rows=1200'");
        DeployReport report = ReportFiles.read(r.build().getRootDir().toPath().resolve(ReportFiles.DIR_NAME));
        assertThat(report.title()).isEqualTo("shop #3");
        assertThat(report.events()).extracting(ReportEvent::type).containsExactly("note", "approval");
        ReportEvent note = report.events().get(0);
        assertThat(note.details()).containsEntry("keys", "1200");
        assertThat(note.outputs()).singleElement().satisfies(o -> assertThat(o.lines()).isEqualTo(2));
        ReportEvent.Approval a = report.events().get(1).approval();
        assertThat(a.by()).isEqualTo("alice");
        assertThat(a.at()).isEqualTo(Instant.parse("2026-11-22T05:00:00Z"));
        assertThat(a.what()).isEqualTo("release 2.0.0 to production");
        assertThat(r.workspace().resolve("squad-deploy-report/report.html")).exists();
    }
}
