package io.jenkins.plugins.squaddeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.health.DirectProbeRunner;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.health.HealthVerifier;
import io.jenkins.plugins.squaddeploy.engine.health.VerifyOptions;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code squad verify}: the CLI form of the verifyHealth step. Exit 0 healthy, 1 unhealthy, 2 bad parameters. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check HTTP/JSON, TCP, PostgreSQL, Redis and command health, concurrently, with retries.")
public final class VerifyCommand implements Callable<Integer> {
    static final int UNHEALTHY = 1;
    static final int BAD_PARAMETERS = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--checks", paramLabel = "FILE", description = "JSON list of checks, as in verifyHealth: [{\"name\":\"api\",\"http\":\"http://127.0.0.1:8080/health\",\"expect\":[\"$.status == 'healthy'\"]}, {\"postgres\":\"127.0.0.1:5432/app\",\"credentialsId\":\"app-db\"}]")
    Path checksFile;

    @Option(names = "--http", paramLabel = "URL", description = "HTTP(S) check (repeatable)")
    List<String> http = new ArrayList<>();

    @Option(names = "--expect", paramLabel = "EXPR", description = "JSON expectation for every --http check, e.g. \"$.status == 'healthy'\" (repeatable)")
    List<String> expect = new ArrayList<>();

    @Option(names = "--status", paramLabel = "CODE", description = "accepted HTTP status for --http checks (repeatable, default 200)")
    List<Integer> status = new ArrayList<>();

    @Option(names = "--http-credentials", paramLabel = "ID", description = "credentials ID for --http checks (user+password: Basic; secret: Bearer)")
    String httpCredentials;

    @Option(names = "--tcp", paramLabel = "HOST:PORT", description = "TCP connect check (repeatable)")
    List<String> tcp = new ArrayList<>();

    @Option(names = "--postgres", paramLabel = "HOST:PORT/DB", description = "PostgreSQL login + SELECT 1 (repeatable)")
    List<String> postgres = new ArrayList<>();

    @Option(names = "--postgres-credentials", paramLabel = "ID", description = "credentials ID (username + password) for --postgres checks")
    String postgresCredentials;

    @Option(names = "--redis", paramLabel = "HOST:PORT", description = "Redis AUTH + PING check (repeatable)")
    List<String> redis = new ArrayList<>();

    @Option(names = "--redis-credentials", paramLabel = "ID", description = "credentials ID for --redis checks")
    String redisCredentials;

    @Option(names = "--command", paramLabel = "JSON-ARGV", description = "command check as a JSON list, e.g. '[\"pg_isready\",\"-h\",\"127.0.0.1\"]' (repeatable; no shell)")
    List<String> command = new ArrayList<>();

    @Option(names = "--credentials-dir", paramLabel = "DIR", description = "directory with <id>/username, <id>/password or <id>/secret files")
    Path credentialsDir;

    @Option(names = "--attempts", defaultValue = "" + VerifyOptions.DEFAULT_ATTEMPTS, description = "attempts per check (default ${DEFAULT-VALUE})")
    int attempts;

    @Option(names = "--interval", defaultValue = "" + VerifyOptions.DEFAULT_INTERVAL_S, description = "seconds between attempts (default ${DEFAULT-VALUE})")
    double interval;

    @Option(names = "--timeout", defaultValue = "" + VerifyOptions.DEFAULT_TIMEOUT_S, description = "seconds per attempt (default ${DEFAULT-VALUE})")
    double timeout;

    @Option(names = "--deadline", defaultValue = "" + VerifyOptions.DEFAULT_DEADLINE_S, description = "seconds for everything (default ${DEFAULT-VALUE})")
    double deadline;

    @Option(names = "--success-threshold", defaultValue = "1", description = "consecutive successes a check needs (default ${DEFAULT-VALUE})")
    int successThreshold;

    @Option(names = "--failure-threshold", defaultValue = "0", description = "consecutive failures that fail a check at once (0: all attempts)")
    int failureThreshold;

    @Option(names = "--prometheus", paramLabel = "URL", description = "Prometheus server for a query check, e.g. http://127.0.0.1:9090")
    String prometheus;

    @Option(names = "--query", paramLabel = "PROMQL", description = "instant PromQL query for --prometheus")
    String query;

    @Option(names = "--preset", paramLabel = "NAME", description = "instead of --query: error-rate (default max 0.05) or p95-latency (default max 2 s)")
    String preset;

    @Option(names = "--selector", paramLabel = "MATCHERS", description = "label matchers for --preset, e.g. 'job=\"squad-api\"'")
    String selector;

    @Option(names = "--max", description = "highest good value for --prometheus")
    Double max;

    @Option(names = "--min", description = "lowest good value for --prometheus")
    Double min;

    @Option(names = "--no-data", paramLabel = "POLICY", description = "fail (default), pass or inconclusive when the query returns nothing")
    String noData;

    @Option(names = "--watch", defaultValue = "0", description = "seconds to keep measuring every check (watch window); 0: until healthy")
    double watch;

    @Option(names = "--failure-limit", defaultValue = "0", description = "failed measurements allowed in the watch window (default ${DEFAULT-VALUE})")
    int failureLimit;

    @Option(names = "--consecutive-error-limit", defaultValue = "4", description = "measurements in a row that may not be taken (default ${DEFAULT-VALUE})")
    int consecutiveErrorLimit;

    @Option(names = "--inconclusive-limit", defaultValue = "0", description = "inconclusive measurements allowed (default ${DEFAULT-VALUE})")
    int inconclusiveLimit;

    @Option(names = "--json", description = "print the result as JSON after the table")
    boolean json;

    @picocli.CommandLine.Mixin
    ReportOptions report = new ReportOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Masker masker = new Masker();
        ConsoleLog log = new CliConsole(out, masker);
        java.time.Instant started = java.time.Instant.now();
        try {
            VerifyOptions options = VerifyOptions.ofSeconds(attempts, interval, timeout, deadline, successThreshold, failureThreshold)
                    .withWatch(watch, failureLimit, consecutiveErrorLimit, inconclusiveLimit);
            List<CheckSpec> specs = CheckSpecs.fromMaps(checkMaps(), new CliSecretSource(credentialsDir, System.getenv(), masker));
            ToolOutputs tools = new ToolOutputs(new LocalCommandRunner());
            HealthReport report = new HealthVerifier(new DirectProbeRunner(tools), log, masker).run(specs, options);
            this.report.add("verify", tools.addTo(ReportEvents.health("squad verify", started, report, options.watching(), ""), "command checks").finish(),
                    masker, log);
            if (json) {
                out.println(masker.mask(JSON.writeValueAsString(report.toMap())));
            }
            if (!report.healthy()) {
                err.println(masker.mask("verifyHealth failed:\n" + report.failureSummary()));
            }
            out.flush();
            err.flush();
            return report.healthy() ? 0 : UNHEALTHY;
        } catch (ParameterException e) {
            err.println(masker.mask("squad verify: " + e.getMessage()));
            err.flush();
            return BAD_PARAMETERS;
        }
    }

