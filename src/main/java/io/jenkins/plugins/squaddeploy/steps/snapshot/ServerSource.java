package io.jenkins.plugins.squaddeploy.steps.snapshot;

import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import java.io.IOException;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What PostgreSQL and Redis sources share: where their client tools run (on the agent, in a container with
 * {@code docker exec}, in a Compose service with {@code docker compose exec -T}, in a Swarm task, or in a Kubernetes pod
 * with {@code kubectl exec -i}) and where the tools are.
 */
public abstract class ServerSource extends DbSnapshotSource {
    private static final long serialVersionUID = 1L;

    private String container;
    private String composeService;
    private String composeFile;
    private String composeProject;
    private String binDir;
    private String swarmService;
    private String kubernetesPod;
    private String kubernetesNamespace;
    private String kubernetesContainer;
    private String kubeconfigCredentialsId;

    public String getContainer() {
        return container;
    }

    @DataBoundSetter
    public void setContainer(String container) {
        this.container = blankToNull(container);
    }

    public String getComposeService() {
        return composeService;
    }

    @DataBoundSetter
    public void setComposeService(String composeService) {
        this.composeService = blankToNull(composeService);
    }

    public String getComposeFile() {
        return composeFile;
    }

    @DataBoundSetter
    public void setComposeFile(String composeFile) {
        this.composeFile = blankToNull(composeFile);
    }

    public String getComposeProject() {
        return composeProject;
    }

    @DataBoundSetter
    public void setComposeProject(String composeProject) {
        this.composeProject = blankToNull(composeProject);
    }

    public String getSwarmService() {
        return swarmService;
    }

    /** Run the tools inside a running task of this Docker Swarm service on the node of the build. */
    @DataBoundSetter
    public void setSwarmService(String swarmService) {
        this.swarmService = blankToNull(swarmService);
    }

    public String getKubernetesPod() {
        return kubernetesPod;
    }

    /** Run the tools inside this Kubernetes pod ({@code kubectl exec -i}): a pod name or a label selector such as {@code app=postgres}. */
    @DataBoundSetter
    public void setKubernetesPod(String kubernetesPod) {
        this.kubernetesPod = blankToNull(kubernetesPod);
    }

    public String getKubernetesNamespace() {
        return kubernetesNamespace;
    }

    @DataBoundSetter
    public void setKubernetesNamespace(String kubernetesNamespace) {
        this.kubernetesNamespace = blankToNull(kubernetesNamespace);
    }

    public String getKubernetesContainer() {
        return kubernetesContainer;
    }

    @DataBoundSetter
    public void setKubernetesContainer(String kubernetesContainer) {
        this.kubernetesContainer = blankToNull(kubernetesContainer);
    }

    public String getKubeconfigCredentialsId() {
        return kubeconfigCredentialsId;
    }

    /** The ID of a Secret file credential holding the kubeconfig for kubectl; none: the agent's own kubeconfig or in-cluster. */
    @DataBoundSetter
    public void setKubeconfigCredentialsId(String kubeconfigCredentialsId) {
        this.kubeconfigCredentialsId = blankToNull(kubeconfigCredentialsId);
    }

    public String getBinDir() {
        return binDir;
    }

    @DataBoundSetter
    public void setBinDir(String binDir) {
        this.binDir = blankToNull(binDir);
    }

    SnapshotSource.Exec exec(String p, java.util.function.UnaryOperator<String> workspace, SecretSource secrets) throws IOException, InterruptedException {
        String file = composeFile == null || composeFile.startsWith("/") ? composeFile : workspace.apply(composeFile);
        return SnapshotSources.exec(p, container, composeService, file, composeProject, swarmService, kubernetesPod, kubernetesNamespace,
                kubernetesContainer, kubeconfigCredentialsId, secrets);
    }
}
