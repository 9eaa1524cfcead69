package io.jenkins.plugins.squaddeploy.steps;

import hudson.FilePath;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeApi;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeClients;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOp;
import java.io.IOException;
import java.io.Serializable;
import jenkins.security.MasterToSlaveCallable;

/**
 * Kubernetes API calls from the build's agent: each {@link KubeOp} is a static callable sent to the agent that holds the
 * workspace, where the engine's {@link KubeClients} runs it, so the API server is reached from the agent (its network,
 * its in-cluster service account) as {@code kubectl} in {@code sh} would. The kubeconfig travels over the remoting
 * channel inside the callable, as a credential does with withCredentials; it is never written to the agent's disk.
 */
final class AgentKubeApi implements KubeApi {
    private final FilePath workspace;
    private final KubeConnection connection;

    AgentKubeApi(FilePath workspace, KubeConnection connection) {
        this.workspace = workspace;
        this.connection = connection;
    }

    @Override
    public <T extends Serializable> T call(KubeOp<T> op) throws IOException, InterruptedException {
        return workspace.act(new Call<>(connection, op));
    }

    @Override
    public KubeConnection connection() {
        return connection;
    }

    static final class Call<T extends Serializable> extends MasterToSlaveCallable<T, IOException> {
        private static final long serialVersionUID = 1L;
        private final KubeConnection connection;
        private final KubeOp<T> op;

        Call(KubeConnection connection, KubeOp<T> op) {
            this.connection = connection;
            this.op = op;
        }

        @Override
        public T call() throws IOException {
            return KubeClients.run(connection, op);
        }
    }
}
