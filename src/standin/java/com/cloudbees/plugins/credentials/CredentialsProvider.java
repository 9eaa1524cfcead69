package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import hudson.ExtensionPoint;
import hudson.model.Run;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stand-in for the credentials plugin's {@code CredentialsProvider}, reduced to {@code findCredentialById}.
 * <p>Credentials come from {@link #STORE} (id to credentials), filled by tests through the test helper
 * {@code com.cloudbees.plugins.credentials.TestCredentials}. As in Jenkins, the id is trimmed, domain requirements do
 * not matter for lookup by id, and the result is {@code null} when the id is unknown or the credentials are not of
 * the requested type. The {@code Descriptor}/{@code Describable}/{@code IconSpec} supertypes are left out.
 */
public abstract class CredentialsProvider implements ExtensionPoint {

    /** The stand-in's credentials store (package-private; tests use {@code TestCredentials}). */
    static final Map<String, Credentials> STORE = new ConcurrentHashMap<>();

    private CredentialsProvider() {
    }

    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run) {
        return findCredentialById(id, type, run, (List<DomainRequirement>) null);
    }

    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run, DomainRequirement... domainRequirements) {
        return findCredentialById(id, type, run, Arrays.asList(domainRequirements));
    }

    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run, List<DomainRequirement> domainRequirements) {
        Objects.requireNonNull(id);
        Objects.requireNonNull(type);
        Objects.requireNonNull(run);
        Credentials c = STORE.get(id.trim());
        return type.isInstance(c) ? type.cast(c) : null;
    }
}
