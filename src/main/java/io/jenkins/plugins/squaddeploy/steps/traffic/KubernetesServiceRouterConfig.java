package io.jenkins.plugins.squaddeploy.steps.traffic;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.traffic.KubeServiceRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code kubernetesService(service: 'api', namespace: 'production', credentialsId: 'prod-kubeconfig', colourLabel: 'colour')}:
 * the Kubernetes Service whose selector picks the live colour. The kubeconfig comes from a 'Secret file' credential
 * (none: in-cluster, the agent's service account); the API is called from the agent.
 */
public class KubernetesServiceRouterConfig extends RouterConfig {
    private static final long serialVersionUID = 1L;

    private String service;
    private String colourLabel = KubeServiceRouterSpec.DEFAULT_COLOUR_LABEL;
    private String namespace;
    private String context;
    private String credentialsId;

    @DataBoundConstructor
    public KubernetesServiceRouterConfig() {
    }

    public String getService() {
        return service;
    }

    /** The Service whose selector is switched; default: the step's service. */
    @DataBoundSetter
    public void setService(String service) {
        this.service = blankToNull(service);
    }

    public String getColourLabel() {
        return colourLabel;
    }

    @DataBoundSetter
    public void setColourLabel(String colourLabel) {
        this.colourLabel = colourLabel == null || colourLabel.isBlank() ? KubeServiceRouterSpec.DEFAULT_COLOUR_LABEL : colourLabel.strip();
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = blankToNull(namespace);
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = blankToNull(context);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = blankToNull(credentialsId);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public RouterSpec toSpec(String parameter, String service) {
        return KubeServiceRouterSpec.of(n -> parameter + n.substring("router".length()), service, this.service, colourLabel, namespace, context, credentialsId);
    }

    @Extension
    @Symbol("kubernetesService")
    public static class DescriptorImpl extends RouterConfigDescriptor {
        @Override
        public String getDisplayName() {
            return "Kubernetes Service (selector patched to the colour's pods, verified through its endpoints)";
        }
    }
}
