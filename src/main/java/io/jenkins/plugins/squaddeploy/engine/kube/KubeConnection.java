package io.jenkins.plugins.squaddeploy.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * How to reach one Kubernetes API server: the kubeconfig from a Jenkins file credential (its content is a secret: it is
 * held in memory only, never printed, and its tokens, passwords and keys are registered with the step's masker), or
 * none, meaning in-cluster (the agent's service account) or the agent's own kubeconfig; a context of that kubeconfig;
 * the namespace. {@link #toString()} never shows the kubeconfig.
 *
 * @param credentialsId the ID of the file credential holding the kubeconfig, or null (in-cluster)
 * @param kubeconfig    the kubeconfig's content, looked up at run time ({@link #withKubeconfig}); null before, and for in-cluster
 */
public record KubeConnection(String credentialsId, String kubeconfig, String context, String namespace) implements Serializable {
    public static final String DEFAULT_NAMESPACE = "default";
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * Validates the parameters (names as the step shows them, through {@code name}: {@code credentialsId}, {@code context},
     * {@code namespace}). The kubeconfig is looked up later.
     */
    public static KubeConnection of(UnaryOperator<String> name, String credentialsId, String context, String namespace) {
        String id = credentialsId == null || credentialsId.isBlank() ? null : credentialsId.strip();
        if (id != null && !ID.matcher(id).matches()) {
            throw new ParameterException(name.apply("credentialsId"), "got " + ParameterException.show(id),
                    "the ID of a 'Secret file' credential holding a kubeconfig, e.g. 'prod-kubeconfig'; none: in-cluster (the agent's service account)");
        }
        String ctx = context == null || context.isBlank() ? null : context.strip();
        if (ctx != null && (ctx.length() > 253 || ctx.chars().anyMatch(c -> c < ' ' || c == 0x7f))) {
            throw new ParameterException(name.apply("context"), "got " + ParameterException.show(ctx), "the name of a context of the kubeconfig, e.g. 'prod-us-east-1'");
        }
        String ns = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace.strip();
        if (!LABEL.matcher(ns).matches()) {
            throw new ParameterException(name.apply("namespace"), "got " + ParameterException.show(ns),
                    "a namespace name: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit, e.g. 'production'");
        }
        return new KubeConnection(id, null, ctx, ns);
    }

    /** A Kubernetes object name (Deployment, Service): a DNS-1123 subdomain of up to 253 characters. */
    public static String objectName(String parameter, String value, String example) {
        if (value == null || value.length() > 253 || !value.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            throw new ParameterException(parameter, "got " + ParameterException.show(value),
                    "a Kubernetes object name of lower-case letters, digits, '-' and '.', e.g. '" + example + "'");
        }
        return value;
    }

    /** A label key or value as used in a Service selector, e.g. {@code colour} / {@code green}. */
    public static String labelValue(String parameter, String value, String example) {
        if (value == null || !value.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")) {
            throw new ParameterException(parameter, "got " + ParameterException.show(value), "a label value of up to 63 letters, digits, '-', '_' or '.', e.g. '" + example + "'");
        }
        return value;
    }

    /**
     * This connection with the kubeconfig {@code content} read from the credential: checked to be a kubeconfig that has the
     * requested context, and every token, password and key in it registered with {@code masker} before anything is printed.
     */
    public KubeConnection withKubeconfig(String content, Masker masker) {
        return withKubeconfig(content, masker, UnaryOperator.identity());
    }

    /** As {@link #withKubeconfig(String, Masker)}, the parameters named by {@code name} ({@code credentialsId} → {@code router.credentialsId}). */
    public KubeConnection withKubeconfig(String content, Masker masker, UnaryOperator<String> name) {
        String p = name.apply("credentialsId");
        JsonNode root;
        try {
            root = content == null || content.isBlank() ? null : YAML.readTree(content);
        } catch (IOException e) {
            throw new ParameterException(p, "the file of credential " + ParameterException.show(credentialsId) + " is not YAML",
                    "a 'Secret file' credential holding a kubeconfig (as kubectl reads it)");
        }
        if (root == null || !root.isObject() || !root.path("clusters").isArray()) {
            throw new ParameterException(p, "the file of credential " + ParameterException.show(credentialsId) + " is not a kubeconfig (no clusters)",
                    "a 'Secret file' credential holding a kubeconfig (as kubectl reads it)");
        }
        for (String s : secretsIn(root)) {
            masker.add(s);
        }
        List<String> contexts = new ArrayList<>();
        root.path("contexts").forEach(c -> contexts.add(c.path("name").asText()));
        if (context != null && !contexts.contains(context)) {
            throw new ParameterException(name.apply("context"), "the kubeconfig of " + ParameterException.show(credentialsId) + " has no context " + ParameterException.show(context),
                    "one of its contexts: " + contexts);
        }
        return new KubeConnection(credentialsId, content, context, namespace);
    }

    /** Every value of a kubeconfig that is a secret: tokens, passwords, private keys (and their certificates), auth-provider tokens. */
    static Set<String> secretsIn(JsonNode root) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode u : root.path("users")) {
            JsonNode user = u.path("user");
            for (String f : List.of("token", "password", "client-key-data", "client-certificate-data")) {
                add(out, user.path(f));
            }
            user.path("auth-provider").path("config").fields().forEachRemaining(e -> {
                if (e.getKey().contains("token") || e.getKey().contains("secret")) {
                    add(out, e.getValue());
                }
            });
        }
        return out;
    }

    private static void add(Set<String> out, JsonNode v) {
        if (v.isTextual() && !v.asText().isBlank()) {
            out.add(v.asText());
        }
    }

    /** The fabric8 configuration: the kubeconfig (with {@link #context} as current context), else in-cluster / the agent's own. */
    public Config config() {
        Config c;
        if (kubeconfig == null) {
            c = Config.autoConfigure(context);
        } else {
            String text = kubeconfig;
            if (context != null) {
                try {
                    ObjectNode root = (ObjectNode) YAML.readTree(kubeconfig);
                    root.put("current-context", context);
                    text = YAML.writeValueAsString(root);
                } catch (IOException e) {
                    throw new IllegalStateException("the kubeconfig cannot be read again", e);
                }
            }
            c = Config.fromKubeconfig(text);
        }
        c.setNamespace(namespace);
        // an API server that does not answer is reported after a few seconds, not after fabric8's default ten retries
        c.setRequestRetryBackoffLimit(3);
        return c;
    }

    /** For console lines: {@code namespace production, context prod-us-east-1, kubeconfig from credential 'prod-kube'}. */
    public String describe() {
        return "namespace " + namespace + (context == null ? "" : ", context " + context)
                + (credentialsId == null ? ", in-cluster / the agent's kubeconfig" : ", kubeconfig from credential '" + credentialsId + "'");
    }

    /** Without the kubeconfig: what may be recorded on the build. */
    public KubeConnection withoutSecret() {
        return new KubeConnection(credentialsId, null, context, namespace);
    }

    @Override
    public String toString() {
        return "KubeConnection[" + describe() + (kubeconfig == null ? "" : ", kubeconfig ****") + "]";
    }
}
