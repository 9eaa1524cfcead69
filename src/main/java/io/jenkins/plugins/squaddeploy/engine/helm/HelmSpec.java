package io.jenkins.plugins.squaddeploy.engine.helm;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code helmTarget(…)}, validated: the release and chart, where (kubeconfig credential ID, context, namespace), values files and
 * {@code --set} values from parameters, secret values by credentials ID (written to a 0600 values file, never on argv), the values
 * keys that receive the image and its tag. Holds no secret.
 *
 * @param secretValues {@code key=credentialsId}: the Secret text credential whose value becomes {@code key} in a 0600 values file
 */
public record HelmSpec(String release, String chart, String credentialsId, String context, String namespace, List<String> valuesFiles,
                       List<String> set, List<String> secretValues, String imageKey, String imageTagKey, boolean createNamespace, String helm,
                       String chartVersion) implements OrchestratedSpec {
    public static final String KIND = "helm";
    private static final long serialVersionUID = 1L;
    static final Pattern RELEASE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?");
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*(\\.[A-Za-z0-9_][A-Za-z0-9_-]*)*");
    static final Pattern SAFE = Pattern.compile("[^\\x00-\\x1f\\x7f]*");

    public HelmSpec {
        valuesFiles = List.copyOf(valuesFiles);
        set = List.copyOf(set);
        secretValues = List.copyOf(secretValues);
    }

    public static HelmSpec of(Map<String, ?> m, String p) {
        String release = str(m.get("release"));
        if (release == null || !RELEASE.matcher(release).matches()) {
            throw new ParameterException(p + ".release", "got " + ParameterException.show(release),
                    "a Helm release name: 1 to 53 lower-case letters, digits or '-', e.g. 'api-platform'");
        }
        String chart = str(m.get("chart"));
        if (chart == null || chart.startsWith("-") || chart.length() > 1024 || !SAFE.matcher(chart).matches()) {
            throw new ParameterException(p + ".chart", "got " + ParameterException.show(chart),
                    "a chart reference: a path on the agent (helm/api-platform), repo/chart (bitnami/nginx) or oci://… URL");
        }
        KubeConnection c = KubeConnection.of(n -> p + "." + n, str(m.get("credentialsId")), str(m.get("context")), str(m.get("namespace")));
        List<String> files = strings(m.get("valuesFiles"), p + ".valuesFiles");
        for (int i = 0; i < files.size(); i++) {
            String f = files.get(i);
            if (f.isBlank() || f.startsWith("-") || !SAFE.matcher(f).matches()) {
                throw new ParameterException(p + ".valuesFiles[" + i + "]", "got " + ParameterException.show(f), "a values file path on the agent, e.g. 'helm/values-prod.yaml'");
            }
        }
        List<String> set = strings(m.get("set"), p + ".set");
        for (int i = 0; i < set.size(); i++) {
            checkPair(p + ".set[" + i + "]", set.get(i), "'replicaCount=5'", false);
        }
        List<String> secrets = strings(m.get("secretValues"), p + ".secretValues");
        for (int i = 0; i < secrets.size(); i++) {
            checkPair(p + ".secretValues[" + i + "]", secrets.get(i), "'database.password=prod-db-password' (values key = ID of a Secret text credential)", true);
        }
        String imageKey = str(m.get("imageKey"));
        if (imageKey != null && !KEY.matcher(imageKey).matches()) {
            throw new ParameterException(p + ".imageKey", "got " + ParameterException.show(imageKey), "a values key such as 'image.reference'; none: the image is not set");
        }
        String tagKey = m.containsKey("imageTagKey") && m.get("imageTagKey") == null ? null : str(m.get("imageTagKey"));
        if (tagKey == null && !m.containsKey("imageTagKey")) {
            tagKey = "image.tag";
        }
        if (tagKey != null && !KEY.matcher(tagKey).matches()) {
            throw new ParameterException(p + ".imageTagKey", "got " + ParameterException.show(tagKey), "a values key such as 'image.tag' (the default)");
        }
        String helm = str(m.get("helm"));
        if (helm == null) {
            helm = "helm";
        } else if (helm.startsWith("-") || !SAFE.matcher(helm).matches()) {
            throw new ParameterException(p + ".helm", "got " + ParameterException.show(helm), "the helm program, a name on PATH or an absolute path");
        }
        String chartVersion = str(m.get("chartVersion"));
        if (chartVersion != null && !chartVersion.matches("[A-Za-z0-9_.+~^<>=*|, -]{1,64}")) {
            throw new ParameterException(p + ".chartVersion", "got " + ParameterException.show(chartVersion), "a chart version or constraint such as '1.1.0'");
        }
        boolean create = Boolean.TRUE.equals(m.get("createNamespace")) || "true".equals(String.valueOf(m.get("createNamespace")));
        return new HelmSpec(release, chart, c.credentialsId(), c.context(), c.namespace(), files, set, secrets, imageKey, tagKey, create, helm, chartVersion);
    }

    private static void checkPair(String p, String item, String example, boolean secret) {
        int eq = item.indexOf('=');
        if (eq <= 0 || !KEY.matcher(item.substring(0, eq)).matches() || !SAFE.matcher(item).matches()) {
            throw new ParameterException(p, secret ? "got " + ParameterException.show(item) : "got " + ParameterException.show(item), "key=value, e.g. " + example);
        }
        if (secret && !item.substring(eq + 1).matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new ParameterException(p, "the credentials ID " + ParameterException.show(item.substring(eq + 1)) + " is not a plain ID", "key=credentialsId, e.g. " + example);
        }
    }

    public KubeConnection connection() {
        return new KubeConnection(credentialsId, null, context, namespace);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", release);
        m.put("chart", chart);
        m.put("credentialsId", credentialsId);
        m.put("context", context);
        m.put("namespace", namespace);
        m.put("valuesFiles", new ArrayList<>(valuesFiles));
        m.put("set", new ArrayList<>(set));
        m.put("secretValues", new ArrayList<>(secretValues));
        m.put("imageKey", imageKey);
        m.put("imageTagKey", imageTagKey);
        m.put("createNamespace", createNamespace);
        m.put("helm", helm);
        m.put("chartVersion", chartVersion);
        return m;
    }

    @Override
    public String describe() {
        return "helm release " + release + " (chart " + chart + ") in " + connection().describe();
    }

    private static String str(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString().strip();
    }

    private static List<String> strings(Object o, String p) {
        List<String> out = new ArrayList<>();
        if (o == null) {
            return out;
        }
        if (!(o instanceof List<?> l)) {
            throw new ParameterException(p, "got " + ParameterException.show(o), "a list of strings");
        }
        for (Object x : l) {
            out.add(x == null ? "" : x.toString().strip());
        }
        return out;
    }
}
