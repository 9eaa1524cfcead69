package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a snapshot is taken of, validated and ready to use (built by {@link SnapshotSources}). Serialisable:
 * the Jenkins adapter sends it to the agent that runs the snapshot. {@link #toString()} never shows a secret.
 */
public sealed interface SnapshotSource extends Serializable {
    /** postgres, redis, files or rds. */
    String kind();

    /** Where the data comes from, without secrets, e.g. {@code postgresql://127.0.0.1:5432/app (docker exec db)}. */
    String describe();

    /** The series name used when the step gives none, e.g. {@code postgres-app}. */
    String defaultSeries();

    /** The credential used to log in, or null. */
    default Credential credential() {
        return null;
    }

    /** The parameters of the source as metadata (no secrets). */
    Map<String, Object> details();

    /**
     * Where the database tools run: on the agent itself ({@link #LOCAL}), inside a running container
     * ({@code docker exec -i}), or inside a Compose service ({@code docker compose exec -T}).
     */
    record Exec(String container, String composeService, String composeFile, String composeProject, String swarmService, Kube kube)
            implements Serializable {
        public static final Exec LOCAL = new Exec(null, null, null, null);

        public Exec(String container, String composeService, String composeFile, String composeProject) {
            this(container, composeService, composeFile, composeProject, null, null);
        }

        public Exec(String container, String composeService, String composeFile, String composeProject, String swarmService) {
            this(container, composeService, composeFile, composeProject, swarmService, null);
        }

        public boolean local() {
            return container == null && composeService == null && swarmService == null && kube == null;
        }

        public boolean compose() {
            return composeService != null;
        }

        public String describe() {
            if (container != null) {
                return "docker exec " + container;
            }
            if (composeService != null) {
                return "compose service " + composeService + (composeFile == null ? "" : " of " + composeFile);
            }
            if (swarmService != null) {
                return "a running task of swarm service " + swarmService;
            }
            if (kube != null) {
                return kube.describe();
            }
            return "local";
        }

        Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (container != null) {
                m.put("container", container);
            }
            if (composeService != null) {
                m.put("composeService", composeService);
            }
            if (composeFile != null) {
                m.put("composeFile", composeFile);
            }
            if (composeProject != null) {
                m.put("composeProject", composeProject);
            }
            if (swarmService != null) {
                m.put("swarmService", swarmService);
            }
            if (kube != null) {
                m.put("kubernetesPod", kube.pod() != null ? kube.pod() : kube.selector());
                m.put("kubernetesNamespace", kube.connection().namespace());
                if (kube.container() != null) {
                    m.put("kubernetesContainer", kube.container());
                }
                if (kube.connection().credentialsId() != null) {
                    m.put("kubeconfigCredentialsId", kube.connection().credentialsId());
                }
            }
            return m;
        }
    }

    /**
     * Inside a pod of a Kubernetes cluster, with {@code kubectl exec -i}: the pod by name, or the first Running pod (by name)
     * that a label selector matches, found through the API when the snapshot runs. {@code connection} holds the kubeconfig
     * of the credential (its {@code toString} never shows it).
     */
    record Kube(KubeConnection connection, String pod, String selector, String container) implements Serializable {
        public String describe() {
            return "kubectl exec into " + (pod != null ? "pod " + pod : "a Running pod with " + selector) + (container == null ? "" : " container " + container)
                    + " in namespace " + connection.namespace();
        }
    }

    /**
     * A PostgreSQL database dumped with {@code pg_dump}: custom format (one file, streamed) or directory format
     * ({@code -j} parallel jobs, local client only). {@code host} null means the default of the client
     * (the Unix socket inside a container).
     */
    record Postgres(String host, Integer port, String database, String user, Credential credential, Exec exec,
                    String format, int jobs, int compression, String binDir, String maintenanceDatabase) implements SnapshotSource {
        public static final String CUSTOM = "custom";
        public static final String DIRECTORY = "directory";

        @Override
        public String kind() {
            return "postgres";
        }

        @Override
        public String describe() {
            return "postgresql://" + (host == null ? "(socket)" : host) + (port == null ? "" : ":" + port) + "/" + database
                    + (exec.local() ? "" : " (" + exec.describe() + ")");
        }

        @Override
        public String defaultSeries() {
            return SnapshotSources.seriesOf("postgres-" + database);
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (host != null) {
                m.put("host", host);
            }
            if (port != null) {
                m.put("port", port);
            }
            m.put("database", database);
            String u = user != null ? user : credential != null && credential.hasUsername() ? credential.username() : null;
            if (u != null) {
                m.put("user", u);
            }
            if (credential != null) {
                m.put("credentialsId", credential.id());
            }
            m.put("format", format);
            if (DIRECTORY.equals(format)) {
                m.put("jobs", jobs);
            }
            m.put("compression", compression);
            m.putAll(exec.details());
            return m;
        }

        /** The user to log in as: {@code user}, else the credential's username, else the client's default. */
        public String loginUser() {
            if (user != null) {
                return user;
            }
            return credential != null && credential.hasUsername() ? credential.username() : null;
        }

        @Override
        public String toString() {
            return "Postgres[" + describe() + ", " + format + ", credential " + (credential == null ? "none" : credential.id()) + "]";
        }
    }

    /**
     * A Redis server: {@code bgsave} (BGSAVE, wait for LASTSAVE to change, copy dump.rdb from the data dir or the
     * container) or {@code rdb} ({@code redis-cli --rdb -}, over the replication protocol).
     */
    record Redis(String host, int port, Credential credential, Exec exec, String method, String dataDir,
                 List<String> startCommand, String binDir) implements SnapshotSource {
        public static final String BGSAVE = "bgsave";
        public static final String RDB = "rdb";

        public Redis {
            startCommand = startCommand == null ? List.of() : List.copyOf(startCommand);
        }

        @Override
        public String kind() {
            return "redis";
        }

        @Override
        public String describe() {
            return "redis://" + host + ":" + port + (exec.local() ? "" : " (" + exec.describe() + ")");
        }

        @Override
        public String defaultSeries() {
            return SnapshotSources.seriesOf("redis-" + port);
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", host);
            m.put("port", port);
            m.put("method", method);
            if (dataDir != null) {
                m.put("dataDir", dataDir);
            }
            if (credential != null) {
                m.put("credentialsId", credential.id());
            }
            m.putAll(exec.details());
            return m;
        }

        @Override
        public String toString() {
            return "Redis[" + describe() + ", " + method + ", credential " + (credential == null ? "none" : credential.id()) + "]";
        }
    }

    /** Folders and files (configuration, env files) archived with {@code tar -czf}, permissions kept. */
    record Files(String baseDir, List<String> paths) implements SnapshotSource {
        public Files {
            paths = List.copyOf(paths);
        }

        @Override
        public String kind() {
            return "files";
        }

        @Override
        public String describe() {
            return "files " + paths + " in " + baseDir;
        }

        @Override
        public String defaultSeries() {
            String last = baseDir.replaceAll("/+$", "");
            last = last.substring(last.lastIndexOf('/') + 1);
            return SnapshotSources.seriesOf("files-" + (last.isEmpty() ? "root" : last));
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("baseDir", baseDir);
            m.put("paths", new ArrayList<>(paths));
            return m;
        }
    }

    /** An Amazon RDS instance: {@code aws rds create-db-snapshot}, then waiting until the snapshot is available. */
    record Rds(String instance, String region, Credential credential, String awsCommand, Duration pollInterval) implements SnapshotSource {
        @Override
        public String kind() {
            return "rds";
        }

        @Override
        public String describe() {
            return "rds instance " + instance + (region == null ? "" : " in " + region);
        }

        @Override
        public String defaultSeries() {
            return SnapshotSources.seriesOf("rds-" + instance);
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instance", instance);
            if (region != null) {
                m.put("region", region);
            }
            if (credential != null) {
                m.put("credentialsId", credential.id());
            }
            return m;
        }

        @Override
        public String toString() {
            return "Rds[" + describe() + ", credential " + (credential == null ? "none" : credential.id()) + "]";
        }
    }
}
