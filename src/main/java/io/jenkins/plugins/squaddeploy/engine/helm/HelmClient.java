package io.jenkins.plugins.squaddeploy.engine.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The helm commands squadDeploy runs, as argv lists through the {@link CommandRunner} (never a shell), and the parsing of
 * their JSON: {@code helm version --short}, {@code helm history RELEASE -o json}, {@code helm status RELEASE -o json}.
 * {@code env} carries KUBECONFIG (a 0600 file) when a kubeconfig credential is used. Outputs of {@code helm status} hold the
 * release's user-supplied values ({@code config}), so they are parsed, never printed.
 */
public final class HelmClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");
    /** Helm's states of a release that an interrupted operation leaves behind (helm#11863). */
    public static final Set<String> PENDING = Set.of("pending-install", "pending-upgrade", "pending-rollback");

    private final CommandRunner runner;
    private final String helm;
    private final Map<String, String> env;
    private final Masker masker;

    public HelmClient(CommandRunner runner, String helm, Map<String, String> env, Masker masker) {
        this.runner = runner;
        this.helm = helm;
        this.env = Map.copyOf(env);
        this.masker = masker;
    }

    /** One entry of {@code helm history -o json}. */
    public record Revision(int revision, String updated, String status, String chart, String appVersion, String description) implements Serializable {
    }

    /** What {@code helm status -o json} says: the release's status and revision. */
    public record Status(String name, String status, int version, String description) implements Serializable {
    }

    CommandResult run(List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(helm);
        argv.addAll(args);
        try {
            return runner.run(new CommandRequest(argv, env, null, timeout));
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("error=2") || String.valueOf(e.getMessage()).contains("No such file")) {
                throw new DeployException(helm + " is not installed on the agent (or not on its PATH): install helm (https://helm.sh/docs/intro/install/) "
                        + "or give target.helm the program's path");
            }
            throw e;
        }
    }

    static String failure(CommandResult r) {
        String err = r.stderr() == null || r.stderr().isBlank() ? r.stdout() : r.stderr();
        String last = err == null ? "" : err.strip().lines().reduce((a, b) -> b).orElse("");
        return r.timedOut() ? "timed out" : "exit " + r.exitCode() + (last.isEmpty() ? "" : ": " + last);
    }

    /** The major version of {@code helm version --short} (e.g. 3 for {@code v3.14.4+g81c902a}). */
    public int majorVersion() throws IOException, InterruptedException {
        CommandResult r = run(List.of("version", "--short"), Duration.ofSeconds(30));
        if (!r.succeeded()) {
            throw new DeployException("helm version --short failed (" + masker.mask(failure(r)) + ")");
        }
        return parseMajor(r.stdout());
    }

    static int parseMajor(String out) throws DeployException {
        Matcher m = VERSION.matcher(out == null ? "" : out.strip());
        if (!m.find()) {
            throw new DeployException("helm version --short printed no version: " + (out == null ? "" : out.strip()));
        }
        return Integer.parseInt(m.group(1));
    }

    /** {@code helm history RELEASE -n NS -o json --max 256}; an empty list when the release does not exist. */
    public List<Revision> history(String release, List<String> where) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("history", release));
        args.addAll(where);
        args.addAll(List.of("-o", "json", "--max", "256"));
        CommandResult r = run(args, Duration.ofSeconds(60));
        if (!r.succeeded()) {
            if ((r.stderr() + r.stdout()).contains("release: not found")) {
                return List.of();
            }
            throw new DeployException("helm history " + release + " failed (" + masker.mask(failure(r)) + ")");
        }
        return parseHistory(r.stdout());
    }

    static List<Revision> parseHistory(String json) throws DeployException {
        List<Revision> out = new ArrayList<>();
        try {
            JsonNode a = JSON.readTree(json == null || json.isBlank() ? "[]" : json);
            for (JsonNode n : a) {
                out.add(new Revision(n.path("revision").asInt(), n.path("updated").asText(null), n.path("status").asText(""), n.path("chart").asText(null),
                        n.path("app_version").asText(null), n.path("description").asText(null)));
            }
        } catch (IOException e) {
            throw new DeployException("helm history printed no JSON: " + e.getMessage());
        }
        out.sort((x, y) -> Integer.compare(x.revision(), y.revision()));
        return out;
    }

    /** {@code helm status RELEASE -n NS -o json}; null when the release does not exist. */
    public Status status(String release, List<String> where) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("status", release));
        args.addAll(where);
        args.addAll(List.of("-o", "json"));
        CommandResult r = run(args, Duration.ofSeconds(60));
        if (!r.succeeded()) {
            if ((r.stderr() + r.stdout()).contains("release: not found")) {
                return null;
            }
            throw new DeployException("helm status " + release + " failed (" + masker.mask(failure(r)) + ")");
        }
        return parseStatus(r.stdout());
    }

    static Status parseStatus(String json) throws DeployException {
        try {
            JsonNode n = JSON.readTree(json);
            return new Status(n.path("name").asText(null), n.path("info").path("status").asText(""), n.path("version").asInt(),
                    n.path("info").path("description").asText(null));
        } catch (IOException e) {
            throw new DeployException("helm status printed no JSON: " + e.getMessage());
        }
    }

    /** The newest revision helm deployed (status deployed, else superseded), or null. */
    public static Revision lastDeployed(List<Revision> history) {
        Revision found = null;
        for (Revision r : history) {
            if (r.status().equals("deployed")) {
                found = r;
            }
        }
        if (found != null) {
            return found;
        }
        for (Revision r : history) {
            if (r.status().equals("superseded")) {
                found = r;
            }
        }
        return found;
    }

    /**
     * The value at {@code key} (dotted) of the user-supplied values of {@code revision}: {@code helm get values RELEASE --revision N
     * -o json}. The output holds every user value, secrets included: only that one value is kept, nothing is printed. Null when
     * helm cannot tell or the value is not set.
     */
    public String valueOf(String release, int revision, List<String> where, String key) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("get", "values", release, "--revision", String.valueOf(revision)));
        args.addAll(where);
        args.addAll(List.of("-o", "json"));
        CommandResult r = run(args, Duration.ofSeconds(60));
        if (!r.succeeded()) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(r.stdout() == null || r.stdout().isBlank() ? "{}" : r.stdout());
            for (String part : key.split("\\.")) {
                n = n.path(part);
            }
            return n.isValueNode() && !n.isNull() ? n.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
