package io.jenkins.plugins.squaddeploy.engine.spi;

import java.io.IOException;

/**
 * Runs a command where the step runs: on the Jenkins agent through {@code Launcher.ProcStarter},
 * or on this machine in the CLI. A timed-out command is killed and reported with {@code timedOut}.
 */
public interface CommandRunner {
    CommandResult run(CommandRequest request) throws IOException, InterruptedException;
}
