package io.jenkins.plugins.squaddeploy.engine.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.Serializable;

/**
 * One short interaction with the Kubernetes API (read a Deployment, set an image, patch a selector), as a serialisable
 * value: in Jenkins it is sent to the build's agent and run there ({@link KubeClients}), so the API server is reached
 * from the agent as {@code kubectl} in {@code sh} would; its result is a plain serialisable value too.
 */
public interface KubeOp<T extends Serializable> extends Serializable {
    T run(KubernetesClient client, String namespace);

    /** For error messages: e.g. {@code read deployment api}. */
    String describe();
}
