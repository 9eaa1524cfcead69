package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterHost;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;

/**
 * What an {@link Orchestrator} may use, given by its caller (the squadDeploy/autoRollback steps through the agent's
 * launcher, the CLI locally, tests directly): commands as argv lists, the console, the masker every line goes
 * through, credentials by ID ({@code secrets} may be null where none can be looked up), and the machine the commands run on
 * ({@code host}: Kubernetes API calls and 0600 temp files there — the agent in Jenkins, this machine in the CLI).
 */
public record OrchestratorContext(CommandRunner commands, ConsoleLog log, Masker masker, SecretSource secrets, RouterHost host) {
    public OrchestratorContext {
        log = log == null ? ConsoleLog.SILENT : log;
        masker = masker == null ? new Masker() : masker;
        host = host == null ? new LocalRouterHost() : host;
    }

    /** Kubernetes API calls and secret files on this machine ({@link LocalRouterHost}): the CLI and tests. */
    public OrchestratorContext(CommandRunner commands, ConsoleLog log, Masker masker, SecretSource secrets) {
        this(commands, log, masker, secrets, null);
    }
}
