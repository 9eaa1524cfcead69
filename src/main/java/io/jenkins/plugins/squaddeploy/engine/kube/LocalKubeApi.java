package io.jenkins.plugins.squaddeploy.engine.kube;

import java.io.IOException;
import java.io.Serializable;

/** Kubernetes API calls from this JVM: the CLI and the tests. */
public final class LocalKubeApi implements KubeApi {
    private final KubeConnection connection;

    public LocalKubeApi(KubeConnection connection) {
        this.connection = connection;
    }

    @Override
    public <T extends Serializable> T call(KubeOp<T> op) throws IOException {
        return KubeClients.run(connection, op);
    }

    @Override
    public KubeConnection connection() {
        return connection;
    }
}
