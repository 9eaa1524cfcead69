package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.kube.KubeApi;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import java.io.IOException;
import java.time.Duration;

/**
 * The machine the router runs on, as the engine reaches it: its files, its admin sockets, and HTTP requests
 * sent from there. The CLI uses {@link LocalRouterHost}; the Jenkins adapter sends each call to the build's
 * agent as a callable that runs the same engine code there ({@link RouterFiles}, {@link HaproxySocket},
 * {@link VersionProbe}), so {@code 127.0.0.1} and {@code /etc/nginx} mean the agent, as they do in {@code sh}.
 * Commands (nginx -t, reload, docker) go through the {@code CommandRunner}, not through this interface.
 */
public interface RouterHost {
    /** The file's text (UTF-8), or null when it does not exist. */
    String readFile(String path) throws IOException, InterruptedException;

    /**
     * Replaces {@code path} atomically with {@code content} (temp file in the same directory, fsync, rename),
     * after keeping its current content as {@code path.previous} (also atomically).
     * @return what both files held before, for {@link #restoreFiles}
     */
    FileBackup installFile(String path, String content) throws IOException, InterruptedException;

    /** Puts {@code path} and {@code path.previous} back as {@code backup} recorded them (deleting what did not exist). */
    void restoreFiles(String path, FileBackup backup) throws IOException, InterruptedException;

    /** Sends one command to a HAProxy admin (stats) socket and returns its answer. */
    String adminCommand(String socket, String command, Duration timeout) throws IOException, InterruptedException;

    /** GETs {@code url} and reads the version at {@code versionPath}; never throws for what the server does. */
    VersionSample sample(String url, String versionPath, Duration timeout) throws InterruptedException;

    /** Kubernetes API calls made from the router's machine (the agent in Jenkins), with {@code connection}. */
    default KubeApi kubernetes(KubeConnection connection) {
        throw new UnsupportedOperationException("this router host makes no Kubernetes API calls");
    }

    /**
     * Writes {@code content} to a new 0600 file in a private per-user directory on this machine (a kubeconfig for helm, a
     * values file of secrets) and returns its path; the caller deletes it with {@link #deleteSecretFile} when the tool is done.
     */
    default String createSecretFile(String content) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("this host writes no files");
    }

    default void deleteSecretFile(String path) throws IOException, InterruptedException {
    }
}
