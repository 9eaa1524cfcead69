package io.jenkins.plugins.squaddeploy.steps.health;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code httpCheck(url: 'http://127.0.0.1:8080/health', expect: ['$.status == "healthy"'])}. */
public class HttpCheck extends HealthCheck {
    private static final long serialVersionUID = 1L;

    private final String url;
    private List<Integer> status = new ArrayList<>(List.of(200));
    private List<String> expect = new ArrayList<>();
    private List<String> headers = new ArrayList<>();
    private String credentialsId;
    private int maxBodyBytes = CheckSpecs.DEFAULT_MAX_BODY_BYTES;

    @DataBoundConstructor
    public HttpCheck(String url) {
        this.url = url;
    }

    public String getUrl() {
        return url;
    }

    public List<Integer> getStatus() {
        return status;
    }

    @DataBoundSetter
    public void setStatus(List<Integer> status) {
        this.status = status == null ? new ArrayList<>() : new ArrayList<>(status);
    }

    public List<String> getExpect() {
        return expect;
    }

    @DataBoundSetter
    public void setExpect(List<String> expect) {
        this.expect = expect == null ? new ArrayList<>() : new ArrayList<>(expect);
    }

    public List<String> getHeaders() {
        return headers;
    }

    @DataBoundSetter
    public void setHeaders(List<String> headers) {
        this.headers = headers == null ? new ArrayList<>() : new ArrayList<>(headers);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId == null || credentialsId.isBlank() ? null : credentialsId;
    }

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    @DataBoundSetter
    public void setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public CheckSpec toSpec(String p, SecretSource secrets) throws IOException, InterruptedException {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.size(); i++) {
            String line = headers.get(i);
            int colon = line == null ? -1 : line.indexOf(':');
            if (colon <= 0) {
                throw new ParameterException(p + ".headers[" + i + "]", "got " + ParameterException.show(line), "'Name: value', e.g. 'X-Request-Source: jenkins'");
            }
            h.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        Credential c = credentialsId == null ? null : secrets.lookup(credentialsId, p + ".credentialsId", false);
        return CheckSpecs.http(p, getName(), url, status, expect, h, c, maxBodyBytes);
    }

    @Extension
    @Symbol("httpCheck")
    public static class DescriptorImpl extends HealthCheckDescriptor {
        @Override
        public String getDisplayName() {
            return "HTTP(S) endpoint";
        }
    }
}
