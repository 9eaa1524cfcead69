package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeClients;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOp;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Puts a tool's argv inside a container when the source says so, as the seed runbooks do by hand:
 * {@code docker exec [-i] -e NAME... CONTAINER cmd...} or {@code docker compose [-f F] [-p P] exec -T -e NAME... SERVICE cmd...}
 * ({@code docker-compose} when the compose plugin is missing). Secrets cross with {@code -e NAME} and no value: the
 * docker CLI copies the value from its own environment, so it is never on a command line.
 */
final class ExecPrefix {
    private static volatile List<String> composeCommand;

    private ExecPrefix() {
    }

    static List<String> wrap(Ctx c, SnapshotSource.Exec exec, List<String> cmd, Collection<String> passEnv, boolean stdin)
            throws SnapshotException, InterruptedException {
        if (exec.local()) {
            return cmd;
        }
        if (exec.kube() != null) {
            return kubectl(c, exec.kube(), cmd, passEnv, stdin);
        }
        List<String> argv = new ArrayList<>();
        String task = exec.swarmService() != null ? swarmTask(c, exec.swarmService()) : null;
        if (exec.container() != null || task != null) {
            argv.addAll(List.of("docker", "exec"));
            if (stdin) {
                argv.add("-i");
            }
        } else {
            argv.addAll(compose(c, exec));
            argv.addAll(List.of("exec", "-T"));
        }
        for (String name : passEnv) {
            argv.add("-e");
            argv.add(name);
        }
        argv.add(task != null ? task : exec.container() != null ? exec.container() : exec.composeService());
        argv.addAll(cmd);
        return argv;
    }

    /** {@code docker compose} (the plugin) when it answers, else {@code docker-compose}; plus -f and -p. */
    static List<String> compose(Ctx c, SnapshotSource.Exec exec) throws SnapshotException, InterruptedException {
        List<String> base = composeCommand;
        if (base == null) {
            base = List.of("docker-compose");
            if (c.tools.which("docker", Map.of()) != null) {
                CommandResult r = c.run(List.of("docker", "compose", "version"), Map.of(), null, Duration.ofSeconds(30));
                if (r.succeeded()) {
                    base = List.of("docker", "compose");
                }
            }
            composeCommand = base;
        }
        List<String> argv = new ArrayList<>(base);
        if (exec.composeFile() != null) {
            argv.addAll(List.of("-f", exec.composeFile()));
        }
        if (exec.composeProject() != null) {
            argv.addAll(List.of("-p", exec.composeProject()));
        }
        return argv;
    }

    /**
     * The container of a running task of Swarm service {@code service} on this node, found by the label Swarm puts on
     * every task container ({@code com.docker.swarm.service.name}); the first one when there are several replicas.
     */
    static String swarmTask(Ctx c, String service) throws SnapshotException, InterruptedException {
        CommandResult r = c.run(List.of("docker", "ps", "--filter", "label=com.docker.swarm.service.name=" + service, "--filter", "status=running",
                "--format", "{{.ID}}"), Map.of(), null, Duration.ofSeconds(60));
        if (!r.succeeded()) {
            throw new SnapshotException("cannot list the tasks of swarm service " + service + ": " + Ctx.failure(r));
        }
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        throw new SnapshotException("no running task of swarm service " + service + " on this node (docker ps --filter label=com.docker.swarm.service.name="
                + service + " found none): run dbSnapshot on the node where its task runs (docker service ps " + service + ")");
    }

    /** The ID of the container behind the source (for docker stop/cp/start). */
    static String containerId(Ctx c, SnapshotSource.Exec exec) throws SnapshotException, InterruptedException {
        if (exec.kube() != null) {
            throw new SnapshotException("a pod is not a docker container: " + exec.describe() + " cannot be stopped and copied into with docker");
        }
        if (exec.container() != null) {
            return exec.container();
        }
        if (exec.swarmService() != null) {
            return swarmTask(c, exec.swarmService());
        }
        List<String> argv = compose(c, exec);
        argv.addAll(List.of("ps", "-q", exec.composeService()));
        CommandResult r = c.run(argv, Map.of(), null, Duration.ofSeconds(60));
        String id = r.stdout().strip();
        if (!r.succeeded() || id.isEmpty() || id.contains("\n")) {
            throw new SnapshotException("cannot find the container of compose service " + exec.composeService() + ": "
                    + (r.succeeded() ? "no single running container" : Ctx.failure(r)));
        }
        return id;
    }

    // ---------------------------------------------------------------- Kubernetes

    /**
     * The constant wrapper that runs a tool inside the pod with variables read from its stdin ({@code NAME=value} lines up
     * to an empty line, written by {@link ToolRunner} for {@link ToolRunner#STDIN_VARIABLES}): kubectl exec cannot set
     * variables, and a password must not be on the command line of kubectl nor of the process in the pod. The tool's own
     * input follows ({@code read} takes one line at a time from a pipe, so nothing more is consumed).
     */
    static final String STDIN_ENV_SCRIPT = "while IFS= read -r squad_kv && [ -n \"$squad_kv\" ]; do export \"$squad_kv\"; done; exec \"$@\"";

