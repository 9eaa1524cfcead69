package io.jenkins.plugins.squaddeploy.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bad-input corpus: one row per input, thrown at the live {@link BadInputWorld} by {@link BadInputCorpusTest}.
 * A row is a pipeline call (the real step classes, vars as the shared library) or a CLI argv, what the error must
 * name (the parameter) and what it must offer (the accepted form). {@code {name}} placeholders are the world's values
 * ({@link BadInputWorld#vars()}: {svc}, {img}, {ports}, {state}, {nginxRouter}, {colours}, {public}, {store}, {pg},
 * {url}, {http}, {creds}, …).
 *
 * <p>A new step or var adds its rows here: {@code step(id, category, "call", "param", "accepted form fragment")}.
 */
final class BadInputCorpus {
    enum Category {
        SHELL("shell metacharacters / newlines"), TRAVERSAL("path traversal"), IMAGE("invalid image reference"), URL("malformed URL"),
        EXPRESSION("unparsable JSONPath / PromQL"), NUMBER("negative or absurd timeout / count"), CREDENTIALS("unknown or wrong-type credentials"),
        FILE("missing file or directory"), HEALTH_JSON("malformed or oversized health JSON"), ENUM("unknown enum value"), KEY("unknown key (vars)");

        final String label;

        Category(String label) {
            this.label = label;
        }
    }

    /**
     * @param pipeline the step call(s) inside {@code node { }}; null for a CLI row
     * @param argv     the CLI's arguments; null for a pipeline row
     * @param names    what the error names (for steps: {@code Invalid parameter 'p'})
     * @param accepted a fragment of the accepted form the error offers
     * @param sideEffectFree false for a row whose input is only seen by talking to the service (a health body): it
     *                       may send requests, but must change nothing either
     */
    record Row(String id, Category category, String pipeline, List<String> argv, String names, String accepted, boolean sideEffectFree) {
        String surface() {
            return pipeline != null ? pipeline.substring(0, pipeline.indexOf(' ')).replace("def r = ", "") : "squad " + argv.get(0);
        }

        Row bind(Map<String, String> vars) {
            return new Row(id, category, pipeline == null ? null : fill(pipeline, vars), argv == null ? null : argv.stream().map(a -> fill(a, vars)).toList(),
                    fill(names, vars), fill(accepted, vars), sideEffectFree);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    static String fill(String s, Map<String, String> vars) {
        String out = s;
        for (Map.Entry<String, String> e : vars.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    private static final List<Row> ROWS = new ArrayList<>();

    private static void step(String id, Category c, String call, String param, String accepted) {
        ROWS.add(new Row(id, c, call, null, "Invalid parameter '" + param + "'", accepted, true));
    }

    private static void runtime(String id, Category c, String call, String names, String accepted) {
        ROWS.add(new Row(id, c, call, null, names, accepted, false));
    }

    private static void var(String id, Category c, String call, String names, String accepted) {
        ROWS.add(new Row(id, c, call, null, names, accepted, true));
    }

    private static void cli(String id, Category c, String param, String accepted, String... argv) {
        ROWS.add(new Row(id, c, null, List.of(argv), "Invalid parameter '" + param + "'", accepted, true));
    }

    static List<Row> rows() {
        return List.copyOf(ROWS);
    }

    private static final String DEPLOY = "squadDeploy service: '{svc}', image: '{img}', environment: 'test', stateDir: '{state}', "
            + "target: dockerTarget(ports: '{ports}'), labels: {labels}";
    private static final String DEPLOY_ROUTED = DEPLOY + ", router: {nginxRouter}, publicUrl: '{public}'";
    private static final String SWITCH = "blueGreenSwitch service: '{svc}', to: 'blue', router: {nginxRouter}, colours: {colours}, publicUrl: '{public}', "
            + "expectVersion: '2.0.0'";
    private static final String HTTP_OK = "httpCheck(url: '{url}')";

    static {
        // ---------------------------------------------------------------- verifyHealth (and its check describables)
        step("verify-url-scheme", Category.URL, "verifyHealth checks: [httpCheck(url: 'htp:/x')]", "checks[0].url", "Expected an http:// or https:// URL");
        step("verify-url-no-host", Category.URL, "verifyHealth checks: [httpCheck(url: 'http:///health')]", "checks[0].url", "URL with a host");
        step("verify-url-port", Category.URL, "verifyHealth checks: [httpCheck(url: 'http://127.0.0.1:99999/health')]", "checks[0].url", "URL with a host");
        step("verify-url-newline", Category.SHELL, "verifyHealth checks: [httpCheck(url: 'http://127.0.0.1/h\\nX-Injected: 1')]", "checks[0].url",
                "URL with a host");
        step("verify-url-shell", Category.SHELL, "verifyHealth checks: [httpCheck(url: 'http://127.0.0.1/$(reboot)`id`')]", "checks[0].url", "URL with a host");
        step("verify-prometheus-url", Category.URL, "verifyHealth checks: [prometheusCheck(url: 'ftp://127.0.0.1:9090', preset: 'error-rate', "
                + "selector: 'job=\"api\"')]", "checks[0].url", "http");
        step("verify-jsonpath-operator", Category.EXPRESSION, "verifyHealth checks: [httpCheck(url: '{url}', expect: ['$.status ==== 1'])]",
                "checks[0].expect[0]", "Expected a JSONPath");
        step("verify-jsonpath-unclosed", Category.EXPRESSION, "verifyHealth checks: [httpCheck(url: '{url}', expect: ['$..[?(@.x == 1'])]",
                "checks[0].expect[0]", "JSONPath");
        step("verify-jsonpath-no-root", Category.EXPRESSION, "verifyHealth checks: [httpCheck(url: '{url}', expect: ['status == \"healthy\"'])]",
                "checks[0].expect[0]", "JSONPath");
        step("verify-promql-unbalanced", Category.EXPRESSION, "verifyHealth checks: [prometheusCheck(url: '{http}', query: 'sum(rate(http_requests_total[5m])', "
                + "max: 1)]", "checks[0].query", "PromQL");
        step("verify-promql-selector", Category.EXPRESSION, "verifyHealth checks: [prometheusCheck(url: '{http}', preset: 'error-rate', selector: 'job=\"api')]",
                "checks[0].selector", "job=");
        step("verify-prometheus-preset", Category.ENUM, "verifyHealth checks: [prometheusCheck(url: '{http}', preset: 'error-ratio', selector: 'job=\"api\"')]",
                "checks[0].preset", "error-rate");
        step("verify-prometheus-nodata", Category.ENUM, "verifyHealth checks: [prometheusCheck(url: '{http}', query: 'up', min: 1, noData: 'maybe')]",
                "checks[0].noData", "fail");
        step("verify-prometheus-window", Category.NUMBER, "verifyHealth checks: [prometheusCheck(url: '{http}', preset: 'error-rate', selector: 'job=\"api\"', "
                + "window: '5 minutes')]", "checks[0].window", "5m");
        step("verify-timeout-negative", Category.NUMBER, "verifyHealth checks: [" + HTTP_OK + "], timeout: -1", "timeout", "above 0");
        step("verify-deadline-absurd", Category.NUMBER, "verifyHealth checks: [" + HTTP_OK + "], deadline: 99999999", "deadline", "above 0 up to 86400");
        step("verify-attempts-zero", Category.NUMBER, "verifyHealth checks: [" + HTTP_OK + "], attempts: 0", "attempts", "from 1 to 100000");
        step("verify-interval-negative", Category.NUMBER, "verifyHealth checks: [" + HTTP_OK + "], interval: -5", "interval", "0 or more");
        step("verify-watch-negative", Category.NUMBER, "verifyHealth checks: [" + HTTP_OK + "], watch: -1", "watch", "0 or more");
        step("verify-status-code", Category.NUMBER, "verifyHealth checks: [httpCheck(url: '{url}', status: [999])]", "checks[0].status[0]", "HTTP status code from 100 to 599");
        step("verify-max-body", Category.NUMBER, "verifyHealth checks: [httpCheck(url: '{url}', maxBodyBytes: -1)]", "checks[0].maxBodyBytes", "number of bytes from 1 to");
        step("verify-tcp-port", Category.NUMBER, "verifyHealth checks: [tcpCheck(host: '127.0.0.1', port: 70000)]", "checks[0].port", "port number from 1 to 65535");
        step("verify-tcp-host-shell", Category.SHELL, "verifyHealth checks: [tcpCheck(host: 'localhost; rm -rf /', port: 80)]", "checks[0].host", "host name or IP address");
        step("verify-header-crlf", Category.SHELL, "verifyHealth checks: [httpCheck(url: '{url}', headers: ['X-A: b\\r\\nHost: evil'])]", "checks[0].headers.X-A",
                "one line of text");
        step("verify-header-authorization", Category.CREDENTIALS, "verifyHealth checks: [httpCheck(url: '{url}', headers: ['Authorization: Bearer abc'])]",
                "checks[0].headers", "credentialsId");
        step("verify-name-newline", Category.SHELL, "verifyHealth checks: [httpCheck(name: 'app\\nERROR: forged', url: '{url}')]", "checks[0].name", "letters, digits, '.', '_', '/' or '-'");
        step("verify-name-duplicate", Category.ENUM, "verifyHealth checks: [httpCheck(name: 'a', url: '{url}'), tcpCheck(name: 'a', host: '127.0.0.1', port: 80)]",
                "checks[1].name", "unique within the step");
        step("verify-credentials-unknown", Category.CREDENTIALS, "verifyHealth checks: [redisCheck(host: '127.0.0.1', credentialsId: 'no-such-id')]",
                "checks[0].credentialsId", "Expected the ID of a");
        step("verify-credentials-type", Category.CREDENTIALS, "verifyHealth checks: [postgresCheck(host: '127.0.0.1', port: {pgPort}, credentialsId: 'token')]",
                "checks[0].credentialsId", "Username with password");
        step("verify-command-env", Category.SHELL, "verifyHealth checks: [commandCheck(command: ['true'], env: ['PATH'])]", "checks[0].env[0]", "NAME=value");
        runtime("verify-health-malformed", Category.HEALTH_JSON, "verifyHealth checks: [httpCheck(name: 'app', url: '{http}/malformed', "
                + "expect: ['$.status == \"healthy\"'])], attempts: 1", "app (http {http}/malformed)", "JSON");
        runtime("verify-health-oversized", Category.HEALTH_JSON, "verifyHealth checks: [httpCheck(name: 'app', url: '{http}/huge', "
                + "expect: ['$.status == \"healthy\"'])], attempts: 1", "app (http {http}/huge)", "maxBodyBytes");

        // ---------------------------------------------------------------- squadDeploy
        step("deploy-service-shell", Category.SHELL, DEPLOY.replace("service: '{svc}'", "service: 'shop;rm -rf /'"), "service", "lower-case letters, digits, '-' and '_'");
        step("deploy-service-newline", Category.SHELL, DEPLOY.replace("service: '{svc}'", "service: 'shop\\nrm'"), "service", "lower-case letters, digits, '-' and '_'");
        step("deploy-environment-traversal", Category.TRAVERSAL, DEPLOY.replace("environment: 'test'", "environment: '../../etc'"), "environment", "lower-case letters, digits, '-' and '_'");
        step("deploy-image-space", Category.IMAGE, DEPLOY.replace("image: '{img}'", "image: 'Squad API:1'"), "image", "image reference with a tag or digest");
        step("deploy-image-shell", Category.IMAGE, DEPLOY.replace("image: '{img}'", "image: 'repo:1;reboot'"), "image", "image reference with a tag or digest");
        step("deploy-image-subst", Category.IMAGE, DEPLOY.replace("image: '{img}'", "image: 'repo:$(id)'"), "image", "image reference with a tag or digest");
        step("deploy-image-option", Category.IMAGE, DEPLOY.replace("image: '{img}'", "image: '--privileged'"), "image", "image reference with a tag or digest");
        step("deploy-image-uppercase-repo", Category.IMAGE, DEPLOY.replace("image: '{img}'", "image: 'Registry.Example/App:1'"), "image", "lower-case repository path");
        step("deploy-strategy", Category.ENUM, DEPLOY + ", strategy: 'canary'", "strategy", "'blueGreen', 'rolling', 'recreate'");
        step("deploy-image-source", Category.ENUM, DEPLOY + ", imageSource: 'registry'", "imageSource", "'auto', 'pull', 'build', 'local'");
        step("deploy-health-timeout", Category.NUMBER, DEPLOY + ", healthTimeout: -1", "healthTimeout", "from 1 to 86400");
        step("deploy-lock-timeout", Category.NUMBER, DEPLOY + ", lockTimeout: -5", "lockTimeout", "from 0 to 86400");
        step("deploy-migration-timeout", Category.NUMBER, DEPLOY + ", migration: ['true'], migrationTimeout: -1", "migrationTimeout", "from 1 to 86400");
        step("deploy-replicas", Category.NUMBER, DEPLOY + ", replicas: -1", "replicas", "from 1 to 50");
        step("deploy-ports-shell", Category.SHELL, DEPLOY.replace("ports: '{ports}'", "ports: 'blue=80;81,green=82'"), "target.ports", "'blue=8001,green=8002'");
        step("deploy-env-no-equals", Category.SHELL, DEPLOY.replace("dockerTarget(ports: '{ports}')", "dockerTarget(ports: '{ports}', env: ['NOEQUALS'])"),
                "target.env[0]", "NAME=value");
        step("deploy-compose-missing", Category.FILE, DEPLOY.replace("dockerTarget(ports: '{ports}')", "composeTarget(files: ['missing.yml'], ports: '{ports}')"),
                "target.files[0]", "an existing compose file");
        step("deploy-build-context-missing", Category.FILE, DEPLOY + ", imageSource: 'build', buildContext: 'no/such/dir'", "buildContext", "the directory to build");
        step("deploy-build-arg", Category.SHELL, DEPLOY + ", imageSource: 'build', buildContext: '.', buildArgs: ['A B']", "buildArgs[0]", "NAME=value");
        step("deploy-label-newline", Category.SHELL, DEPLOY.replace("labels: {labels}", "labels: ['team=a\\nb']"), "labels[0]", "key=value on one line");
        step("deploy-upstream-host", Category.SHELL, DEPLOY_ROUTED + ", upstreamHost: 'evil host;'", "upstreamHost", "a host such as '127.0.0.1'");
        step("deploy-public-url", Category.URL, DEPLOY.replace("stateDir: '{state}'", "stateDir: '{state}', router: {nginxRouter}, publicUrl: 'not a url'"),
                "publicUrl", "http:// or https:// URL of the health endpoint");
        step("deploy-version-path", Category.EXPRESSION, DEPLOY_ROUTED + ", versionPath: '$..['", "versionPath", "a JSONPath to one value");
        step("deploy-verify-deadline", Category.NUMBER, DEPLOY_ROUTED + ", verifyDeadline: -1", "verifyDeadline", "from 1 to 3600");
        step("deploy-samples", Category.NUMBER, DEPLOY_ROUTED + ", samples: -3", "samples", "from 1 to 1000");

        // ---------------------------------------------------------------- blueGreenSwitch (and its router/colour describables)
        step("switch-to-unknown", Category.ENUM, SWITCH.replace("to: 'blue'", "to: 'purple'"), "to", "blue");
        step("switch-service-shell", Category.SHELL, SWITCH.replace("service: '{svc}'", "service: 'api;reboot'"), "service", "letters, digits, '.', '_' or '-'");
        step("switch-server-port", Category.URL, "blueGreenSwitch service: '{svc}', to: 'green', router: {nginxRouter}, publicUrl: '{public}', colours: "
                + "[colour(name: 'blue', servers: ['{blue}']), colour(name: 'green', servers: ['127.0.0.1:notaport'])]", "colours[1].servers[0]", "host:port such as");
        step("switch-server-newline", Category.SHELL, "blueGreenSwitch service: '{svc}', to: 'green', router: {nginxRouter}, publicUrl: '{public}', colours: "
                + "[colour(name: 'blue', servers: ['{blue}']), colour(name: 'green', servers: ['{green};\\n  server 10.0.0.1:80'])]", "colours[1].servers[0]",
                "host:port such as");
        step("switch-colour-name", Category.SHELL, "blueGreenSwitch service: '{svc}', to: 'green', router: {nginxRouter}, publicUrl: '{public}', colours: "
                + "[colour(name: 'blue', servers: ['{blue}']), colour(name: 'green }', servers: ['{green}'])]", "colours[1].name", "a colour name of 1 to 32");
        step("switch-public-url", Category.URL, SWITCH.replace("publicUrl: '{public}'", "publicUrl: 'http//x'"), "publicUrl", "http");
        step("switch-verify-deadline", Category.NUMBER, SWITCH + ", verifyDeadline: -1", "verifyDeadline", "from 1 to 3600");
        step("switch-stop-old-after", Category.NUMBER, SWITCH + ", stopOldAfter: -1", "stopOldAfter", "Expected");
        step("switch-version-path", Category.EXPRESSION, SWITCH + ", versionPath: '$['", "versionPath", "JSONPath");
        step("switch-container-shell", Category.SHELL, "blueGreenSwitch service: '{svc}', to: 'green', router: {nginxRouter}, publicUrl: '{public}', colours: "
                + "[colour(name: 'blue', servers: ['{blue}'], containers: ['x;rm -rf /']), colour(name: 'green', servers: ['{green}'])]",
                "colours[0].containers[0]", "a container name or ID");
        step("switch-nginx-config-missing", Category.FILE, SWITCH.replace("router: {nginxRouter}", "router: nginxRouter(config: '/no/such/dir/upstream.conf', nginx: '{nginxBin}')"), "router.config",
                "in an existing directory");
        step("switch-haproxy-socket", Category.FILE, SWITCH.replace("router: {nginxRouter}", "router: haproxyRouter(socket: 'relative.sock', config: '{up}')"),
                "router.socket", "an absolute file path");

        // ---------------------------------------------------------------- dbSnapshot (and its source describables)
        step("snapshot-id-traversal", Category.TRAVERSAL, "dbSnapshot store: '{store}', action: 'verify', snapshot: '../../etc'", "snapshot", "a snapshot ID as listed");
        step("snapshot-id-traversal-suffix", Category.TRAVERSAL, "dbSnapshot store: '{store}', action: 'restore', snapshot: '{snapshotId}/../../..', "
                + "source: filesSource(baseDir: '{files}', paths: ['data']), confirm: true", "snapshot", "a snapshot ID as listed");
        step("snapshot-id-absolute", Category.TRAVERSAL, "dbSnapshot store: '{store}', action: 'verify', snapshot: '/etc/passwd'", "snapshot", "a snapshot ID as listed");
        step("snapshot-name-traversal", Category.TRAVERSAL, "dbSnapshot store: '{store}', name: '../outside', source: {pg}", "name", "1 to 64 letters, digits, _ or -");
        step("snapshot-store-newline", Category.SHELL, "dbSnapshot store: '{store}\\nx', source: {pg}", "store", "an absolute path on the agent");
        step("snapshot-store-empty", Category.FILE, "dbSnapshot store: '', source: {pg}", "store", "a directory on the agent");
        step("snapshot-action", Category.ENUM, "dbSnapshot store: '{store}', action: 'backup', source: {pg}", "action", "create");
        step("snapshot-files-traversal", Category.TRAVERSAL, "dbSnapshot store: '{store}', source: filesSource(baseDir: '{files}', paths: ['../../etc/passwd'])",
                "source.paths[0]", "relative to baseDir without '..'");
        step("snapshot-files-absolute", Category.TRAVERSAL, "dbSnapshot store: '{store}', source: filesSource(baseDir: '{files}', paths: ['/etc/shadow'])",
                "source.paths[0]", "relative to baseDir without '..'");
        step("snapshot-files-base-missing", Category.FILE, "dbSnapshot store: '{store}', source: filesSource(baseDir: '{files}/nope', paths: ['data'])",
                "source.baseDir", "an existing directory");
        step("snapshot-credentials-unknown", Category.CREDENTIALS, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', host: '127.0.0.1', "
                + "port: {pgPort}, credentialsId: 'missing')", "source.credentialsId", "'Username with password'");
        step("snapshot-credentials-type", Category.CREDENTIALS, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', host: '127.0.0.1', "
                + "port: {pgPort}, credentialsId: 'token')", "source.credentialsId", "Username with password");
        step("snapshot-database-sql", Category.SHELL, "dbSnapshot store: '{store}', source: postgresSource(database: 'app; DROP TABLE releases', host: '127.0.0.1', "
                + "port: {pgPort}, credentialsId: 'db')", "source.database", "a database name of letters");
        step("snapshot-format", Category.ENUM, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', host: '127.0.0.1', port: {pgPort}, "
                + "credentialsId: 'db', format: 'zip')", "source.format", "custom");
        step("snapshot-compression", Category.NUMBER, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', host: '127.0.0.1', port: {pgPort}, "
                + "credentialsId: 'db', compression: 12)", "source.compression", "0");
        step("snapshot-jobs", Category.NUMBER, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', host: '127.0.0.1', port: {pgPort}, "
                + "credentialsId: 'db', jobs: 0)", "source.jobs", "from 1 to 64");
        step("snapshot-timeout", Category.NUMBER, "dbSnapshot store: '{store}', source: {pg}, timeout: -1", "timeout", "from 1 to 604800");
        step("snapshot-keep-last", Category.NUMBER, "dbSnapshot store: '{store}', action: 'prune', keepLast: -1", "keepLast", "from 1 to 10000");
        step("snapshot-restore-unconfirmed", Category.ENUM, "dbSnapshot store: '{store}', action: 'restore', snapshot: '{snapshotId}', "
                + "source: filesSource(baseDir: '{files}', paths: ['data'])", "confirm", "confirm: true");
        step("snapshot-restore-to-sql", Category.SHELL, "dbSnapshot store: '{store}', action: 'verify', snapshot: '{snapshotId}', source: {pg}, "
                + "restoreTo: 'app; DROP TABLE releases'", "restoreTo", "restoreTo: 'scratch'");
        step("snapshot-drill-rto", Category.NUMBER, "dbSnapshot store: '{store}', action: 'drill', source: {pg}, rtoSeconds: 0", "rtoSeconds",
                "seconds from 1 to 604800");
        step("snapshot-drill-max-age", Category.NUMBER, "dbSnapshot store: '{store}', action: 'drill', source: {pg}, maxAgeHours: -26", "maxAgeHours",
                "hours above 0 and up to 8784");
        step("snapshot-drill-report-newline", Category.SHELL, "dbSnapshot store: '{store}', action: 'drill', source: {pg}, reportDir: 'dr\\nreport'",
                "reportDir", "an absolute path on the agent");
        step("snapshot-freshness-report", Category.FILE, "dbSnapshot store: '{store}', action: 'freshness', reportDir: 'dr-report'", "reportDir",
                "no reportDir for action 'freshness'");
        step("snapshot-redis-method", Category.ENUM, "dbSnapshot store: '{store}', source: redisSource(method: 'dump')", "source.method", "bgsave");
        step("snapshot-redis-port", Category.NUMBER, "dbSnapshot store: '{store}', source: redisSource(port: 0)", "source.port", "port number from 1 to 65535");
        step("snapshot-rds-instance", Category.SHELL, "dbSnapshot store: '{store}', source: rdsSource(instance: 'db;aws iam delete-user')", "source.instance",
                "RDS DB instance identifier");

        // ---------------------------------------------------------------- autoRollback
        step("rollback-verify-deadline", Category.NUMBER, "autoRollback verifyDeadline: -1", "verifyDeadline", "from 1 to 3600");
        step("rollback-database", Category.ENUM, "autoRollback database: 'yesterday'", "database", "'release'");
        step("rollback-webhook-unknown", Category.CREDENTIALS, "autoRollback webhookCredentialsId: 'no-such-id'", "webhookCredentialsId", "'Secret text'");
        step("rollback-webhook-type", Category.CREDENTIALS, "autoRollback webhookCredentialsId: 'db'", "webhookCredentialsId", "Secret text");
        step("rollback-service-shell", Category.SHELL, "autoRollback service: 'x;reboot'", "service", "letters, digits, '.', '_' or '-'");
        step("rollback-samples", Category.NUMBER, "autoRollback samples: -1", "samples", "from 1 to 1000");
        step("rollback-health-timeout", Category.NUMBER, "autoRollback healthTimeout: -1", "healthTimeout", "from 1 to 86400");

        // ---------------------------------------------------------------- vars (shared library)
        var("var-service-health-key", Category.KEY, "serviceHealth(url: '{url}', atempts: 3)", "unknown parameter 'atempts'",
                "accepted: url, postgres, redis, attempts, interval, deadline");
        var("var-service-health-no-url", Category.URL, "serviceHealth(attempts: 1)", "'url' is required", "http://127.0.0.1:8000/health");
        var("var-service-health-postgres-key", Category.KEY, "serviceHealth(url: '{url}', postgres: [hots: '127.0.0.1'])", "unknown parameter 'hots'",
                "accepted: host, port, database, credentialsId");
        var("var-service-health-url", Category.URL, "serviceHealth(url: 'localhost:8000/health', attempts: 1)", "Invalid parameter 'checks[0].url'",
                "Expected an http:// or https:// URL");
        var("var-rollback-approval-database", Category.ENUM, "autoRollbackWithApproval(database: 'yesterday', approvers: 'ops')", "Invalid parameter 'database'",
                "'release'");

        // ---------------------------------------------------------------- later steps, targets and vars (rows added as they landed)
        step("window-spec", Category.ENUM, "deployWindow windows: ['Mon-Fry 09:00-17:00 Europe/Berlin']", "windows[0]", "'<days> HH:MM-HH:MM <time zone>'");
        step("window-zone", Category.ENUM, "deployWindow windows: ['Mon-Fri 09:00-17:00 Mars/Olympus_Mons']", "windows[0]", "'<days> HH:MM-HH:MM <time zone>'");
        step("window-at", Category.NUMBER, "deployWindow windows: ['Mon-Fri 09:00-17:00 UTC'], at: 'yesterday'", "at", "an ISO-8601 instant");
        // squadReport names its parameters as "squadReport: status: got …; expected …" (not the "Invalid parameter" form)
        var("report-status", Category.ENUM, "squadReport event: 'note', status: 'EXPLODED'", "status: got 'EXPLODED'", "expected one of OK, FAILED, WARNING, INFO");
        var("report-type-shell", Category.SHELL, "squadReport event: 'note', type: 'note;rm -rf /'", "type: got", "expected a lowercase word");
        var("report-approved-at", Category.NUMBER, "squadReport event: 'approved', approvedBy: 'ops', approvedAt: 'yesterday'", "approvedAt: got 'yesterday'",
                "expected an ISO-8601 UTC time");
        step("helm-release-shell", Category.SHELL, DEPLOY.replace("dockerTarget(ports: '{ports}')", "helmTarget(release: 'api;rm -rf /', chart: './chart')"),
                "target.release", "a Helm release name");
        step("helm-credentials-unknown", Category.CREDENTIALS, DEPLOY.replace("dockerTarget(ports: '{ports}')",
                "helmTarget(release: 'api', chart: './chart', credentialsId: 'no-such-kubeconfig')"), "target.credentialsId", "'Secret file'");
        step("k8s-namespace", Category.SHELL, DEPLOY.replace("dockerTarget(ports: '{ports}')", "kubernetesTarget(namespace: 'prod ns;x', deployments: ['api'])"),
                "target.namespace", "a namespace name");
        step("k8s-credentials-type", Category.CREDENTIALS, DEPLOY.replace("dockerTarget(ports: '{ports}')",
                "kubernetesTarget(namespace: 'prod', deployments: ['api'], credentialsId: 'db')"), "target.credentialsId", "'Secret file'");
        step("swarm-failure-action", Category.ENUM, DEPLOY.replace("dockerTarget(ports: '{ports}')", "swarmTarget(services: ['api'], failureAction: 'explode')"),
                "target.failureAction", "'rollback' (default), 'pause' or 'continue'");
        step("swarm-update-delay", Category.NUMBER, DEPLOY.replace("dockerTarget(ports: '{ports}')", "swarmTarget(services: ['api'], updateDelay: '-5s')"),
                "target.updateDelay", "a Docker duration");
        step("switch-k8s-service", Category.SHELL, SWITCH.replace("router: {nginxRouter}", "router: kubernetesService(service: 'api svc;x')"),
                "router.service", "a Kubernetes object name");
        step("snapshot-pod-shell", Category.SHELL, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', kubernetesPod: 'db-0;rm -rf /', "
                + "credentialsId: 'db')", "source.kubernetesPod", "Expected");
        step("snapshot-pod-namespace", Category.SHELL, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', kubernetesPod: 'db-0', "
                + "kubernetesNamespace: 'Prod NS', credentialsId: 'db')", "source.kubernetesNamespace", "Expected");
        step("snapshot-swarm-service", Category.SHELL, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', swarmService: 'db;x', "
                + "credentialsId: 'db')", "source.swarmService", "Expected");
        step("snapshot-kubeconfig-type", Category.CREDENTIALS, "dbSnapshot store: '{store}', source: postgresSource(database: 'app', kubernetesPod: 'db-0', "
                + "credentialsId: 'db', kubeconfigCredentialsId: 'token')", "source.kubeconfigCredentialsId", "Expected");
        var("var-audit-required", Category.KEY, "squadAudit(summary: 'approved')", "'type' and 'summary' are required", "squadAudit(type: 'approval'");
        var("var-approval-gate-key", Category.KEY, "approvalGate(mesage: 'Release?')", "unknown parameter 'mesage'", "accepted: message");
        var("var-approval-gate-approvals", Category.NUMBER, "approvalGate(message: 'Release?', submitters: ['ops'], approvals: 0)", "'approvals'",
                "1 or more");
        var("var-window-gate-key", Category.KEY, "deployWindowGate(windowz: ['Mon-Fri 09:00-17:00 UTC'])", "unknown parameter 'windowz'", "accepted: windows");
        var("var-dr-test-no-store", Category.FILE, "drTest(sources: [])", "'store' is required", "the snapshot directory");
        var("var-backup-key", Category.KEY, "scheduledBackup(store: '{store}', sourcez: [])", "unknown parameter 'sourcez'", "accepted: store, sources");
        var("var-deploy-credentials-key", Category.KEY, "withDeployCredentials(environmnt: 'production') { echo 'x' }", "unknown parameter 'environmnt'",
                "accepted: environment, kinds, sets");
        var("var-runbook-key", Category.KEY, "squadRunbook(servce: 'api')", "unknown parameter 'servce'", "accepted:");

        // ---------------------------------------------------------------- CLI
        cli("cli-verify-url", Category.URL, "checks[0].url", "Expected an http:// or https:// URL", "verify", "--http", "htp:/x");
        cli("cli-verify-timeout", Category.NUMBER, "timeout", "above 0", "verify", "--http", "{url}", "--timeout", "-1");
        cli("cli-verify-credentials", Category.CREDENTIALS, "checks[0].credentialsId", "--credentials-dir", "verify", "--redis", "127.0.0.1:6379", "--redis-credentials",
                "no-such-id", "--credentials-dir", "{creds}");
        cli("cli-verify-promql", Category.EXPRESSION, "checks[0].query", "PromQL", "verify", "--prometheus", "{http}", "--query", "rate(x[5m]", "--max", "1");
        cli("cli-deploy-service", Category.SHELL, "--service", "lower-case letters, digits, '-' and '_'", "deploy", "--service", "a;b", "--image", "{img}", "--docker", "--ports", "{ports}",
                "--state-dir", "{state}");
        cli("cli-deploy-strategy", Category.ENUM, "--strategy", "'blueGreen', 'rolling', 'recreate'", "deploy", "--service", "{svc}", "--image", "{img}",
                "--docker", "--ports", "{ports}", "--state-dir", "{state}", "--strategy", "canary");
        cli("cli-deploy-image", Category.IMAGE, "--image", "image reference with a tag or digest", "deploy", "--service", "{svc}", "--image", "a b:1", "--docker", "--ports", "{ports}",
                "--state-dir", "{state}");
        cli("cli-switch-to", Category.ENUM, "--to", "blue", "switch", "--service", "{svc}", "--to", "purple", "--router", "nginx", "--nginx-config", "{up}",
                "--nginx", "{nginxBin}", "--nginx-arg=-p", "--nginx-arg={nginxPrefix}", "--nginx-arg=-c", "--nginx-arg={nginxConf}",
                "--colour", "blue={blue}", "--colour", "green={green}", "--public-url", "{public}");
        cli("cli-switch-router", Category.ENUM, "--router", "nginx", "switch", "--service", "{svc}", "--to", "green", "--router", "traefik",
                "--colour", "blue={blue}", "--colour", "green={green}", "--public-url", "{public}");
        cli("cli-snapshot-traversal", Category.TRAVERSAL, "snapshot", "a snapshot ID as listed", "snapshot", "verify", "--store", "{store}", "--snapshot", "../../etc");
        cli("cli-snapshot-kind", Category.ENUM, "source.kind", "Expected one of postgres, redis, files, rds", "snapshot", "create", "--store", "{store}",
                "--kind", "mysql");
        cli("cli-snapshot-files-traversal", Category.TRAVERSAL, "source.paths[0]", "relative to baseDir without '..'", "snapshot", "create", "--store", "{store}", "--kind", "files",
                "--base-dir", "{files}", "--path", "../../etc/passwd");
        cli("cli-snapshot-credentials", Category.CREDENTIALS, "source.credentialsId", "--credentials-dir", "snapshot", "create", "--store", "{store}", "--kind",
                "postgres", "--database", "app", "--port", "{pgPort}", "--credentials", "missing", "--credentials-dir", "{creds}");
        cli("cli-rollback-service", Category.SHELL, "--service", "lower-case letters, digits, '-' and '_'", "rollback", "--service", "a b", "--state-dir", "{state}");
    }

    private BadInputCorpus() {
    }
}
