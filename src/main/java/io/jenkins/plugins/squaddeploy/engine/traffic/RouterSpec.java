package io.jenkins.plugins.squaddeploy.engine.traffic;


import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/** A validated router configuration; serialisable, so a step can rebuild its router after a restart. */
public sealed interface RouterSpec extends Serializable permits NginxRouterSpec, HaproxyRouterSpec, KubeServiceRouterSpec {
    /** {@code nginx}, {@code haproxy} or {@code kubernetes}. */
    String kind();

    /** Where it routes, for console lines: e.g. {@code nginx /etc/nginx/conf.d/api-upstream.conf}. */
    String describe();

    /**
     * Checks a colour's servers against what this router can route to (e.g. HAProxy's runtime API takes IP
     * addresses only).
     * @param parameter where the servers stand in the step, e.g. {@code colours[1].servers}
     */
    default void checkServers(String parameter, List<TrafficRouter.Upstream> servers) {
        if (servers.isEmpty()) {
            throw new io.jenkins.plugins.squaddeploy.engine.ParameterException(parameter, "no servers were given",
                    "a list of one or more host:port, e.g. ['127.0.0.1:8002']");
        }
    }

    /**
     * True when the router proves a switch through its own view of the backends ({@link TrafficRouter#verifyBackends}: a
     * Kubernetes Service's endpoints); then a public URL to sample is optional.
     */
    default boolean verifiesBackends() {
        return false;
    }

    /** This spec with its credentials looked up (a Kubernetes router's kubeconfig), registered with {@code masker}; others need none. */
    default RouterSpec resolve(SecretSource secrets, Masker masker) throws IOException, InterruptedException {
        return this;
    }

    /** This spec without secrets, as it is recorded on the build for autoRollback. */
    default RouterSpec recordable() {
        return this;
    }

    TrafficRouter create(String service, RouterHost host, CommandRunner commands, ConsoleLog log);
}
