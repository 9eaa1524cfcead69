package com.cloudbees.plugins.credentials.domains;

import hudson.ExtensionPoint;
import java.io.Serializable;

/** Stand-in for the credentials plugin's {@code DomainRequirement} (ignored by the stand-in's lookups). */
public class DomainRequirement implements ExtensionPoint, Serializable {
    private static final long serialVersionUID = 1L;
}
