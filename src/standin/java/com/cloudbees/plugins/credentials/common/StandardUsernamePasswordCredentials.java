package com.cloudbees.plugins.credentials.common;

/** Stand-in for the credentials plugin's {@code StandardUsernamePasswordCredentials}. */
public interface StandardUsernamePasswordCredentials extends StandardUsernameCredentials, UsernamePasswordCredentials {
}
