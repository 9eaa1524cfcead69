package io.jenkins.plugins.squaddeploy.bench;

import java.util.Arrays;

/** {@code ./squad bench NAME}: runs one benchmark and prints its figures (docs/benchmarks.md). */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (name) {
            case "verify-concurrency" -> VerifyConcurrencyBenchmark.main(rest);
            case "switch-nginx" -> SwitchBenchmark.main("nginx", rest);
            case "switch-haproxy" -> SwitchBenchmark.main("haproxy", rest);
            case "switch-haproxy-reload" -> SwitchBenchmark.main("haproxy-reload", rest);
            case "snapshot-postgres" -> SnapshotBenchmark.main(rest);
            case "rollback" -> RollbackBenchmark.main(rest);
            case "report" -> ReportBenchmark.main(rest);
            default -> {
                System.err.println("usage: ./squad bench verify-concurrency [--checks 20] [--latency-ms 200] [--rounds 15]");
                System.err.println("       ./squad bench switch-nginx|switch-haproxy|switch-haproxy-reload [--switches 20] [--connections 12]"
                        + " [--backend-latency-ms 5] [--servers-per-colour 2] [--samples 10] [--pause-ms 500]");
                System.err.println("       ./squad bench snapshot-postgres [--size-mb 1024] [--small-mb 100] [--rounds 2] [--no-restore] [--no-dump]");
                System.err.println("       ./squad bench rollback [--router nginx|haproxy] [--rounds 5] [--interval 1] [--failure-threshold 3] [--connections 12]"
                        + " [--backend-latency-ms 5] [--samples 10]");
                System.err.println("       ./squad bench report [--events 200] [--rounds 3]");
                System.exit(2);
            }
        }
    }
}
