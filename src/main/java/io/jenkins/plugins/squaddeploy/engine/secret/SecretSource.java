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
}
