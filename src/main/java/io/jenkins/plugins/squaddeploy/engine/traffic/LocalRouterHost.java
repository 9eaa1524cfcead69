package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.kube.KubeApi;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.kube.LocalKubeApi;
import java.io.IOException;
import java.time.Duration;

/** The router is on this machine: the CLI, the tests and the benchmarks. */
public final class LocalRouterHost implements RouterHost {
    @Override
    public String readFile(String path) throws IOException {
        return RouterFiles.read(path);
    }

    @Override
    public FileBackup installFile(String path, String content) throws IOException {
        return RouterFiles.install(path, content);
    }

    @Override
    public void restoreFiles(String path, FileBackup backup) throws IOException {
        RouterFiles.restore(path, backup);
    }

    @Override
    public String adminCommand(String socket, String command, Duration timeout) throws IOException {
        return HaproxySocket.command(socket, command, timeout);
    }

    @Override
    public VersionSample sample(String url, String versionPath, Duration timeout) throws InterruptedException {
        return VersionProbe.sample(url, versionPath, timeout);
    }

    @Override
    public KubeApi kubernetes(KubeConnection connection) {
        return new LocalKubeApi(connection);
    }

    @Override
    public String createSecretFile(String content) throws IOException {
        return io.jenkins.plugins.squaddeploy.engine.snapshot.PasswordFiles.create(content).toString();
    }

    @Override
    public void deleteSecretFile(String path) {
        io.jenkins.plugins.squaddeploy.engine.snapshot.PasswordFiles.delete(java.nio.file.Path.of(path));
    }
}
