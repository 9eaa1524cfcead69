package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;

/** Stand-in for the credentials plugin's {@code UsernameCredentials}. */
public interface UsernameCredentials extends Credentials {
    String getUsername();

    /** Whether the username must be masked like a secret; {@code true} unless an implementation says otherwise. */
    default boolean isUsernameSecret() {
        return true;
    }
}
