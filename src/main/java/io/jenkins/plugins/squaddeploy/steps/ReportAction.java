package io.jenkins.plugins.squaddeploy.steps;

import hudson.model.Run;
import io.jenkins.plugins.squaddeploy.engine.report.DeployReport;
import io.jenkins.plugins.squaddeploy.engine.report.ReportFiles;
import io.jenkins.plugins.squaddeploy.engine.report.ReportHtml;
import java.io.IOException;
import java.util.Map;
import jenkins.model.RunAction2;

/**
 * The deploy report on the build page: a summary line (version, colour, result, rollback yes/no, time to restore;
 * {@code summary.jelly}) and the report itself at {@code <build>/squad-deploy-report/} ({@code index.jelly} serves the
 * self-contained HTML page; the full tool output at {@code output/<file>}). Everything is read from the files
 * {@link BuildReport} keeps under the build's directory; this action keeps no state of its own.
 */
public class ReportAction implements RunAction2 {
    static final String URL = "squad-deploy-report";
    private transient Run<?, ?> run;

    /** This build's action, added when missing. */
    static ReportAction of(Run<?, ?> run) {
        synchronized (run) {
            ReportAction a = run.getAction(ReportAction.class);
            if (a == null) {
                a = new ReportAction();
                run.addAction(a);
            }
            return a;
        }
    }

    @Override
    public String getIconFileName() {
        return "clipboard.png";
    }

    @Override
    public String getDisplayName() {
        return "Deploy report";
    }

    @Override
    public String getUrlName() {
        return URL;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    /** The summary as a map (service, environment, version, colour, servingVersion, servingColour, result, rolledBack, timeToRestoreMs…), or null. */
    public Map<String, Object> getSummary() {
        DeployReport r = report();
        return r == null ? null : r.summary().toMap();
    }

    /** {@code 2.3 s}, or null when nothing was rolled back. */
    public String getTimeToRestore() {
        DeployReport r = report();
        Long ms = r == null ? null : r.summary().timeToRestoreMs();
        return ms == null ? null : ReportHtml.ms(ms);
    }

    /** The report page. */
    public String getHtml() {
        try {
            String html = run == null ? null : ReportFiles.html(BuildReport.dir(run));
            return html != null ? html : ReportHtml.render(DeployReport.empty(run == null ? "" : run.getFullDisplayName(), null, java.time.Instant.now()));
        } catch (IOException e) {
            return "<!DOCTYPE html><html><body><p>The deploy report could not be read: " + ReportHtml.esc(e.getMessage()) + "</p></body></html>";
        }
    }

    /** {@code output/<name>}: one file of full tool output, or null (404) for a name that is not one. */
    public OutputFile getOutput(String name) {
        try {
            String text = run == null ? null : ReportFiles.output(BuildReport.dir(run), name);
            return text == null ? null : new OutputFile(name, text);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code json/}: the report as JSON (schema: docs/report-schema.md). */
    public OutputFile getJson() {
        try {
            DeployReport r = run == null ? null : ReportFiles.read(BuildReport.dir(run));
            return r == null ? null : new OutputFile(ReportFiles.JSON, io.jenkins.plugins.squaddeploy.engine.report.ReportJson.write(r));
        } catch (IOException e) {
            return null;
        }
    }

    private DeployReport report() {
        try {
            return run == null ? null : ReportFiles.read(BuildReport.dir(run));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** A text file of the report, served as text/plain by its {@code index.jelly}. */
    public static final class OutputFile {
        private final String name;
        private final String text;

        OutputFile(String name, String text) {
            this.name = name;
            this.text = text;
        }

        public String getName() {
            return name;
        }

        public String getText() {
            return text;
        }

        public String getContentType() {
            return name.endsWith(".json") ? "application/json;charset=UTF-8" : "text/plain;charset=UTF-8";
        }
    }
}
