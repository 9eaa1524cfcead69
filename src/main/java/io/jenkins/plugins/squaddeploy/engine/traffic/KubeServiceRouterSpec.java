package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code kubernetesService(service: 'api', colourLabel: 'colour', namespace: 'production', credentialsId: 'prod-kubeconfig')}:
 * the Service whose selector picks the live colour. The kubeconfig is looked up by {@link #resolve} when the step runs;
 * the spec recorded on the build holds only its credentials ID.
 */
public record KubeServiceRouterSpec(KubeConnection connection, String service, String colourLabel, Duration poll) implements RouterSpec {
    public static final String DEFAULT_COLOUR_LABEL = "colour";

    /** @param name the displayed names: {@code router.service}, {@code router.colourLabel}, {@code router.namespace}, … */
    public static KubeServiceRouterSpec of(UnaryOperator<String> name, String defaultService, String service, String colourLabel, String namespace,
                                           String context, String credentialsId) {
        String s = service == null || service.isBlank() ? defaultService : service.strip();
        KubeConnection.objectName(name.apply("router.service"), s, "api");
        String label = colourLabel == null || colourLabel.isBlank() ? DEFAULT_COLOUR_LABEL : colourLabel.strip();
        if (!label.matches("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")) {
            throw new ParameterException(name.apply("router.colourLabel"), "got " + ParameterException.show(label), "a label key such as 'colour' or 'app.kubernetes.io/colour'");
        }
        KubeConnection c = KubeConnection.of(n -> name.apply("router." + n), credentialsId, context, namespace);
        return new KubeServiceRouterSpec(c, s, label, null);
    }

    @Override
    public String kind() {
        return "kubernetes";
    }

    @Override
    public String describe() {
        return "kubernetes service " + service + " (" + connection.describe() + ")";
    }

    @Override
    public void checkServers(String parameter, List<TrafficRouter.Upstream> servers) {
        if (!servers.isEmpty()) {
            throw new ParameterException(parameter, "servers are given for a Kubernetes Service router",
                    "no servers: the colour's pods (label " + colourLabel + "=<colour>) are the Service's backends, e.g. colour(name: 'green')");
        }
    }

    @Override
    public boolean verifiesBackends() {
        return true;
    }

    @Override
    public RouterSpec resolve(SecretSource secrets, Masker masker) throws IOException, InterruptedException {
        if (connection.credentialsId() == null || connection.kubeconfig() != null) {
            return this;
        }
        String content = secrets.lookupFile(connection.credentialsId(), "router.credentialsId");
        return new KubeServiceRouterSpec(connection.withKubeconfig(content, masker, n -> "router." + n), service, colourLabel, poll);
    }

    /** Without the kubeconfig: what is recorded on the build. */
    @Override
    public RouterSpec recordable() {
        return new KubeServiceRouterSpec(connection.withoutSecret(), service, colourLabel, poll);
    }

    @Override
    public TrafficRouter create(String service, RouterHost host, CommandRunner commands, ConsoleLog log) {
        return new KubeServiceRouter(this, host.kubernetes(connection), log, poll);
    }

    @Override
    public String toString() {
        return "KubeServiceRouterSpec[" + describe() + "]";
    }
}
