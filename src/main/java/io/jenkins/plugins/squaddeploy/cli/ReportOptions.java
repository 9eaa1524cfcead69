package io.jenkins.plugins.squaddeploy.cli;

import io.jenkins.plugins.squaddeploy.engine.report.ReportEvent;
import io.jenkins.plugins.squaddeploy.engine.report.ReportFiles;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --report DIR} of deploy, switch, verify, snapshot and rollback: the same deploy report the Jenkins steps write
 * (report.json, report.html, output/), in DIR; a command adds its event to the report already there, so the commands of
 * one release by hand build one report.
 */
final class ReportOptions {
    @Option(names = "--report", paramLabel = "DIR", description = "also write the deploy report (report.json, report.html, output/) into DIR; "
            + "each command adds its event to the report already there")
    Path dir;

    /** Adds {@code event} when --report was given; a report that cannot be written is a warning, not a failed command. */
    void add(String command, ReportEvent event, Masker masker, ConsoleLog log) {
        if (dir == null) {
            return;
        }
        try {
            ReportFiles.add(dir, "squad " + command, null, event, masker);
            log.info("squad " + command + ": report " + dir.resolve(ReportFiles.HTML));
        } catch (IOException | RuntimeException e) {
            log.warn("squad " + command + ": the deploy report could not be written to " + dir + ": " + masker.describe(e));
        }
    }
}
