package io.jenkins.plugins.squaddeploy.bench;

import io.jenkins.plugins.squaddeploy.engine.report.ReportEvent;
import io.jenkins.plugins.squaddeploy.engine.report.ReportFiles;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code ./squad bench report [--events 200] [--rounds 3]}: what adding one event to a build's deploy report costs as the
 * report grows (each add reads report.json and rewrites report.json and report.html whole, atomically), and how big the
 * files get. Events like a step's: a health event with 3 measurements, 10 details, and a 20 KB tool output.
 */
final class ReportBenchmark {
    private ReportBenchmark() {
    }

    static void main(String[] args) throws Exception {
        int events = 200;
        int rounds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Masker masker = new Masker().add("benchmark-secret-value");
        String output = "x".repeat(99) + "\n";
        output = output.repeat(200);
        int[] marks = {1, 10, 50, 100, 200, 500, 1000};
        for (int round = 1; round <= rounds; round++) {
            Path dir = Files.createTempDirectory("squad-report-bench-");
            List<String> row = new ArrayList<>();
            long total = 0;
            for (int n = 1; n <= events; n++) {
                ReportEvent.Builder b = ReportEvent.of(n % 2 == 0 ? "health" : "deploy", "bench", Instant.now()).title("event " + n).status("OK");
                for (int d = 0; d < 10; d++) {
                    b.detail("key" + d, "value " + d + " of event " + n);
                }
                for (int m = 0; m < 3; m++) {
                    b.measurement(new ReportEvent.Measurement("check" + m, "http", "http://127.0.0.1:8080/health", "PASSED", 0.01 * m, "<= 0.05", 2, 12,
                            "HTTP 200"));
                }
                ReportEvent e = b.output("tool", output).finish();
                long t0 = System.nanoTime();
                ReportFiles.add(dir, "bench #" + round, null, e, masker);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                total += ms;
                for (int mark : marks) {
                    if (mark == n) {
                        row.add(String.format(Locale.ROOT, "event %d: %d ms (json %d KB, html %d KB)", n, ms, Files.size(dir.resolve(ReportFiles.JSON)) / 1024,
                                Files.size(dir.resolve(ReportFiles.HTML)) / 1024));
                    }
                }
            }
            System.out.println("round " + round + ": " + events + " events added in " + total + " ms; " + String.join("; ", row));
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
