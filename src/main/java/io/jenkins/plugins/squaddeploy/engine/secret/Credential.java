package io.jenkins.plugins.squaddeploy.engine.secret;

import java.io.Serializable;

/**
 * A secret read from Jenkins credentials (or, in the CLI, from a file or the environment).
 * {@code username} may be null for a token or a password alone. {@link #toString()} never shows the secret.
 */
public record Credential(String id, String username, String secret) implements Serializable {

    public Credential {
        if (secret == null) {
            secret = "";
        }
    }

    public boolean hasUsername() {
        return username != null && !username.isEmpty();
    }

    /** Adds this credential's secret (and its user:secret form) to a masker. */
    public Masker addTo(Masker masker) {
        masker.addUserPassword(username, secret);
        return masker;
    }

    @Override
    public String toString() {
        return "Credential[" + id + (hasUsername() ? ", user " + username : "") + ", secret ****]";
    }
}
