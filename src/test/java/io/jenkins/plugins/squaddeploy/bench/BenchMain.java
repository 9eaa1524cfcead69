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
            default -> {
                System.err.println("usage: ./squad bench verify-concurrency [--checks 20] [--latency-ms 200] [--rounds 15]");
                System.exit(2);
            }
        }
    }
}