    /**
     * {@code kubectl [--kubeconfig F] --namespace NS exec [-i] POD [-c C] -- [sh -c SCRIPT sh] cmd...}: F is a 0600 file of the
     * credential's kubeconfig, written once per request and deleted after it ({@link Ctx#close()}).
     */
    static List<String> kubectl(Ctx c, SnapshotSource.Kube kube, List<String> cmd, Collection<String> passEnv, boolean stdin)
            throws SnapshotException, InterruptedException {
        List<String> names = passEnv.stream().filter(n -> !n.equals(ToolRunner.STDIN_VARIABLES)).toList();
        List<String> argv = new ArrayList<>(List.of("kubectl"));
        if (kube.connection().kubeconfig() != null) {
            if (c.kubeconfigFile == null) {
                try {
                    c.kubeconfigFile = PasswordFiles.create(kube.connection().kubeconfig());
                } catch (java.io.IOException e) {
                    throw new SnapshotException("cannot write the temporary kubeconfig file for kubectl: " + SnapshotStore.reason(e));
                }
            }
            argv.addAll(List.of("--kubeconfig", c.kubeconfigFile.toString()));
        }
        argv.addAll(List.of("--namespace", kube.connection().namespace(), "exec"));
        if (stdin || !names.isEmpty()) {
            argv.add("-i");
        }
        argv.add(kubePod(c, kube));
        if (kube.container() != null) {
            argv.addAll(List.of("-c", kube.container()));
        }
        argv.add("--");
        if (!names.isEmpty()) {
            argv.addAll(List.of("sh", "-c", STDIN_ENV_SCRIPT, "sh"));
        }
        argv.addAll(cmd);
        return argv;
    }

    /** The pod by name, or the first Running pod (by name, not being deleted) that the selector matches; once per request. */
    static String kubePod(Ctx c, SnapshotSource.Kube kube) throws SnapshotException, InterruptedException {
        if (kube.pod() != null) {
            return kube.pod();
        }
        String known = c.kubePods.get(kube);
        if (known != null) {
            return known;
        }
        java.util.ArrayList<String> pods;
        try {
            pods = KubeClients.run(kube.connection(), new ListPods(kube.selector()));
        } catch (java.io.IOException e) {
            throw new SnapshotException("cannot find a pod for kubernetesPod " + kube.selector() + ": " + e.getMessage());
        }
        List<String> seen = new ArrayList<>();
        String chosen = null;
        int running = 0;
        for (String line : pods) {
            String[] f = line.split("\t", -1);
            seen.add(f[0] + " (" + f[1] + (f[2].isEmpty() ? "" : ", being deleted") + ")");
            if (f[1].equals("Running") && f[2].isEmpty()) {
                running++;
                if (chosen == null) {
                    chosen = f[0];
                }
            }
        }
        if (chosen == null) {
            throw new SnapshotException("no Running pod matches kubernetesPod " + kube.selector() + " in namespace " + kube.connection().namespace()
                    + (seen.isEmpty() ? " (no pod has these labels)" : " (pods: " + String.join(", ", seen) + ")") + "; nothing was written");
        }
        c.log.info("dbSnapshot: kubernetesPod " + kube.selector() + " → pod " + chosen + " (the first of " + running + " Running pod"
                + (running == 1 ? "" : "s") + " in namespace " + kube.connection().namespace() + ", by name)");
        c.kubePods.put(kube, chosen);
        return chosen;
    }

    /** Name, phase and deletion mark of the pods with the selector's labels, sorted by name. */
    static final class ListPods implements KubeOp<java.util.ArrayList<String>> {
        private static final long serialVersionUID = 1L;
        private final String selector;

        ListPods(String selector) {
            this.selector = selector;
        }

        @Override
        public java.util.ArrayList<String> run(KubernetesClient client, String namespace) {
            Map<String, String> labels = new java.util.LinkedHashMap<>();
            for (String term : selector.split(",")) {
                int eq = term.indexOf('=');
                labels.put(term.substring(0, eq), term.substring(eq + 1));
            }
            java.util.ArrayList<String> out = new java.util.ArrayList<>();
            for (Pod p : client.pods().inNamespace(namespace).withLabels(labels).list().getItems()) {
                String phase = p.getStatus() == null || p.getStatus().getPhase() == null ? "Unknown" : p.getStatus().getPhase();
                out.add(p.getMetadata().getName() + "\t" + phase + "\t" + (p.getMetadata().getDeletionTimestamp() == null ? "" : "deleting"));
            }
            out.sort(null);
            return out;
        }

        @Override
        public String describe() {
            return "list pods with " + selector;
        }
    }
}
