package io.jenkins.plugins.squaddeploy.steps;

import hudson.FilePath;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpec;
import io.jenkins.plugins.squaddeploy.engine.health.ProbeOutcome;
import io.jenkins.plugins.squaddeploy.engine.health.ProbeRunner;
import io.jenkins.plugins.squaddeploy.engine.health.Probes;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import jenkins.security.MasterToSlaveCallable;

/**
 * Runs each attempt where the build runs: network checks as a callable on the workspace's agent
 * (so "localhost" means the agent, as it does for {@code sh 'curl …'}), commands through the agent's launcher.
 */
final class AgentProbeRunner implements ProbeRunner {
    private final FilePath workspace;
    private final CommandRunner commands;

    AgentProbeRunner(FilePath workspace, CommandRunner commands) {
        this.workspace = workspace;
        this.commands = commands;
    }

    @Override
    public ProbeOutcome probe(CheckSpec spec, Duration timeout) throws InterruptedException {
        if (spec instanceof CheckSpec.Command command) {
            return Probes.command(command, timeout, commands);
        }
        try {
            return workspace.act(new NetworkProbe(spec, timeout.toMillis()));
        } catch (IOException e) {
            return ProbeOutcome.error("could not reach the agent to run the check: " + e.getMessage(), 0);
        }
    }

    /** One network attempt, executed on the agent. */
    static final class NetworkProbe extends MasterToSlaveCallable<ProbeOutcome, InterruptedException> {
        private static final long serialVersionUID = 1L;
        private final CheckSpec spec;
        private final long timeoutMillis;

        NetworkProbe(CheckSpec spec, long timeoutMillis) {
            this.spec = spec;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public ProbeOutcome call() throws InterruptedException {
            return Probes.network(spec, Duration.ofMillis(timeoutMillis));
        }
    }
}
