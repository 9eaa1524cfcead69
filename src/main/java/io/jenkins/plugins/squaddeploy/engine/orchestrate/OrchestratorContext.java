package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;

/**
 * What an {@link Orchestrator} may use, given by its caller (the squadDeploy/autoRollback steps through the agent's
 * launcher, the CLI locally, tests directly): commands as argv lists, the console, the masker every line goes
 * through, and credentials by ID ({@code secrets} may be null where none can be looked up).
 */
public record OrchestratorContext(CommandRunner commands, ConsoleLog log, Masker masker, SecretSource secrets) {
    public OrchestratorContext {
        log = log == null ? ConsoleLog.SILENT : log;
        masker = masker == null ? new Masker() : masker;
    }
}
