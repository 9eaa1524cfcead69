package com.cloudbees.plugins.credentials;

import java.io.Serializable;

/**
 * Stand-in for the credentials plugin's {@code CredentialsScope}. {@code isVisible(ModelObject)} is left out
 * ({@code ModelObject} is not declared).
 */
public enum CredentialsScope implements Serializable {
    SYSTEM {
        @Override
        public String getDisplayName() {
            return "System (Jenkins and nodes only)";
        }
    },
    GLOBAL {
        @Override
        public String getDisplayName() {
            return "Global (Jenkins, nodes, items, all child items, etc)";
        }
    },
    USER {
        @Override
        public String getDisplayName() {
            return "User";
        }
    };

    public abstract String getDisplayName();
}
