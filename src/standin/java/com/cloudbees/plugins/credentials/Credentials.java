package com.cloudbees.plugins.credentials;

import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.Run;
import java.io.Serializable;

/**
 * Stand-in for the credentials plugin's {@code Credentials}. {@code getDescriptor()} is not redeclared with its
 * {@code CredentialsDescriptor} return type (not declared here); the inherited {@link Describable#getDescriptor()} applies.
 */
public interface Credentials extends Describable<Credentials>, Serializable, ExtensionPoint {
    CredentialsScope getScope();

    default Credentials forRun(Run<?, ?> context) {
        return this;
    }
}
