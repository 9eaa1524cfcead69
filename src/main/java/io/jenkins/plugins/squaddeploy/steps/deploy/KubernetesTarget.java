package io.jenkins.plugins.squaddeploy.steps.deploy;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeTargetSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code kubernetesTarget(namespace: 'production', credentialsId: 'prod-kubeconfig', deployments: ['auth-service'], container: 'auth')}:
 * Kubernetes Deployments, released by {@code kubectl set image}/{@code rollout status} semantics (strategy {@code rolling}) or
 * blue-green by a Deployment per colour and a Service selector ({@code strategy: 'blueGreen'}); undone to the recorded revision.
 */
public class KubernetesTarget extends OrchestratedTarget {
    private static final long serialVersionUID = 1L;

    private String credentialsId;
    private String context;
    private String namespace;
    private List<String> deployments = new ArrayList<>();
    private String container;
    private boolean undoOnFailure = true;
    private String service;
    private String previewService;
    private String colourLabel;

    @DataBoundConstructor
    public KubernetesTarget() {
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = blankToNull(credentialsId);
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = blankToNull(context);
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = blankToNull(namespace);
    }

    public List<String> getDeployments() {
        return deployments;
    }

    @DataBoundSetter
    public void setDeployments(List<String> deployments) {
        this.deployments = deployments == null ? new ArrayList<>() : new ArrayList<>(deployments);
    }

    public String getContainer() {
        return container;
    }

    @DataBoundSetter
    public void setContainer(String container) {
        this.container = blankToNull(container);
    }

    public boolean isUndoOnFailure() {
        return undoOnFailure;
    }

    @DataBoundSetter
    public void setUndoOnFailure(boolean undoOnFailure) {
        this.undoOnFailure = undoOnFailure;
    }

    public String getService() {
        return service;
    }

    @DataBoundSetter
    public void setService(String service) {
        this.service = blankToNull(service);
    }

    public String getPreviewService() {
        return previewService;
    }

    @DataBoundSetter
    public void setPreviewService(String previewService) {
        this.previewService = blankToNull(previewService);
    }

    public String getColourLabel() {
        return colourLabel;
    }

    @DataBoundSetter
    public void setColourLabel(String colourLabel) {
        this.colourLabel = blankToNull(colourLabel);
    }

    @Override
    protected OrchestratedSpec toSpec(String parameter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("credentialsId", credentialsId);
        m.put("context", context);
        m.put("namespace", namespace);
        m.put("deployments", deployments);
        m.put("container", container);
        m.put("undoOnFailure", undoOnFailure);
        m.put("service", service);
        m.put("previewService", previewService);
        m.put("colourLabel", colourLabel);
        return KubeTargetSpec.of(m, parameter);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Extension
    @Symbol("kubernetesTarget")
    public static class DescriptorImpl extends DeployTargetDescriptor {
        @Override
        public String getDisplayName() {
            return "Kubernetes Deployments (rolling, or blue-green by a Service selector)";
        }
    }
}
