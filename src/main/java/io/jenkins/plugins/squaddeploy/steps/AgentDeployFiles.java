package io.jenkins.plugins.squaddeploy.steps;

import hudson.FilePath;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;

/**
 * squadDeploy's file work (state file, lock, compose files, override files) on the agent that holds the workspace,
 * where the docker commands run too: each call is a static {@link MasterToSlaveFileCallable} that runs the engine's
 * {@link LocalDeployFiles} against the workspace directory. The lock therefore belongs to the agent's JVM; its
 * lease (renewed from the controller) frees it if the controller goes away mid-deploy.
 */
final class AgentDeployFiles implements DeployFiles {
    private final FilePath workspace;

    AgentDeployFiles(FilePath workspace) {
        this.workspace = workspace;
    }

    @Override
    public String resolve(String path) throws IOException, InterruptedException {
        return workspace.act(new Op<>(Kind.RESOLVE, path, null, null));
    }

    @Override
    public boolean isRegularFile(String path) throws IOException, InterruptedException {
        return workspace.act(new Op<Boolean>(Kind.IS_FILE, path, null, null));
    }

    @Override
    public boolean isDirectory(String path) throws IOException, InterruptedException {
        return workspace.act(new Op<Boolean>(Kind.IS_DIR, path, null, null));
    }

    @Override
    public String read(String path) throws IOException, InterruptedException {
        return workspace.act(new Op<String>(Kind.READ, path, null, null));
    }

    @Override
    public void writeAtomically(String path, String text) throws IOException, InterruptedException {
        workspace.act(new Op<Void>(Kind.WRITE, path, text, null));
    }

    @Override
    public LockResult tryLock(String lockFile, Map<String, String> holder) throws IOException, InterruptedException {
        return workspace.act(new Op<LockResult>(Kind.TRY_LOCK, lockFile, null, new LinkedHashMap<>(holder)));
    }

    @Override
    public void renewLock(String lockFile, String token) throws IOException, InterruptedException {
        workspace.act(new Op<Void>(Kind.RENEW, lockFile, token, null));
    }

    @Override
    public void unlock(String lockFile, String token) throws IOException, InterruptedException {
        workspace.act(new Op<Void>(Kind.UNLOCK, lockFile, token, null));
    }

    enum Kind { RESOLVE, IS_FILE, IS_DIR, READ, WRITE, TRY_LOCK, RENEW, UNLOCK }

    /** One file operation, run on the agent against the workspace directory. */
    static final class Op<T> extends MasterToSlaveFileCallable<T> {
        private static final long serialVersionUID = 1L;
        private final Kind kind;
        private final String path;
        private final String text;
        private final LinkedHashMap<String, String> holder;

        Op(Kind kind, String path, String text, LinkedHashMap<String, String> holder) {
            this.kind = kind;
            this.path = path;
            this.text = text;
            this.holder = holder;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T invoke(File workspaceDir, VirtualChannel channel) throws IOException {
            LocalDeployFiles files = LocalDeployFiles.at(workspaceDir.getAbsolutePath());
            Object r = switch (kind) {
                case RESOLVE -> files.resolve(path);
                case IS_FILE -> files.isRegularFile(path);
                case IS_DIR -> files.isDirectory(path);
                case READ -> files.read(path);
                case WRITE -> {
                    files.writeAtomically(path, text);
                    yield null;
                }
                case TRY_LOCK -> files.tryLock(path, holder);
                case RENEW -> {
                    files.renewLock(path, text);
                    yield null;
                }
                case UNLOCK -> {
                    files.unlock(path, text);
                    yield null;
                }
            };
            return (T) r;
        }
    }
}
