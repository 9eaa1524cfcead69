package io.jenkins.plugins.squaddeploy.engine.kube;

import java.io.IOException;
import java.io.Serializable;

/**
 * Where Kubernetes API calls run: in this JVM ({@link LocalKubeApi}: CLI, tests) or, in Jenkins, on the build's agent
 * (the step adapter sends each {@link KubeOp} there). The orchestration (waiting, progress lines, deadlines) stays with
 * the caller; each call is short.
 */
public interface KubeApi {
    /** Runs one operation; an API error is an IOException whose message names the operation and the API's answer. */
    <T extends Serializable> T call(KubeOp<T> op) throws IOException, InterruptedException;

    KubeConnection connection();
}
