package io.jenkins.plugins.squaddeploy.cli;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags of the orchestrated targets (Docker Swarm, Kubernetes, Helm), shared by
 * {@code squad deploy} and {@code squad rollback}: {@link #spec()} turns them into the same engine spec the pipeline's
 * {@code swarmTarget(…)} makes, validated by the same code, with errors naming the flag ({@link #flag}).
 */
public final class OrchestratedTargetOptions {
    /** Pipeline parameter (as the engine names it) → flag. */
    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("target.services", "--swarm-service");
        FLAGS.put("target.stackFile", "--swarm-stack-file");
        FLAGS.put("target.stack", "--swarm-stack");
        FLAGS.put("target.imageVariable", "--swarm-image-variable");
        FLAGS.put("target.updateParallelism", "--update-parallelism");
        FLAGS.put("target.updateDelay", "--update-delay");
        FLAGS.put("target.updateMonitor", "--update-monitor");
        FLAGS.put("target.failureAction", "--failure-action");
        FLAGS.put("target.maxFailureRatio", "--max-failure-ratio");
        FLAGS.put("target.stackRollback", "--no-stack-rollback");
        FLAGS.put("images", "--image-for");
        // Kubernetes and Helm
        FLAGS.put("target.namespace", "--namespace");
        FLAGS.put("target.context", "--kube-context");
        FLAGS.put("target.credentialsId", "--kubeconfig-credentials");
        FLAGS.put("target.deployments", "--kube-deployment");
        FLAGS.put("target.container", "--kube-container");
        FLAGS.put("target.service", "--kube-service");
        FLAGS.put("target.previewService", "--kube-preview-service");
        FLAGS.put("target.colourLabel", "--kube-colour-label");
        FLAGS.put("target.undoOnFailure", "--no-undo-on-failure");
        FLAGS.put("target.release", "--helm-release");
        FLAGS.put("target.chart", "--helm-chart");
        FLAGS.put("target.valuesFiles", "--helm-values");
        FLAGS.put("target.set", "--helm-set");
        FLAGS.put("target.secretValues", "--helm-secret-value");
        FLAGS.put("target.imageKey", "--helm-image-key");
        FLAGS.put("target.imageTagKey", "--helm-image-tag-key");
        FLAGS.put("target.chartVersion", "--helm-chart-version");
        FLAGS.put("target.helm", "--helm");
    }

    @Option(names = "--swarm-service", paramLabel = "NAME", description = "target Docker Swarm: update this existing service (repeatable)")
    List<String> swarmServices = new ArrayList<>();

    @Option(names = "--swarm-stack-file", paramLabel = "FILE", description = "target Docker Swarm: docker stack deploy -c FILE (with --swarm-stack)")
    String swarmStackFile;

    @Option(names = "--swarm-stack", paramLabel = "NAME", description = "target Docker Swarm: the stack name for --swarm-stack-file")
    String swarmStack;

    @Option(names = "--swarm-image-variable", paramLabel = "NAME", description = "stack file variable that gets the image (default IMAGE)")
    String swarmImageVariable;

    @Option(names = "--update-parallelism", paramLabel = "N", description = "swarm: tasks updated at once (0: all)")
    String updateParallelism;

    @Option(names = "--update-delay", paramLabel = "DURATION", description = "swarm: delay between batches, e.g. 5s")
    String updateDelay;

    @Option(names = "--update-monitor", paramLabel = "DURATION", description = "swarm: how long each updated task is watched, e.g. 10s")
    String updateMonitor;

    @Option(names = "--failure-action", paramLabel = "ACTION", description = "swarm: rollback (default), pause or continue")
    String failureAction;

    @Option(names = "--max-failure-ratio", paramLabel = "RATIO", description = "swarm: share of tasks that may fail, 0 to 1")
    String maxFailureRatio;

    @Option(names = "--no-stack-rollback", description = "swarm: when one service fails, leave the others on the new image")
    boolean noStackRollback;

    @Option(names = "--image-for", paramLabel = "UNIT=IMAGE", description = "orchestrated targets: another image for one service (repeatable)")
    List<String> imagesFor = new ArrayList<>();

    @Option(names = "--kubernetes", description = "target Kubernetes: the Deployment named like --service (or --kube-deployment)")
    boolean kubernetes;

    @Option(names = "--kube-deployment", paramLabel = "NAME", description = "target Kubernetes: a Deployment to set the image on (repeatable)")
    List<String> kubeDeployments = new ArrayList<>();

    @Option(names = "--kube-container", paramLabel = "NAME", description = "kubernetes: the container whose image is set (default: the only one)")
    String kubeContainer;

    @Option(names = "--kube-service", paramLabel = "NAME", description = "kubernetes blueGreen: the Service whose selector picks the colour")
    String kubeService;

    @Option(names = "--kube-preview-service", paramLabel = "NAME", description = "kubernetes blueGreen: the preview Service")
    String kubePreviewService;

    @Option(names = "--kube-colour-label", paramLabel = "KEY", description = "kubernetes blueGreen: the pod label holding the colour (default colour)")
    String kubeColourLabel;

    @Option(names = "--no-undo-on-failure", description = "kubernetes: leave a failed rollout as it is")
    boolean noUndoOnFailure;

    @Option(names = "--helm-release", paramLabel = "NAME", description = "target Helm: helm upgrade --install this release")
    String helmRelease;

    @Option(names = "--helm-chart", paramLabel = "CHART", description = "helm: the chart (path, repo/chart or oci://)")
    String helmChart;

    @Option(names = "--helm-values", paramLabel = "FILE", description = "helm: a values file, -f (repeatable)")
    List<String> helmValues = new ArrayList<>();

    @Option(names = "--helm-set", paramLabel = "KEY=VALUE", description = "helm: --set KEY=VALUE (repeatable; never a secret)")
    List<String> helmSet = new ArrayList<>();

    @Option(names = "--helm-secret-value", paramLabel = "KEY=CREDENTIALS_ID", description = "helm: a value from a credential, in a 0600 values file (repeatable)")
    List<String> helmSecretValues = new ArrayList<>();

    @Option(names = "--helm-image-key", paramLabel = "KEY", description = "helm: the values key that gets the whole image")
    String helmImageKey;

    @Option(names = "--helm-image-tag-key", paramLabel = "KEY", description = "helm: the values key that gets the version (default image.tag)")
    String helmImageTagKey;

    @Option(names = "--helm-chart-version", paramLabel = "VERSION", description = "helm: the chart version (--version)")
    String helmChartVersion;

    @Option(names = "--helm", paramLabel = "PROGRAM", description = "helm: the helm program (default helm)")
    String helm;

    @Option(names = "--create-namespace", description = "helm: --create-namespace")
    boolean createNamespace;

    @Option(names = "--namespace", paramLabel = "NS", description = "kubernetes/helm: the namespace (default default)")
    String namespace;

    @Option(names = "--kube-context", paramLabel = "CONTEXT", description = "kubernetes/helm: the kubeconfig context")
    String kubeContext;

    @Option(names = "--kubeconfig-credentials", paramLabel = "ID", description = "kubernetes/helm: the kubeconfig, a file credential: "
            + "<DIR>/<ID>/file under --credentials-dir or the file named by SQUAD_CRED_<ID>_FILE (default: in-cluster / ~/.kube/config)")
    String kubeconfigCredentials;

    /** Whether any flag of an orchestrated target was given. */
    boolean given() {
        return !swarmServices.isEmpty() || swarmStackFile != null || swarmStack != null || kubernetes || !kubeDeployments.isEmpty() || helmRelease != null;
    }

    private OrchestratedSpec kubeOrHelm() {
        if (helmRelease != null && (kubernetes || !kubeDeployments.isEmpty())) {
            throw new ParameterException("--helm-release", "both a Helm release and Kubernetes Deployments were given", "one target: --helm-release or --kubernetes");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", namespace);
        m.put("context", kubeContext);
        m.put("credentialsId", kubeconfigCredentials);
        if (helmRelease != null) {
            m.put("release", helmRelease);
            m.put("chart", helmChart);
            m.put("valuesFiles", helmValues);
            m.put("set", helmSet);
            m.put("secretValues", helmSecretValues);
            m.put("imageKey", helmImageKey);
            if (helmImageTagKey != null) {
                m.put("imageTagKey", "none".equals(helmImageTagKey) ? null : helmImageTagKey);
            }
            m.put("createNamespace", createNamespace);
            m.put("helm", helm);
            m.put("chartVersion", helmChartVersion);
            return Orchestrators.spec("helm", m, "target");
        }
        m.put("deployments", kubeDeployments);
        m.put("container", kubeContainer);
        m.put("undoOnFailure", !noUndoOnFailure);
        m.put("service", kubeService);
        m.put("previewService", kubePreviewService);
        m.put("colourLabel", kubeColourLabel);
        return Orchestrators.spec("kubernetes", m, "target");
    }

    /** The validated spec, or null when no orchestrated target was asked for (then none of its flags may be given). */
    OrchestratedSpec spec() {
        if (!given()) {
            String stray = swarmImageVariable != null ? "--swarm-image-variable" : updateParallelism != null ? "--update-parallelism"
                    : updateDelay != null ? "--update-delay" : updateMonitor != null ? "--update-monitor" : failureAction != null ? "--failure-action"
                    : maxFailureRatio != null ? "--max-failure-ratio" : noStackRollback ? "--no-stack-rollback" : !imagesFor.isEmpty() ? "--image-for" : null;
            if (stray != null) {
                throw new ParameterException(stray, stray + " belongs to an orchestrated target, but none was given",
                        "--swarm-service NAME or --swarm-stack-file FILE --swarm-stack NAME with it");
            }
            return null;
        }
        if (helmRelease != null || kubernetes || !kubeDeployments.isEmpty()) {
            return kubeOrHelm();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("services", swarmServices);
        m.put("stackFile", swarmStackFile);
        m.put("stack", swarmStack);
        m.put("imageVariable", swarmImageVariable);
        m.put("updateParallelism", updateParallelism);
        m.put("updateDelay", updateDelay);
        m.put("updateMonitor", updateMonitor);
        m.put("failureAction", failureAction);
        m.put("maxFailureRatio", maxFailureRatio);
        m.put("stackRollback", !noStackRollback);
        return Orchestrators.spec("swarm", m, "target");
    }

    List<String> images() {
        return imagesFor;
    }

    /** The flag of an engine parameter name, e.g. {@code target.updateDelay} → {@code --update-delay}; null when it is not one of these. */
    static String flag(String parameter) {
        for (Map.Entry<String, String> f : FLAGS.entrySet()) {
            if (parameter.equals(f.getKey()) || parameter.startsWith(f.getKey() + "[") || parameter.startsWith(f.getKey() + ".")) {
                return f.getValue() + parameter.substring(f.getKey().length());
            }
        }
        return null;
    }

    /** The message of {@code e} with its parameter replaced by the flag, when it is one of these. */
    static String withFlag(ParameterException e) {
        String f = flag(e.parameter());
        return f == null ? e.getMessage() : e.getMessage().replace("'" + e.parameter() + "'", "'" + f + "'");
    }
}
