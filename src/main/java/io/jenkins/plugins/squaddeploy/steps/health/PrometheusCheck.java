package io.jenkins.plugins.squaddeploy.steps.health;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code prometheusCheck(url: 'http://127.0.0.1:9090', preset: 'error-rate', selector: 'job="api"', max: 0.05)}:
 * an instant PromQL query compared with thresholds; with {@code watch:} on the step, measured for a whole window.
 */
public class PrometheusCheck extends HealthCheck {
    private static final long serialVersionUID = 1L;

    private final String url;
    private String query;
    private String preset;
    private String selector;
    private String window = "1m";
    private Double min;
    private Double max;
    private String noData = "fail";
    private String credentialsId;

    @DataBoundConstructor
    public PrometheusCheck(String url) {
        this.url = url;
    }

    public String getUrl() {
        return url;
    }

    public String getQuery() {
        return query;
    }

    @DataBoundSetter
    public void setQuery(String query) {
        this.query = query;
    }

    public String getPreset() {
        return preset;
    }

    @DataBoundSetter
    public void setPreset(String preset) {
        this.preset = preset;
    }

    public String getSelector() {
        return selector;
    }

    @DataBoundSetter
    public void setSelector(String selector) {
        this.selector = selector;
    }

    public String getWindow() {
        return window;
    }

    @DataBoundSetter
    public void setWindow(String window) {
        this.window = window;
    }

    public Double getMin() {
        return min;
    }

    @DataBoundSetter
    public void setMin(Double min) {
        this.min = min;
    }

    public Double getMax() {
        return max;
    }

    @DataBoundSetter
    public void setMax(Double max) {
        this.max = max;
    }

    public String getNoData() {
        return noData;
    }

    @DataBoundSetter
    public void setNoData(String noData) {
        this.noData = noData;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId == null || credentialsId.isBlank() ? null : credentialsId;
    }

    @Override
    public CheckSpec toSpec(String p, SecretSource secrets) throws IOException, InterruptedException {
        Credential c = credentialsId == null ? null : secrets.lookup(credentialsId, p + ".credentialsId", false);
        return CheckSpecs.prometheus(p, getName(), url, query, preset, selector, window, min, max, noData, c);
    }

    @Extension
    @Symbol("prometheusCheck")
    public static class DescriptorImpl extends HealthCheckDescriptor {
        @Override
        public String getDisplayName() {
            return "Prometheus query with thresholds";
        }
    }
}
