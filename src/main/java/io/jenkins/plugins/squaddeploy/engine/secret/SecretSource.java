package io.jenkins.plugins.squaddeploy.engine.secret;

import java.io.IOException;

/**
 * Reads a credential by ID: Jenkins credentials in the plugin, files or environment in the CLI.
 * A missing ID or a credential of the wrong type is a user error that names the parameter.
 */
public interface SecretSource {
    /**
     * @param id the credentials ID the user wrote
     * @param parameter the parameter that holds it, for error messages (e.g. {@code checks[2].credentialsId})
     * @param needsUsername true when only a username/password credential fits
     */
    Credential lookup(String id, String parameter, boolean needsUsername) throws IOException, InterruptedException;

    /**
     * The content of a file credential (Jenkins 'Secret file'), e.g. a kubeconfig, as UTF-8 text. Implementations register
     * nothing with the masker for it: the caller knows which parts are secret (a kubeconfig's tokens and keys).
     */
    default String lookupFile(String id, String parameter) throws IOException, InterruptedException {
        throw new io.jenkins.plugins.squaddeploy.engine.ParameterException(parameter, "file credentials cannot be read here", "a credential this program can read");
    }

    /**
     * The masker of the step (or CLI run) that reads these credentials, for secrets found inside a file credential (a
     * kubeconfig's tokens and keys); a throwaway one where nothing is printed.
     */
    default Masker masker() {
        return new Masker();
    }
}
