package io.jenkins.plugins.squaddeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotException;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotRequest;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotService;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import io.jenkins.plugins.squaddeploy.engine.snapshot.ToolRunner;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code squad snapshot create|list|verify|restore|prune|drill|freshness}: the CLI form of the dbSnapshot step, same engine, same
 * store layout, same credentials IDs (from {@code --credentials-dir} or {@code SQUAD_CRED_<ID>_*} variables).
 * Exit codes: 0 done, 1 the action failed (unreachable server, corrupted snapshot, ...), 2 bad parameters.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Snapshots of PostgreSQL, Redis, files and RDS: streamed, checksummed, retained, restorable.",
        subcommands = {SnapshotCommand.Create.class, SnapshotCommand.ListCmd.class, SnapshotCommand.Verify.class,
                SnapshotCommand.Restore.class, SnapshotCommand.Prune.class, SnapshotCommand.Drill.class, SnapshotCommand.Freshness.class})
public final class SnapshotCommand implements Runnable {
    static final int FAILED = 1;
    static final int BAD_PARAMETERS = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the data comes from: --kind and the options of that kind. */
    static final class SourceOptions {
        @Option(names = "--kind", paramLabel = "KIND", description = "postgres, redis, files or rds")
        String kind;
        @Option(names = "--host", description = "server host (postgres: default the client's, e.g. the Unix socket; redis: 127.0.0.1)")
        String host;
        @Option(names = "--port", description = "server port")
        Integer port;
        @Option(names = "--database", description = "postgres: the database")
        String database;
        @Option(names = "--user", description = "postgres: role to log in as (default: the credentials' username)")
        String user;
        @Option(names = "--credentials", paramLabel = "ID", description = "credentials ID (postgres, rds: username+password; redis: secret or username+password)")
        String credentials;
        @Option(names = "--container", description = "run the client tools in this container (docker exec)")
        String container;
        @Option(names = "--compose-service", description = "run the client tools in this Compose service (docker compose exec -T)")
        String composeService;
        @Option(names = "--compose-file", description = "the Compose file of --compose-service")
        String composeFile;
        @Option(names = "--compose-project", description = "the Compose project of --compose-service")
        String composeProject;
        @Option(names = "--kubernetes-pod", paramLabel = "POD|SELECTOR", description = "run the client tools in this Kubernetes pod (kubectl exec -i): a pod name or a label selector such as app=postgres")
        String kubernetesPod;
        @Option(names = "--kubernetes-namespace", description = "the namespace of --kubernetes-pod (default: default)")
        String kubernetesNamespace;
        @Option(names = "--kubernetes-container", description = "the container of the pod (kubectl exec -c)")
        String kubernetesContainer;
        @Option(names = "--kubeconfig-credentials", paramLabel = "ID", description = "file credentials ID of the kubeconfig for kubectl (default: kubectl's own)")
        String kubeconfigCredentials;
        @Option(names = "--format", description = "postgres: custom (default) or directory")
        String format;
        @Option(names = "--jobs", description = "postgres: parallel pg_dump jobs (directory format)")
        Integer jobs;
        @Option(names = "--compression", description = "postgres: zlib level 0-9 (default 1)")
        Integer compression;
        @Option(names = "--bin-dir", description = "directory of pg_dump/psql/pg_restore or redis-cli")
        String binDir;
        @Option(names = "--maintenance-database", description = "postgres: database used to create/drop scratch databases (default postgres)")
        String maintenanceDatabase;
        @Option(names = "--method", description = "redis: bgsave (default) or rdb")
        String method;
        @Option(names = "--data-dir", description = "redis: its data directory (default: CONFIG GET dir)")
        String dataDir;
        @Option(names = "--start-command", paramLabel = "JSON-ARGV", description = "redis on this machine: command that starts it again after a restore, as a JSON list")
        String startCommand;
        @Option(names = "--base-dir", description = "files: the directory the --path values are relative to (default: current directory)")
        String baseDir;
        @Option(names = "--path", description = "files: a file or folder to archive (repeatable)")
        List<String> paths = new ArrayList<>();
        @Option(names = "--instance", description = "rds: the DB instance identifier")
        String instance;
        @Option(names = "--region", description = "rds: the AWS region")
        String region;
        @Option(names = "--aws-command", description = "rds: the aws program (default aws)")
        String awsCommand;
        @Option(names = "--poll-interval", description = "rds: seconds between status checks (default 15)")
        Integer pollInterval;

