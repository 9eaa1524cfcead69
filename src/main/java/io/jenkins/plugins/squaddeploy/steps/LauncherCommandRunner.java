package io.jenkins.plugins.squaddeploy.steps;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandAudit;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.OutputTail;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Runs engine commands on the build's agent through {@link Launcher.ProcStarter}: argv only, secrets
 * in the environment or on stdin, the command line not echoed (the engine prints its own masked line).
 */
final class LauncherCommandRunner implements CommandRunner {
    private final Launcher launcher;
    private final FilePath workDir;
    private final EnvVars buildEnv;

    /** @param buildEnv the build's environment (withEnv, tools), overlaid by each request's variables */
    LauncherCommandRunner(Launcher launcher, FilePath workDir, EnvVars buildEnv) {
        this.launcher = launcher;
        this.workDir = workDir;
        this.buildEnv = buildEnv;
    }

    @Override
    public CommandResult run(CommandRequest request) throws IOException, InterruptedException {
        CommandAudit.record("launcher", request.argv(), request.env().keySet());
        OutputTail out = new OutputTail();
        OutputTail err = new OutputTail();
        Launcher.ProcStarter starter = launcher.launch()
                .cmds(request.argv())
                .envs(environment(request))
                .stdin(new ByteArrayInputStream(request.stdin()))
                .stdout(out)
                .stderr(err)
                .quiet(true);
        if (workDir != null) {
            starter.pwd(workDir);
        }
        long started = System.nanoTime();
        Proc proc = starter.start();
        OutputTail.Deadline deadline = OutputTail.killAfter(request.timeout(), () -> {
            try {
                proc.kill();
            } catch (IOException | InterruptedException ignored) {
                // the process is gone or the agent is; join() below tells
            }
        });
        int exit;
        try {
            exit = proc.join();
        } catch (InterruptedException e) {
            proc.kill();
            throw e;
        } finally {
            deadline.cancel();
        }
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        return new CommandResult(deadline.fired() ? -1 : exit, out.text(), err.text(), deadline.fired(), elapsed);
    }

    private EnvVars environment(CommandRequest request) {
        EnvVars env = buildEnv == null ? new EnvVars() : new EnvVars(buildEnv);
        env.putAll(request.env());
        return env;
    }
}
