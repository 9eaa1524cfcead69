package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.Params;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Builds validated {@link SnapshotSource}s from what users write (step describables, CLI flags), with errors that
 * name the parameter and the accepted form. Nothing is contacted here.
 */
public final class SnapshotSources {
    public static final List<String> KINDS = List.of("postgres", "redis", "files", "rds");
    static final Pattern SERIES = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+]|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");
    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.@-]{0,62}");
    private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern RDS_INSTANCE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}");
    private static final Pattern KUBE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    private static final Pattern KUBE_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final String KUBE_POD_FORM = "a pod name such as 'postgres-0', or a label selector of key=value terms separated by commas such as "
            + "'app=postgres' (the first Running pod it matches, by name)";
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

    private SnapshotSources() {
    }

    // ---------------------------------------------------------------- typed factories (step describables)

    /** Where the tools run; {@code p} is the parameter prefix, e.g. {@code source}. */
    public static SnapshotSource.Exec exec(String p, String container, String composeService, String composeFile, String composeProject) {
        return exec(p, container, composeService, composeFile, composeProject, null);
    }

    /** As above, or inside a running task of a Docker Swarm service on this node ({@code swarmService}). */
    public static SnapshotSource.Exec exec(String p, String container, String composeService, String composeFile, String composeProject,
                                           String swarmService) {
        String w = blankToNull(swarmService);
        if (w != null) {
            if (blankToNull(container) != null || blankToNull(composeService) != null) {
                throw new ParameterException(p + ".swarmService", "swarmService is set together with " + (blankToNull(container) != null ? "container" : "composeService"),
                        "one of container (docker exec), composeService (docker compose exec -T) or swarmService (docker exec into its running task)");
            }
            if (blankToNull(composeFile) != null || blankToNull(composeProject) != null) {
                throw new ParameterException(p + (blankToNull(composeFile) != null ? ".composeFile" : ".composeProject"), "is set without composeService",
                        "composeService together with composeFile/composeProject");
            }
            if (!CONTAINER.matcher(w).matches()) {
                throw new ParameterException(p + ".swarmService", "got " + ParameterException.show(w), "a Swarm service name such as shop_postgres");
            }
            return new SnapshotSource.Exec(null, null, null, null, w);
        }
        String c = blankToNull(container);
        String s = blankToNull(composeService);
        String f = blankToNull(composeFile);
        String pr = blankToNull(composeProject);
        if (c != null && s != null) {
            throw new ParameterException(p + ".container", "both container and composeService are set",
                    "either a container name (docker exec) or a Compose service (docker compose exec -T), not both");
        }
        if (c != null && !CONTAINER.matcher(c).matches()) {
            throw new ParameterException(p + ".container", "got " + ParameterException.show(c), "a container name or ID such as squad-postgres-prod");
        }
        if (s != null && !CONTAINER.matcher(s).matches()) {
            throw new ParameterException(p + ".composeService", "got " + ParameterException.show(s), "a Compose service name such as postgres");
        }
        if ((f != null || pr != null) && s == null) {
            throw new ParameterException(p + (f != null ? ".composeFile" : ".composeProject"), "is set without composeService",
                    "composeService together with composeFile/composeProject");
        }
        if (f != null) {
            checkPath(p + ".composeFile", f, false);
        }
        if (pr != null && !PROJECT.matcher(pr).matches()) {
            throw new ParameterException(p + ".composeProject", "got " + ParameterException.show(pr), "a Compose project name of lower-case letters, digits, _ and -");
        }
        return c == null && s == null ? SnapshotSource.Exec.LOCAL : new SnapshotSource.Exec(c, s, f, pr);
    }

    /**
     * As above, or inside a pod of a Kubernetes cluster ({@code kubectl exec -i}): {@code kubernetesPod} is a pod name or a
     * label selector ({@code app=postgres}); the kubeconfig is read from the file credential {@code kubeconfigCredentialsId}
     * (its tokens and keys registered with the masker of {@code secrets}), none: the agent's own kubeconfig or in-cluster.
     * Every parameter is checked before the credential is read.
     */
    public static SnapshotSource.Exec exec(String p, String container, String composeService, String composeFile, String composeProject,
                                           String swarmService, String kubernetesPod, String kubernetesNamespace, String kubernetesContainer,
                                           String kubeconfigCredentialsId, SecretSource secrets) throws IOException, InterruptedException {
        String pod = blankToNull(kubernetesPod) == null ? null : kubernetesPod.strip();
        if (pod == null) {
            for (String[] kv : new String[][] {{"kubernetesNamespace", kubernetesNamespace}, {"kubernetesContainer", kubernetesContainer},
                    {"kubeconfigCredentialsId", kubeconfigCredentialsId}}) {
                if (blankToNull(kv[1]) != null) {
                    throw new ParameterException(p + "." + kv[0], "is set without kubernetesPod",
                            "kubernetesPod (a pod name or a label selector such as 'app=postgres') together with " + kv[0]);
                }
            }
            return exec(p, container, composeService, composeFile, composeProject, swarmService);
        }
        String other = blankToNull(container) != null ? "container" : blankToNull(composeService) != null ? "composeService"
                : blankToNull(swarmService) != null ? "swarmService" : blankToNull(composeFile) != null ? "composeFile"
                : blankToNull(composeProject) != null ? "composeProject" : null;
        if (other != null) {
            throw new ParameterException(p + ".kubernetesPod", "kubernetesPod is set together with " + other,
                    "one of container (docker exec), composeService (docker compose exec -T), swarmService (docker exec into its running task) "
                            + "or kubernetesPod (kubectl exec into the pod)");
        }
        String name = null;
        String selector = null;
        if (pod.contains("=")) {
            selector = selector(p + ".kubernetesPod", pod);
        } else if (pod.length() > 253 || !KUBE_NAME.matcher(pod).matches()) {
            throw new ParameterException(p + ".kubernetesPod", "got " + ParameterException.show(pod), KUBE_POD_FORM);
        } else {
            name = pod;
        }
        String c = blankToNull(kubernetesContainer) == null ? null : kubernetesContainer.strip();
        if (c != null && !KUBE_LABEL.matcher(c).matches()) {
            throw new ParameterException(p + ".kubernetesContainer", "got " + ParameterException.show(c),
                    "the name of a container of the pod (up to 63 lower-case letters, digits or '-'), e.g. 'postgres'; none: the pod's default container");
        }
        UnaryOperator<String> names = n -> p + "." + switch (n) {
            case "namespace" -> "kubernetesNamespace";
            case "credentialsId" -> "kubeconfigCredentialsId";
            default -> n;
        };
        KubeConnection conn = KubeConnection.of(names, kubeconfigCredentialsId, null, kubernetesNamespace);
        if (conn.credentialsId() != null) {
            conn = conn.withKubeconfig(secrets.lookupFile(conn.credentialsId(), p + ".kubeconfigCredentialsId"), secrets.masker(), names);
        }
        return new SnapshotSource.Exec(null, null, null, null, null, new SnapshotSource.Kube(conn, name, selector, c));
    }

    /** {@code key=value[,key=value...]} ({@code ==} as kubectl accepts it too), keys with an optional DNS prefix. */
    static String selector(String p, String raw) {
        List<String> parts = new ArrayList<>();
        for (String term : raw.split(",", -1)) {
            String t = term.strip();
            int eq = t.indexOf('=');
            String key = eq < 0 ? "" : t.substring(0, eq).strip();
            String value = eq < 0 ? "" : t.substring(t.startsWith("==", eq) ? eq + 2 : eq + 1).strip();
            if (!LABEL_KEY.matcher(key).matches() || !(value.isEmpty() || LABEL_VALUE.matcher(value).matches())) {
                throw new ParameterException(p, "got " + ParameterException.show(raw) + " (term " + ParameterException.show(t) + ")", KUBE_POD_FORM);
            }
            parts.add(key + "=" + value);
        }
        return String.join(",", parts);
    }

    public static SnapshotSource.Postgres postgres(String p, String host, Integer port, String database, String user, Credential credential,
                                                   SnapshotSource.Exec exec, String format, Integer jobs, Integer compression,
                                                   String binDir, String maintenanceDatabase) {
        String h = blankToNull(host) == null ? null : host(p + ".host", host);
        Integer prt = port == null ? null : port(p + ".port", port);
        if (blankToNull(database) == null) {
            throw new ParameterException(p + ".database", "no database given", "the name of the database to snapshot, e.g. 'squad_api'");
        }
        if (!DATABASE.matcher(database).matches()) {
            throw new ParameterException(p + ".database", "got " + ParameterException.show(database), "a database name of letters, digits, _, $ and -, starting with a letter or _");
        }
        String u = blankToNull(user);
        if (u != null && !USER.matcher(u).matches()) {
            throw new ParameterException(p + ".user", "got " + ParameterException.show(u), "a PostgreSQL role name of letters, digits, _, ., @ and -");
        }
        if (credential != null && !credential.hasUsername() && u == null) {
            throw new ParameterException(p + ".credentialsId", "credentials " + ParameterException.show(credential.id()) + " have no username",
                    "the ID of a 'Username with password' credential (or set user)");
        }
        SnapshotSource.Exec ex = exec == null ? SnapshotSource.Exec.LOCAL : exec;
        String fmt = blankToNull(format) == null ? SnapshotSource.Postgres.CUSTOM : format.strip().toLowerCase(Locale.ROOT);
        if (!fmt.equals(SnapshotSource.Postgres.CUSTOM) && !fmt.equals(SnapshotSource.Postgres.DIRECTORY)) {
            throw new ParameterException(p + ".format", "got " + ParameterException.show(format), "'custom' (one file, pg_dump -Fc) or 'directory' (pg_dump -Fd with parallel jobs)");
        }
        int j = jobs == null ? 1 : jobs;
        if (j < 1 || j > 64) {
            throw new ParameterException(p + ".jobs", "got " + j, "a number of parallel pg_dump jobs from 1 to 64");
        }
        if (j > 1 && !fmt.equals(SnapshotSource.Postgres.DIRECTORY)) {
            throw new ParameterException(p + ".jobs", "parallel jobs need the directory format", "format: 'directory' together with jobs, or jobs: 1");
        }
        if (fmt.equals(SnapshotSource.Postgres.DIRECTORY) && !ex.local()) {
            throw new ParameterException(p + ".format", "the directory format needs the local client (pg_dump writes the directory itself, "
                    + "which would be inside the container)", "format: 'custom' with container/composeService");
        }
        int z = compression == null ? 1 : compression;
        if (z < 0 || z > 9) {
            throw new ParameterException(p + ".compression", "got " + z, "a zlib level from 0 (none) to 9 (smallest, slowest)");
        }
        String bin = blankToNull(binDir) == null ? null : checkPath(p + ".binDir", binDir, true);
        String maint = blankToNull(maintenanceDatabase) == null ? "postgres" : maintenanceDatabase;
        if (!DATABASE.matcher(maint).matches()) {
            throw new ParameterException(p + ".maintenanceDatabase", "got " + ParameterException.show(maint), "a database name such as 'postgres'");
        }
        return new SnapshotSource.Postgres(h, prt, database, u, credential, ex, fmt, j, z, bin, maint);
    }

    public static SnapshotSource.Redis redis(String p, String host, Integer port, Credential credential, SnapshotSource.Exec exec,
                                             String method, String dataDir, List<String> startCommand, String binDir) {
        String h = blankToNull(host) == null ? "127.0.0.1" : host(p + ".host", host);
        int prt = port == null ? 6379 : port(p + ".port", port);
        String m = blankToNull(method) == null ? SnapshotSource.Redis.BGSAVE : method.strip().toLowerCase(Locale.ROOT);
        if (!m.equals(SnapshotSource.Redis.BGSAVE) && !m.equals(SnapshotSource.Redis.RDB)) {
            throw new ParameterException(p + ".method", "got " + ParameterException.show(method),
                    "'bgsave' (BGSAVE, then copy dump.rdb from the data dir or container) or 'rdb' (redis-cli --rdb)");
        }
        String dir = blankToNull(dataDir) == null ? null : checkPath(p + ".dataDir", dataDir, true);
        List<String> start = new ArrayList<>();
        if (startCommand != null) {
            for (int i = 0; i < startCommand.size(); i++) {
                String a = startCommand.get(i);
                if (a == null || a.indexOf('\0') >= 0 || (i == 0 && a.isBlank())) {
                    throw new ParameterException(p + ".startCommand[" + i + "]", "argument " + ParameterException.show(a) + " is empty or holds a NUL character",
                            "a list of arguments such as ['redis-server', '/etc/redis/redis.conf', '--daemonize', 'yes'] (no shell)");
                }
                start.add(a);
            }
        }
        SnapshotSource.Exec ex = exec == null ? SnapshotSource.Exec.LOCAL : exec;
        if (!start.isEmpty() && !ex.local()) {
            throw new ParameterException(p + ".startCommand", "is set for a container", "no startCommand: containers are stopped and started with docker");
        }
        String bin = blankToNull(binDir) == null ? null : checkPath(p + ".binDir", binDir, true);
        return new SnapshotSource.Redis(h, prt, credential, ex, m, dir, start, bin);
    }

    /** @param baseDir an absolute directory on the agent (relative ones are resolved by the caller) */
    public static SnapshotSource.Files files(String p, String baseDir, List<String> paths) {
        if (blankToNull(baseDir) == null) {
            throw new ParameterException(p + ".baseDir", "no directory given", "the directory the paths are relative to, e.g. '/opt/squad-api'");
        }
        String base = checkPath(p + ".baseDir", baseDir, true);
        List<String> ps = new ArrayList<>();
        List<String> given = paths == null || paths.isEmpty() ? List.of(".") : paths;
        for (int i = 0; i < given.size(); i++) {
            String raw = given.get(i);
            String form = "a path relative to baseDir without '..', e.g. 'config' or '.env.production' ('.' for all of baseDir)";
            if (raw == null || raw.isBlank() || raw.indexOf('\0') >= 0 || raw.contains("\n")) {
                throw new ParameterException(p + ".paths[" + i + "]", "got " + ParameterException.show(raw), form);
            }
            String s = raw.strip();
            if (s.startsWith("/") || s.startsWith("-")) {
                throw new ParameterException(p + ".paths[" + i + "]", ParameterException.show(s) + " is absolute or starts with '-'", form);
            }
            for (String seg : s.split("/")) {
                if (seg.equals("..")) {
                    throw new ParameterException(p + ".paths[" + i + "]", ParameterException.show(s) + " leaves baseDir", form);
                }
            }
            ps.add(s);
        }
        return new SnapshotSource.Files(base, ps);
    }

    public static SnapshotSource.Rds rds(String p, String instance, String region, Credential credential, String awsCommand, Duration pollInterval) {
        if (blankToNull(instance) == null || !RDS_INSTANCE.matcher(instance).matches() || instance.contains("--") || instance.endsWith("-")) {
            throw new ParameterException(p + ".instance", "got " + ParameterException.show(instance),
                    "an RDS DB instance identifier: a letter, then letters, digits and single hyphens, e.g. 'prod-db'");
        }
        String r = blankToNull(region);
        if (r != null && !REGION.matcher(r).matches()) {
            throw new ParameterException(p + ".region", "got " + ParameterException.show(r), "an AWS region such as 'eu-west-1'");
        }
        if (credential != null && !credential.hasUsername()) {
            throw new ParameterException(p + ".credentialsId", "credentials " + ParameterException.show(credential.id()) + " have no username",
                    "the ID of a 'Username with password' credential: access key ID as username, secret access key as password");
        }
        String aws = blankToNull(awsCommand) == null ? "aws" : awsCommand.strip();
        if (aws.contains("/")) {
            checkPath(p + ".awsCommand", aws, true);
        } else if (!aws.matches("[A-Za-z0-9_.+-]{1,64}")) {
            throw new ParameterException(p + ".awsCommand", "got " + ParameterException.show(aws), "a program name on PATH or an absolute path, e.g. '/usr/local/bin/aws'");
        }
        Duration poll = pollInterval == null ? Duration.ofSeconds(15) : pollInterval;
        if (poll.isNegative() || poll.isZero() || poll.compareTo(Duration.ofHours(1)) > 0) {
            throw new ParameterException(p + ".pollInterval", "got " + poll.toSeconds() + " s", "seconds between status checks, from 1 to 3600");
        }
        return new SnapshotSource.Rds(instance, r, credential, aws, poll);
    }

    // ---------------------------------------------------------------- maps (CLI)

    /**
     * Parses a source written as a map (the CLI's flags): {@code kind} plus the options of that kind, e.g.
     * {@code {kind: postgres, host: 127.0.0.1, port: 5432, database: app, credentialsId: app-db}}.
     * An unknown kind or option fails naming it and listing what is accepted.
     */
    public static SnapshotSource fromMap(String p, Map<String, ?> raw, SecretSource secrets) throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        Object kindValue = m.get("kind");
        if (kindValue == null) {
            throw new ParameterException(p + ".kind", "no kind given", "one of " + String.join(", ", KINDS));
        }
        String kind = String.valueOf(kindValue).strip().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new ParameterException(p + ".kind", "unknown kind " + ParameterException.show(kindValue), "one of " + String.join(", ", KINDS));
        }
        Set<String> execKeys = Set.of("container", "composeService", "composeFile", "composeProject", "swarmService",
                "kubernetesPod", "kubernetesNamespace", "kubernetesContainer", "kubeconfigCredentialsId");
        Set<String> allowed = new TreeSet<>(switch (kind) {
            case "postgres" -> Set.of("host", "port", "database", "user", "credentialsId", "format", "jobs", "compression", "binDir", "maintenanceDatabase");
            case "redis" -> Set.of("host", "port", "credentialsId", "method", "dataDir", "startCommand", "binDir");
            case "files" -> Set.of("baseDir", "paths");
            default -> Set.of("instance", "region", "credentialsId", "awsCommand", "pollInterval");
        });
        if (kind.equals("postgres") || kind.equals("redis")) {
            allowed.addAll(execKeys);
        }
        allowed.add("kind");
        for (String key : m.keySet()) {
            if (!allowed.contains(key)) {
                throw new ParameterException(p + "." + key, "unknown option for a " + kind + " source", "one of " + allowed);
            }
        }
        String credId = str(m, "credentialsId", p);
        Credential cred = credId == null ? null : secrets.lookup(credId, p + ".credentialsId", !kind.equals("redis"));
        return switch (kind) {
            case "postgres" -> postgres(p, str(m, "host", p), integer(m, "port", p), str(m, "database", p), str(m, "user", p), cred,
                    exec(p, str(m, "container", p), str(m, "composeService", p), str(m, "composeFile", p), str(m, "composeProject", p), str(m, "swarmService", p),
                            str(m, "kubernetesPod", p), str(m, "kubernetesNamespace", p), str(m, "kubernetesContainer", p), str(m, "kubeconfigCredentialsId", p), secrets),
                    str(m, "format", p), integer(m, "jobs", p), integer(m, "compression", p), str(m, "binDir", p), str(m, "maintenanceDatabase", p));
            case "redis" -> redis(p, str(m, "host", p), integer(m, "port", p), cred,
                    exec(p, str(m, "container", p), str(m, "composeService", p), str(m, "composeFile", p), str(m, "composeProject", p), str(m, "swarmService", p),
                            str(m, "kubernetesPod", p), str(m, "kubernetesNamespace", p), str(m, "kubernetesContainer", p), str(m, "kubeconfigCredentialsId", p), secrets),
                    str(m, "method", p), str(m, "dataDir", p), Params.strings(m, "startCommand", p), str(m, "binDir", p));
            case "files" -> files(p, str(m, "baseDir", p), Params.strings(m, "paths", p));
            default -> {
                Integer poll = integer(m, "pollInterval", p);
                yield rds(p, str(m, "instance", p), str(m, "region", p), cred, str(m, "awsCommand", p), poll == null ? null : Duration.ofSeconds(poll));
            }
        };
    }

    // ---------------------------------------------------------------- helpers

    /** A series name made of {@code raw}: characters outside letters, digits, _ and - become -, at most 64. */
    public static String seriesOf(String raw) {
        String s = raw.replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("-{2,}", "-").replaceAll("^[-_]+|-+$", "");
        if (s.length() > 64) {
            s = s.substring(0, 64).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "snapshot" : s;
    }

    /** Validates a series name given by the user (the {@code name} parameter). */
    public static String series(String p, String name) {
        if (name == null || !SERIES.matcher(name).matches()) {
            throw new ParameterException(p, "got " + ParameterException.show(name), "1 to 64 letters, digits, _ or -, starting with a letter or digit, e.g. 'squad-api-db'");
        }
        return name;
    }

    static String host(String p, String host) {
        if (host == null || host.length() > 253 || !HOST.matcher(host).matches()) {
            throw new ParameterException(p, "got " + ParameterException.show(host), "a host name or IP address such as 127.0.0.1 or db.internal");
        }
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    static int port(String p, Integer port) {
        if (port == null || port < 1 || port > 65535) {
            throw new ParameterException(p, "got " + ParameterException.show(port), "a port number from 1 to 65535");
        }
        return port;
    }

    static String checkPath(String p, String path, boolean absolute) {
        if (path == null || path.isBlank() || path.indexOf('\0') >= 0 || path.contains("\n") || path.contains("\r")) {
            throw new ParameterException(p, "got " + ParameterException.show(path), absolute ? "an absolute path on the agent" : "a path");
        }
        if (absolute && !path.startsWith("/")) {
            throw new ParameterException(p, ParameterException.show(path) + " is not absolute", "an absolute path on the agent, e.g. '/usr/lib/postgresql/15/bin'");
        }
        return path;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String str(Map<String, Object> m, String key, String p) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof CharSequence s) {
            return s.toString();
        }
        throw new ParameterException(p + "." + key, "got " + ParameterException.show(v), "a string");
    }

    private static Integer integer(Map<String, Object> m, String key, String p) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) {
            return n.intValue();
        }
        if (v instanceof CharSequence s && s.toString().strip().matches("-?[0-9]{1,9}")) {
            return Integer.parseInt(s.toString().strip());
        }
        throw new ParameterException(p + "." + key, "got " + ParameterException.show(v), "a whole number");
    }

}