        SnapshotSource build(CliSecretSource secrets) throws IOException, InterruptedException {
            if (kind == null) {
                return null;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("host", host);
            m.put("port", port);
            m.put("database", database);
            m.put("user", user);
            m.put("credentialsId", credentials);
            m.put("container", container);
            m.put("composeService", composeService);
            m.put("composeFile", composeFile == null ? null : Path.of(composeFile).toAbsolutePath().toString());
            m.put("composeProject", composeProject);
            m.put("kubernetesPod", kubernetesPod);
            m.put("kubernetesNamespace", kubernetesNamespace);
            m.put("kubernetesContainer", kubernetesContainer);
            m.put("kubeconfigCredentialsId", kubeconfigCredentials);
            m.put("format", format);
            m.put("jobs", jobs);
            m.put("compression", compression);
            m.put("binDir", binDir);
            m.put("maintenanceDatabase", maintenanceDatabase);
            m.put("method", method);
            m.put("dataDir", dataDir);
            if (startCommand != null) {
                Object argv;
                try {
                    argv = JSON.readValue(startCommand, Object.class);
                } catch (IOException e) {
                    throw new ParameterException("--start-command", ParameterException.show(startCommand) + " is not a JSON list",
                            "a JSON list of arguments, e.g. '[\"redis-server\",\"/etc/redis/redis.conf\",\"--daemonize\",\"yes\"]'");
                }
                m.put("startCommand", argv);
            }
            if (kind.equals("files")) {
                m.put("baseDir", Path.of(baseDir == null ? "." : baseDir).toAbsolutePath().normalize().toString());
                m.put("paths", paths.isEmpty() ? null : paths);
            } else {
                m.put("baseDir", baseDir);
                m.put("paths", paths.isEmpty() ? null : paths);
            }
            m.put("instance", instance);
            m.put("region", region);
            m.put("awsCommand", awsCommand);
            m.put("pollInterval", pollInterval);
            return SnapshotSources.fromMap("source", m, secrets);
        }
    }

    /** A directory given on the command line, relative to the current directory (as the engine needs absolute paths). */
    static String absolute(String dir) {
        return dir == null || dir.startsWith("/") ? dir : Path.of(dir).toAbsolutePath().normalize().toString();
    }

    /** What every subcommand shares: the store, the series, credentials, output. */
    static final class CommonOptions {
        @Option(names = "--store", required = true, paramLabel = "DIR", description = "the snapshot store (a directory)")
        String store;
        @Option(names = "--name", paramLabel = "SERIES", description = "series name (default from the source, e.g. postgres-app)")
        String name;
        @Option(names = "--credentials-dir", paramLabel = "DIR", description = "directory with <id>/username, <id>/password or <id>/secret files")
        Path credentialsDir;
        @Option(names = "--timeout", defaultValue = "3600", description = "seconds for the whole action (default ${DEFAULT-VALUE})")
        int timeout;
        @Option(names = "--progress", defaultValue = "10", description = "seconds between progress lines (default ${DEFAULT-VALUE})")
        int progress;
        @Option(names = "--json", description = "print the result as JSON at the end")
        boolean json;
        @Mixin
        ReportOptions report = new ReportOptions();
    }

    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        CommonOptions common = new CommonOptions();

        abstract String action();

        abstract SourceOptions sourceOptions();

