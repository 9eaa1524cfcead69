package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.io.Serializable;

/**
 * Stops the containers of a colour that no longer receives traffic: a deploy-target action, run through the
 * {@link CommandRunner} (on the agent in Jenkins). Serialisable, because the step keeps it across a restart
 * while it waits. {@link DockerColourStopper} is the implementation for plain containers and Compose services.
 */
public interface ColourStopper extends Serializable {
    /** What will be stopped, for console lines: e.g. {@code docker stop api-blue-1}. */
    String describe();

    void stop(CommandRunner commands, ConsoleLog log) throws IOException, InterruptedException;
}
