package io.jenkins.plugins.squaddeploy.steps;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvent;
import io.jenkins.plugins.squaddeploy.engine.report.ReportFiles;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Adds an event to this build's one deploy report. The engine writes it ({@link ReportFiles}): the build's copy under
 * the build's directory ({@code <build>/squad-deploy-report/}, served by {@link ReportAction}), then the same files into
 * the workspace ({@code squad-deploy-report/}, for {@code archiveArtifacts}) on the agent. A report that cannot be written
 * is a warning, never a failed step: the deployment itself matters more than its report.
 *
 * <p>For a new step: {@code BuildReport.add(getContext(), log, ReportEvent.of("deploy", "myStep", startedAt).title("…").finish(), masker);}
 */
public final class BuildReport {
    private BuildReport() {
    }

    /** Adds {@code event} to the report of the build of {@code ctx}. */
    public static void add(StepContext ctx, ConsoleLog log, ReportEvent event, Masker masker) throws InterruptedException {
        try {
            Run<?, ?> run = ctx.get(Run.class);
            FilePath workspace = ctx.get(FilePath.class);
            EnvVars env = ctx.get(EnvVars.class);
            add(run, workspace, env == null ? null : env.get("BUILD_URL"), log, event, masker);
        } catch (IOException | RuntimeException e) {
            log.warn("deploy report: the event '" + event.title() + "' could not be added: " + masker.describe(e));
        }
    }

    static void add(Run<?, ?> run, FilePath workspace, String buildUrl, ConsoleLog log, ReportEvent event, Masker masker) throws InterruptedException {
        if (run == null) {
            return;
        }
        Map<String, byte[]> files;
        try {
            ReportAction.of(run);
            files = ReportFiles.add(dir(run), run.getFullDisplayName(), buildUrl == null || buildUrl.isBlank() ? run.getUrl() : buildUrl, event, masker);
        } catch (IOException | RuntimeException e) {
            log.warn("deploy report: the event '" + event.title() + "' could not be written to the build: " + masker.describe(e));
            return;
        }
        if (workspace != null) {
            try {
                workspace.child(ReportFiles.DIR_NAME).act(new WriteFiles(files));
            } catch (IOException | RuntimeException e) {
                log.warn("deploy report: the workspace copy (" + ReportFiles.DIR_NAME + "/) could not be written: " + masker.describe(e));
            }
        }
    }

    /** The build's report directory (it may not exist yet). */
    static File dir(Run<?, ?> run) {
        return new File(run.getRootDir(), ReportFiles.DIR_NAME);
    }

    /** Writes the report's changed files into the workspace on the agent, each atomically. */
    static final class WriteFiles extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;
        private final HashMap<String, byte[]> files;

        WriteFiles(Map<String, byte[]> files) {
            this.files = new HashMap<>(files);
        }

        @Override
        public Void invoke(File dir, VirtualChannel channel) throws IOException {
            ReportFiles.writeAll(dir, files);
            return null;
        }
    }
}
