package io.jenkins.plugins.squaddeploy.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines each step printed in a pipeline console: from the line after {@code [Pipeline] <step>} to the line before
 * the next {@code [Pipeline]} or {@code ERROR:} line. What ConsoleConventionTest and DeployReportPipelineTest check.
 */
public final class StepConsoleLines {
    private StepConsoleLines() {
    }

    /** Every run of {@code step} in the console, each as its lines. */
    public static List<List<String>> of(PipelineRun r, String step) {
        List<List<String>> runs = new ArrayList<>();
        List<String> lines = r.consoleLines();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("[Pipeline] " + step)) {
                List<String> own = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("[Pipeline]") && !lines.get(j).startsWith("ERROR: "); j++) {
                    own.add(lines.get(j));
                }
                runs.add(own);
            }
        }
        return runs;
    }

    /** The convention's first line: {@code step ▶ …}. */
    public static String startPattern(String step) {
        return "^" + step + " ▶ \\S.*";
    }

    /** The convention's last line: {@code step ✔ … (took 1.2 s)} or {@code step ✘ … (took …)}. */
    public static String endPattern(String step, boolean ok) {
        return "^" + step + (ok ? " ✔ " : " ✘ ") + "\\S.* \\(took (\\d+ ms|\\d+\\.\\d s|\\d+ min \\d\\d s)\\)$";
    }
}