        void configure(SnapshotRequest.Builder b) {
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Masker masker = new Masker();
            ConsoleLog log = new CliConsole(out, masker);
            java.time.Instant started = java.time.Instant.now();
            ToolRunner tools = ToolRunner.local();
            Thread hook = new Thread(tools::cancel, "squad-snapshot-cancel");
            try {
                SnapshotSource source = sourceOptions().build(new CliSecretSource(common.credentialsDir, System.getenv(), masker));
                SnapshotRequest.Builder b = SnapshotRequest.builder(Path.of(common.store).toAbsolutePath().normalize().toString())
                        .action(action()).source(source).name(common.name).timeout(Duration.ofSeconds(common.timeout))
                        .progressEvery(Duration.ofSeconds(Math.max(1, common.progress)));
                configure(b);
                SnapshotRequest req = b.build();
                Runtime.getRuntime().addShutdownHook(hook);
                Map<String, Object> result = new SnapshotService(tools, log, Clock.systemUTC()).run(req);
                common.report.add("snapshot " + action(), ReportEvents.snapshot("squad snapshot", started, action(), result).finish(), masker, log);
                if (common.json) {
                    out.println(masker.mask(JSON.writeValueAsString(result)));
                }
                out.flush();
                return 0;
            } catch (ParameterException e) {
                err.println(masker.mask("squad snapshot " + action() + ": " + e.getMessage()));
                err.flush();
                return BAD_PARAMETERS;
            } catch (SnapshotException e) {
                common.report.add("snapshot " + action(), ReportEvents.failed("snapshot", "squad snapshot", started, "snapshot " + action(), e.getMessage())
                        .detail("action", action()).finish(), masker, log);
                err.println(masker.mask("squad snapshot " + action() + " failed: " + e.getMessage()));
                err.flush();
                return FAILED;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException | IllegalArgumentException ignored) {
                    // shutting down, or never added
                }
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Take a snapshot (pg_dump, BGSAVE + dump.rdb, tar.gz, RDS snapshot) into the store.")
    static final class Create extends Sub {
        @Mixin
        SourceOptions source = new SourceOptions();
        @Option(names = "--reason", description = "why the snapshot is taken (kept in its metadata)")
        String reason;
        @Option(names = "--release", description = "the release it protects (kept in its metadata, for rollbacks)")
        String release;
        @Option(names = "--build", description = "the build that took it (default: $BUILD_TAG)")
        String build;

        @Override
        String action() {
            return "create";
        }

        @Override
        SourceOptions sourceOptions() {
            return source;
        }

        @Override
        void configure(SnapshotRequest.Builder b) {
            b.reason(reason).release(release).build(build != null ? build : System.getenv("BUILD_TAG"));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the complete snapshots in the store (all series, or one).")
    static final class ListCmd extends Sub {
        @Mixin
        SourceOptions source = new SourceOptions();

        @Override
        String action() {
            return "list";
        }

        @Override
        SourceOptions sourceOptions() {
            return source;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Read snapshots back and compare their SHA-256; with --restore-to scratch, also restore into a throwaway database (DR check).")
    static final class Verify extends Sub {
        @Mixin
        SourceOptions source = new SourceOptions();
        @Option(names = "--snapshot", paramLabel = "ID", description = "the snapshot (default: all of the series, or the newest with --restore-to)")
        String snapshot;
        @Option(names = "--restore-to", description = "scratch: restore into a throwaway database, run --check queries, report RTO and RPO")
        String restoreTo;
        @Option(names = "--check", paramLabel = "SQL", description = "an SQL query that must return true in the scratch database (repeatable)")
        List<String> checks = new ArrayList<>();

        @Override
        String action() {
            return "verify";
        }

        @Override
        SourceOptions sourceOptions() {
            return source;
        }

        @Override
        void configure(SnapshotRequest.Builder b) {
            b.snapshot(snapshot).restoreTo(restoreTo).checks(checks);
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a snapshot (checksum first): pg_restore --clean --if-exists --single-transaction, Redis stop/replace/start, tar -x.")
    static final class Restore extends Sub {
        @Mixin
        SourceOptions source = new SourceOptions();
        @Option(names = "--snapshot", paramLabel = "ID", description = "the snapshot (default: the newest of the series)")
        String snapshot;
        @Option(names = "--restore-to", description = "postgres: a database or scratch; files: a directory; rds: a new instance")
        String restoreTo;
        @Option(names = "--confirm", description = "allow replacing the data of a live target (prints the data-loss window)")
        boolean confirm;
        @Option(names = "--check", paramLabel = "SQL", description = "with --restore-to scratch: an SQL query that must return true (repeatable)")
        List<String> checks = new ArrayList<>();

        @Override
        String action() {
            return "restore";
        }

        @Override
        SourceOptions sourceOptions() {
            return source;
        }

        @Override
        void configure(SnapshotRequest.Builder b) {
            b.snapshot(snapshot).restoreTo("files".equals(source.kind) ? absolute(restoreTo) : restoreTo).confirm(confirm).checks(checks);
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Delete snapshots outside the retention policy (never the newest verified one).")
    static final class Prune extends Sub {
        @Mixin
        SourceOptions source = new SourceOptions();
        @Option(names = "--keep-last", description = "keep the N newest (default 7)")
        Integer keepLast;
        @Option(names = "--keep-daily", description = "keep the newest of each of the D most recent days (default 7)")
        Integer keepDaily;
        @Option(names = "--keep-weekly", description = "keep the newest of each of the W most recent ISO weeks (default 4)")
        Integer keepWeekly;

        @Override
        String action() {
            return "prune";
        }

        @Override
        SourceOptions sourceOptions() {
            return source;
        }

        @Override
        void configure(SnapshotRequest.Builder b) {
            b.retention(keepLast, keepDaily, keepWeekly);
        }
    }

    @Command(name = "drill", mixinStandardHelpOptions = true,
            description = "DR drill of one store: restore its newest snapshot into scratch (PostgreSQL: a throwaway database; files: a new directory), "
                    + "run the --check queries, judge RTO and RPO, merge the result into --report-dir (dr-test.xml JUnit, dr-test.html), clean up.")
    static final class Drill extends Sub {
        @Mixin
        SourceOptions source = new SourceOptions();
        @Option(names = "--snapshot", paramLabel = "ID", description = "the snapshot (default: the newest of the series)")
        String snapshot;
        @Option(names = "--restore-to", paramLabel = "DIR", description = "files: the directory under which a scratch directory is made (default: a temporary one)")
        String restoreTo;
        @Option(names = "--check", paramLabel = "SQL", description = "postgres: an SQL query that must return true in the restored database (repeatable)")
        List<String> checks = new ArrayList<>();
        @Option(names = "--rto-seconds", paramLabel = "S", description = "recovery time objective: the longest acceptable restore (default 900)")
        Integer rtoSeconds;
        @Option(names = "--max-age-hours", paramLabel = "H", description = "recovery point objective: the oldest acceptable snapshot (default 26)")
        Double maxAgeHours;
        @Option(names = "--report-dir", paramLabel = "DIR", description = "merge the result into DIR/dr-test.json and render dr-test.xml and dr-test.html")
        Path reportDir;

        @Override
        String action() {
            return "drill";
        }

        @Override
        SourceOptions sourceOptions() {
            return source;
        }

        @Override
        void configure(SnapshotRequest.Builder b) {
            b.snapshot(snapshot).restoreTo(SnapshotRequest.SCRATCH.equals(restoreTo) ? restoreTo : absolute(restoreTo)).checks(checks)
                    .objectives(rtoSeconds, maxAgeHours).reportDir(reportDir == null ? null : absolute(reportDir.toString()));
        }
    }

    @Command(name = "freshness", mixinStandardHelpOptions = true,
            description = "Fail unless the newest verified snapshot of each series (or --name) is younger than --max-age-hours.")
    static final class Freshness extends Sub {
        @Mixin
        SourceOptions source = new SourceOptions();
        @Option(names = "--max-age-hours", paramLabel = "H", description = "the oldest acceptable newest verified snapshot (default 26)")
        Double maxAgeHours;

        @Override
        String action() {
            return "freshness";
        }

        @Override
        SourceOptions sourceOptions() {
            return source;
        }

        @Override
        void configure(SnapshotRequest.Builder b) {
            b.objectives(null, maxAgeHours);
        }
    }
}
