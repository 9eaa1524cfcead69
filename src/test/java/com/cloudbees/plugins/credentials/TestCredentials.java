package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.util.Secret;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Test helper for the stand-in {@link CredentialsProvider}: fills its package-private store, which
 * {@code CredentialsProvider.findCredentialById(...)} reads. Test code, not stand-in: no signature rule applies.
 * Call {@link #clear()} after each test that adds credentials. {@code toString()} of the implementations never shows
 * the secret.
 */
public final class TestCredentials {

    private TestCredentials() {
    }

    /** Makes {@code c} findable by its id (replacing any credentials with the same id). */
    public static void add(Credentials c) {
        if (!(c instanceof IdCredentials id)) {
            throw new IllegalArgumentException("credentials must have an id (IdCredentials): " + c.getClass());
        }
        CredentialsProvider.STORE.put(id.getId(), c);
    }

    public static void clear() {
        CredentialsProvider.STORE.clear();
    }

    /** "Username with password" credentials. */
    public record UsernamePassword(String id, String username, String password)
            implements StandardUsernamePasswordCredentials {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public String getUsername() {
            return username;
        }

        @Override
        public Secret getPassword() {
            return Secret.fromString(password);
        }

        @Override
        public CredentialsScope getScope() {
            return CredentialsScope.GLOBAL;
        }

        @Override
        public String toString() {
            return "UsernamePassword[id=" + id + ", username=" + username + ", password=****]";
        }
    }

    /** "Secret text" credentials. */
    public record StringSecret(String id, String secret) implements StringCredentials {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public Secret getSecret() {
            return Secret.fromString(secret);
        }

        @Override
        public CredentialsScope getScope() {
            return CredentialsScope.GLOBAL;
        }

        @Override
        public String toString() {
            return "StringSecret[id=" + id + ", secret=****]";
        }
    }

    /** "Secret file" credentials. */
    public record SecretFile(String id, String fileName, byte[] content) implements FileCredentials {
        public SecretFile {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public String getFileName() {
            return fileName;
        }

        @Override
        public InputStream getContent() {
            return new ByteArrayInputStream(content);
        }

        @Override
        public CredentialsScope getScope() {
            return CredentialsScope.GLOBAL;
        }

        @Override
        public String toString() {
            return "SecretFile[id=" + id + ", fileName=" + fileName + ", content=****]";
        }
    }
}
