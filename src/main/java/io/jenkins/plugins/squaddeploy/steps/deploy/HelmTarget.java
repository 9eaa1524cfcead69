package io.jenkins.plugins.squaddeploy.steps.deploy;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.helm.HelmSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code helmTarget(release: 'api-platform', chart: 'helm/api-platform', namespace: 'production', valuesFiles: ['helm/values-prod.yaml'],
 * credentialsId: 'prod-kubeconfig')}: {@code helm upgrade --install --wait --timeout} with {@code --atomic} /
 * {@code --rollback-on-failure}; autoRollback runs {@code helm rollback} to the recorded revision.
 */
public class HelmTarget extends OrchestratedTarget {
    private static final long serialVersionUID = 1L;

    private final String release;
    private final String chart;
    private String credentialsId;
    private String context;
    private String namespace;
    private List<String> valuesFiles = new ArrayList<>();
    private List<String> set = new ArrayList<>();
    private List<String> secretValues = new ArrayList<>();
    private String imageKey;
    private String imageTagKey = "image.tag";
    private boolean createNamespace;
    private String helm = "helm";
    private String chartVersion;

    @DataBoundConstructor
    public HelmTarget(String release, String chart) {
        this.release = release;
        this.chart = chart;
    }

    public String getRelease() {
        return release;
    }

    public String getChart() {
        return chart;
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

    public List<String> getValuesFiles() {
        return valuesFiles;
    }

    @DataBoundSetter
    public void setValuesFiles(List<String> valuesFiles) {
        this.valuesFiles = valuesFiles == null ? new ArrayList<>() : new ArrayList<>(valuesFiles);
    }

    public List<String> getSet() {
        return set;
    }

    @DataBoundSetter
    public void setSet(List<String> set) {
        this.set = set == null ? new ArrayList<>() : new ArrayList<>(set);
    }

    public List<String> getSecretValues() {
        return secretValues;
    }

    @DataBoundSetter
    public void setSecretValues(List<String> secretValues) {
        this.secretValues = secretValues == null ? new ArrayList<>() : new ArrayList<>(secretValues);
    }

    public String getImageKey() {
        return imageKey;
    }

    @DataBoundSetter
    public void setImageKey(String imageKey) {
        this.imageKey = blankToNull(imageKey);
    }

    public String getImageTagKey() {
        return imageTagKey;
    }

    /** The values key that gets the version (the image's tag); {@code 'none'} sets none. */
    @DataBoundSetter
    public void setImageTagKey(String imageTagKey) {
        this.imageTagKey = imageTagKey == null || imageTagKey.isBlank() ? "image.tag" : imageTagKey.strip();
    }

    public boolean isCreateNamespace() {
        return createNamespace;
    }

    @DataBoundSetter
    public void setCreateNamespace(boolean createNamespace) {
        this.createNamespace = createNamespace;
    }

    public String getHelm() {
        return helm;
    }

    @DataBoundSetter
    public void setHelm(String helm) {
        this.helm = helm == null || helm.isBlank() ? "helm" : helm.strip();
    }

    public String getChartVersion() {
        return chartVersion;
    }

    @DataBoundSetter
    public void setChartVersion(String chartVersion) {
        this.chartVersion = blankToNull(chartVersion);
    }

    @Override
    protected OrchestratedSpec toSpec(String parameter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", release);
        m.put("chart", chart);
        m.put("credentialsId", credentialsId);
        m.put("context", context);
        m.put("namespace", namespace);
        m.put("valuesFiles", valuesFiles);
        m.put("set", set);
        m.put("secretValues", secretValues);
        m.put("imageKey", imageKey);
        m.put("imageTagKey", "none".equals(imageTagKey) ? null : imageTagKey);
        m.put("createNamespace", createNamespace);
        m.put("helm", helm);
        m.put("chartVersion", chartVersion);
        return HelmSpec.of(m, parameter);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Extension
    @Symbol("helmTarget")
    public static class DescriptorImpl extends DeployTargetDescriptor {
        @Override
        public String getDisplayName() {
            return "Helm release (helm upgrade --install --wait --atomic)";
        }
    }
}
