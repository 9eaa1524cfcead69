package io.jenkins.plugins.squaddeploy.cli;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Credentials for the CLI, by the same IDs a Jenkinsfile uses, read from files or the environment,
 * never from the command line:
 * <ul>
 * <li>{@code DIR/<id>/username} + {@code DIR/<id>/password}, or {@code DIR/<id>/secret}, under {@code --credentials-dir};</li>
 * <li>{@code SQUAD_CRED_<ID>_USERNAME} + {@code SQUAD_CRED_<ID>_PASSWORD}, or {@code SQUAD_CRED_<ID>_SECRET}
 * (ID upper-cased, other characters than letters and digits as {@code _}).</li>
 * </ul>
 */
final class CliSecretSource implements SecretSource {
    private final Path dir;
    private final Map<String, String> env;
    private final Masker masker;

    CliSecretSource(Path dir, Map<String, String> env, Masker masker) {
        this.dir = dir;
        this.env = env;
        this.masker = masker;
    }

    @Override
    public Credential lookup(String id, String parameter, boolean needsUsername) throws IOException {
        String accepted = "an ID with files under --credentials-dir (<id>/username and <id>/password, or <id>/secret) "
                + "or variables SQUAD_CRED_<ID>_USERNAME/_PASSWORD or SQUAD_CRED_<ID>_SECRET";
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new ParameterException(parameter, "credentials ID " + ParameterException.show(id) + " is not a plain ID", accepted);
        }
        String user = null;
        String secret = null;
        if (dir != null) {
            Path d = dir.resolve(id);
            user = read(d.resolve("username"));
            secret = read(d.resolve("password"));
            if (secret == null) {
                secret = read(d.resolve("secret"));
            }
        }
        String key = "SQUAD_CRED_" + id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        if (secret == null) {
            user = env.get(key + "_USERNAME");
            secret = env.get(key + "_PASSWORD");
            if (secret == null) {
                secret = env.get(key + "_SECRET");
            }
        }
        if (secret == null) {
            throw new ParameterException(parameter, "no credentials with ID " + ParameterException.show(id) + " were found", accepted);
        }
        if (needsUsername && (user == null || user.isEmpty())) {
            throw new ParameterException(parameter, "credentials " + ParameterException.show(id) + " have no username", accepted);
        }
        Credential c = new Credential(id, user, secret);
        c.addTo(masker);
        return c;
    }

    private static String read(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        String s = Files.readString(p, StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code DIR/<id>/file} under --credentials-dir, or the file named by {@code SQUAD_CRED_<ID>_FILE}. */
    @Override
    public String lookupFile(String id, String parameter) throws IOException {
        String accepted = "an ID with a file <id>/file under --credentials-dir, or a variable SQUAD_CRED_<ID>_FILE naming the file";
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new ParameterException(parameter, "credentials ID " + ParameterException.show(id) + " is not a plain ID", accepted);
        }
        if (dir != null && Files.isRegularFile(dir.resolve(id).resolve("file"))) {
            return Files.readString(dir.resolve(id).resolve("file"), StandardCharsets.UTF_8);
        }
        String path = env.get("SQUAD_CRED_" + id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_FILE");
        if (path != null && Files.isRegularFile(Path.of(path))) {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        }
        throw new ParameterException(parameter, "no file credential with ID " + ParameterException.show(id) + " was found", accepted);
    }

    @Override
    public Masker masker() {
        return masker;
    }
}
