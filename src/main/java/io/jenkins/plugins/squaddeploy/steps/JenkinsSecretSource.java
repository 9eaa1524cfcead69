package io.jenkins.plugins.squaddeploy.steps;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Run;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Reads Jenkins credentials by ID in the context of the running build (so folder-scoped credentials
 * and the build's permissions apply) and registers every value with the step's masker.
 */
final class JenkinsSecretSource implements SecretSource {
    private final Run<?, ?> run;
    private final Masker masker;

    JenkinsSecretSource(Run<?, ?> run, Masker masker) {
        this.run = run;
        this.masker = masker;
    }

    @Override
    public Credential lookup(String id, String parameter, boolean needsUsername) {
        String accepted = needsUsername
                ? "the ID of a 'Username with password' credential"
                : "the ID of a 'Username with password' or 'Secret text' credential";
        if (id == null || id.isBlank()) {
            throw new ParameterException(parameter, "no credentials ID given", accepted);
        }
        StandardUsernamePasswordCredentials up = CredentialsProvider.findCredentialById(id, StandardUsernamePasswordCredentials.class, run);
        if (up != null) {
            Credential c = new Credential(id, up.getUsername(), up.getPassword().getPlainText());
            c.addTo(masker);
            return c;
        }
        if (!needsUsername) {
            StringCredentials text = CredentialsProvider.findCredentialById(id, StringCredentials.class, run);
            if (text != null) {
                Credential c = new Credential(id, null, text.getSecret().getPlainText());
                c.addTo(masker);
                return c;
            }
        }
        StandardCredentials other = CredentialsProvider.findCredentialById(id, StandardCredentials.class, run);
        if (other != null) {
            throw new ParameterException(parameter, "credentials " + ParameterException.show(id) + " are of another type ("
                    + other.getClass().getSimpleName() + ")", accepted);
        }
        throw new ParameterException(parameter, "no credentials with ID " + ParameterException.show(id) + " are visible to this build", accepted);
    }

    @Override
    public String lookupFile(String id, String parameter) throws IOException {
        String accepted = "the ID of a 'Secret file' credential";
        if (id == null || id.isBlank()) {
            throw new ParameterException(parameter, "no credentials ID given", accepted);
        }
        FileCredentials file = CredentialsProvider.findCredentialById(id, FileCredentials.class, run);
        if (file != null) {
            try (InputStream in = file.getContent()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        StandardCredentials other = CredentialsProvider.findCredentialById(id, StandardCredentials.class, run);
        if (other != null) {
            throw new ParameterException(parameter, "credentials " + ParameterException.show(id) + " are of another type ("
                    + other.getClass().getSimpleName() + ")", accepted);
        }
        throw new ParameterException(parameter, "no credentials with ID " + ParameterException.show(id) + " are visible to this build", accepted);
    }

    @Override
    public Masker masker() {
        return masker;
    }
}
