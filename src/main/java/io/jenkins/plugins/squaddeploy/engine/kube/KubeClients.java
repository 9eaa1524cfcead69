package io.jenkins.plugins.squaddeploy.engine.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@link KubeOp}s in this JVM with a client per connection, kept for the next call (a client holds a connection
 * pool; creating one per poll would be wasteful). At most a few are kept; the oldest is closed.
 */
public final class KubeClients {
    private static final int KEEP = 4;
    private static final Map<KubeConnection, KubernetesClient> CLIENTS = new LinkedHashMap<>(8, 0.75f, true);

    private KubeClients() {
    }

    public static <T extends Serializable> T run(KubeConnection connection, KubeOp<T> op) throws IOException {
        KubernetesClient client = client(connection);
        try {
            return op.run(client, connection.namespace());
        } catch (KubernetesClientException e) {
            throw new IOException("Kubernetes API: " + op.describe() + " in namespace " + connection.namespace() + " failed: " + message(e), e);
        } catch (KubeOps.OpFailure e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return "HTTP " + e.getCode() + " " + e.getStatus().getMessage();
        }
        return (e.getCode() > 0 ? "HTTP " + e.getCode() + " " : "") + e.getMessage();
    }

    private static KubernetesClient client(KubeConnection connection) {
        synchronized (CLIENTS) {
            KubernetesClient c = CLIENTS.get(connection);
            if (c == null) {
                c = new KubernetesClientBuilder().withConfig(connection.config()).build();
                CLIENTS.put(connection, c);
                if (CLIENTS.size() > KEEP) {
                    Iterator<Map.Entry<KubeConnection, KubernetesClient>> it = CLIENTS.entrySet().iterator();
                    KubernetesClient oldest = it.next().getValue();
                    it.remove();
                    oldest.close();
                }
            }
            return c;
        }
    }

    /** Closes the clients of {@code connection} (tests stop their mock server). */
    public static void forget(KubeConnection connection) {
        synchronized (CLIENTS) {
            KubernetesClient c = CLIENTS.remove(connection);
            if (c != null) {
                c.close();
            }
        }
    }
}
