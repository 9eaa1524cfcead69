package io.jenkins.plugins.squaddeploy.engine.health;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.time.Duration;

/** Runs network probes in this JVM and command probes through the given runner. */
public final class DirectProbeRunner implements ProbeRunner {
    private final CommandRunner commands;

    public DirectProbeRunner(CommandRunner commands) {
        this.commands = commands;
    }

    @Override
    public ProbeOutcome probe(CheckSpec spec, Duration timeout) throws InterruptedException {
        if (spec instanceof CheckSpec.Command c) {
            return Probes.command(c, timeout, commands);
        }
        return Probes.network(spec, timeout);
    }
}
