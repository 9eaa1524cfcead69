package io.jenkins.plugins.squaddeploy.steps;

import hudson.FilePath;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeApi;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.traffic.FileBackup;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxySocket;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterFiles;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.VersionProbe;
import io.jenkins.plugins.squaddeploy.engine.traffic.VersionSample;
import java.io.IOException;
import java.time.Duration;
import jenkins.security.MasterToSlaveCallable;

/**
 * The router's machine is the build's agent: every file operation, admin-socket command and verification sample is
 * a static callable sent to the agent that holds the workspace, running the engine's own code there. So
 * {@code /etc/nginx/…}, {@code /run/haproxy/admin.sock} and {@code http://127.0.0.1:8080/health} mean the agent,
 * as they do in {@code sh}.
 */
final class AgentRouterHost implements RouterHost {
    private final FilePath workspace;

    AgentRouterHost(FilePath workspace) {
        this.workspace = workspace;
    }

    @Override
    public String readFile(String path) throws IOException, InterruptedException {
        return workspace.act(new ReadFile(path));
    }

    @Override
    public FileBackup installFile(String path, String content) throws IOException, InterruptedException {
        return workspace.act(new InstallFile(path, content));
    }

    @Override
    public void restoreFiles(String path, FileBackup backup) throws IOException, InterruptedException {
        workspace.act(new RestoreFiles(path, backup));
    }

    @Override
    public String adminCommand(String socket, String command, Duration timeout) throws IOException, InterruptedException {
        return workspace.act(new AdminCommand(socket, command, timeout.toMillis()));
    }

    @Override
    public VersionSample sample(String url, String versionPath, Duration timeout) throws InterruptedException {
        try {
            return workspace.act(new Sample(url, versionPath, timeout.toMillis()));
        } catch (IOException e) {
            return new VersionSample(0, null, "could not reach the agent to send the request: " + e.getMessage(), 0);
        }
    }

    @Override
    public KubeApi kubernetes(KubeConnection connection) {
        return new AgentKubeApi(workspace, connection);
    }

    @Override
    public String createSecretFile(String content) throws IOException, InterruptedException {
        return workspace.act(new CreateSecretFile(content));
    }

    @Override
    public void deleteSecretFile(String path) throws IOException, InterruptedException {
        workspace.act(new DeleteSecretFile(path));
    }

    /** A 0600 file on the agent (engine LocalRouterHost does the file work there). */
    static final class CreateSecretFile extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final String content;

        CreateSecretFile(String content) {
            this.content = content;
        }

        @Override
        public String call() throws IOException {
            return new LocalRouterHost().createSecretFile(content);
        }
    }

    static final class DeleteSecretFile extends MasterToSlaveCallable<Void, IOException> {
        private static final long serialVersionUID = 1L;
        private final String path;

        DeleteSecretFile(String path) {
            this.path = path;
        }

        @Override
        public Void call() {
            new LocalRouterHost().deleteSecretFile(path);
            return null;
        }
    }

    static final class ReadFile extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final String path;

        ReadFile(String path) {
            this.path = path;
        }

        @Override
        public String call() throws IOException {
            return RouterFiles.read(path);
        }
    }

    static final class InstallFile extends MasterToSlaveCallable<FileBackup, IOException> {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final String content;

        InstallFile(String path, String content) {
            this.path = path;
            this.content = content;
        }

        @Override
        public FileBackup call() throws IOException {
            return RouterFiles.install(path, content);
        }
    }

    static final class RestoreFiles extends MasterToSlaveCallable<Void, IOException> {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final FileBackup backup;

        RestoreFiles(String path, FileBackup backup) {
            this.path = path;
            this.backup = backup;
        }

        @Override
        public Void call() throws IOException {
            RouterFiles.restore(path, backup);
            return null;
        }
    }

    static final class AdminCommand extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final String socket;
        private final String command;
        private final long timeoutMillis;

        AdminCommand(String socket, String command, long timeoutMillis) {
            this.socket = socket;
            this.command = command;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public String call() throws IOException {
            return HaproxySocket.command(socket, command, Duration.ofMillis(timeoutMillis));
        }
    }

    static final class Sample extends MasterToSlaveCallable<VersionSample, InterruptedException> {
        private static final long serialVersionUID = 1L;
        private final String url;
        private final String versionPath;
        private final long timeoutMillis;

        Sample(String url, String versionPath, long timeoutMillis) {
            this.url = url;
            this.versionPath = versionPath;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public VersionSample call() throws InterruptedException {
            return VersionProbe.sample(url, versionPath, Duration.ofMillis(timeoutMillis));
        }
    }
}