    private static void putIf(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private List<Object> checkMaps() throws IOException {
        List<Object> maps = new ArrayList<>();
        if (checksFile != null) {
            Object parsed;
            try {
                parsed = JSON.readValue(checksFile.toFile(), Object.class);
            } catch (IOException e) {
                throw new ParameterException("--checks", "cannot read " + checksFile + " as JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", "a JSON list of check objects");
            }
            if (!(parsed instanceof List<?> l)) {
                throw new ParameterException("--checks", checksFile + " does not hold a JSON list", "a JSON list of check objects");
            }
            maps.addAll(l);
        }
        for (String u : http) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("http", u);
            if (!expect.isEmpty()) {
                m.put("expect", expect);
            }
            if (!status.isEmpty()) {
                m.put("status", status);
            }
            if (httpCredentials != null) {
                m.put("credentialsId", httpCredentials);
            }
            maps.add(m);
        }
        tcp.forEach(t -> maps.add(Map.of("tcp", t)));
        for (String p : postgres) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("postgres", p);
            if (postgresCredentials != null) {
                m.put("credentialsId", postgresCredentials);
            }
            maps.add(m);
        }
        for (String r : redis) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("redis", r);
            if (redisCredentials != null) {
                m.put("credentialsId", redisCredentials);
            }
            maps.add(m);
        }
        if (prometheus != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prometheus", prometheus);
            putIf(m, "query", query);
            putIf(m, "preset", preset);
            putIf(m, "selector", selector);
            putIf(m, "max", max);
            putIf(m, "min", min);
            putIf(m, "noData", noData);
            maps.add(m);
        }
        for (int i = 0; i < command.size(); i++) {
            Object argv;
            try {
                argv = JSON.readValue(command.get(i), Object.class);
            } catch (IOException e) {
                throw new ParameterException("--command", ParameterException.show(command.get(i)) + " is not a JSON list", "a JSON list of arguments, e.g. '[\"pg_isready\",\"-h\",\"127.0.0.1\"]'");
            }
            maps.add(Map.of("command", argv));
        }
        return maps;
    }
}
