package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One squadDeploy call, fully validated: every parameter is checked when the request is built, before anything is
 * contacted or changed, and a bad one is a {@link ParameterException} naming it and the accepted form. Checks that
 * need the Docker host (files exist, the compose file parses, the image exists) run first thing in
 * {@link SquadDeployer#deploy}, still before anything changes.
 */
public record DeployRequest(String service, String environment, ImageRef image, String version, Strategy strategy,
                            TargetSpec target, PortPlan ports, String portVariable, Integer replicas, Duration healthTimeout,
                            List<String> migration, Duration migrationTimeout, String stateDir, Duration lockTimeout,
                            String buildUrl, ImageSource imageSource, String buildContext, String dockerfile,
                            Map<String, String> buildArgs, Map<String, String> labels, String upstreamHost,
                            SwitchSettings switchSettings) implements Serializable {

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    public static final String NAME_FORM = "1 to 63 characters of lower-case letters, digits, '-' and '_', starting with a letter or digit";
    static final Pattern COMPOSE_SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");
    static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}");
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\\[[0-9a-fA-F:]+\\]");

    public static final int DEFAULT_HEALTH_TIMEOUT_S = 120;
    public static final int DEFAULT_MIGRATION_TIMEOUT_S = 600;
    public static final int DEFAULT_LOCK_TIMEOUT_S = 900;
    public static final String DEFAULT_ENVIRONMENT = "default";
    public static final String DEFAULT_PORT_VARIABLE = "PORT";

    /** How the router switch that follows a healthy blue-green release is verified (see blueGreenSwitch). */
    public record SwitchSettings(URI publicHealthUrl, String versionJsonPath, Duration verifyDeadline, int consecutiveSamples)
            implements Serializable {
    }

    public DeployRequest {
        migration = List.copyOf(migration);
        buildArgs = Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** The colours, for blueGreen. */
    public PortPlan.Colours colours() {
        return (PortPlan.Colours) ports;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects raw parameter values (as a pipeline or the command line gives them) and validates them in {@link #build()}. */
    public static final class Builder {
        private String service;
        private String environment;
        private String image;
        private String version;
        private String strategy;
        private String targetKind;
        private List<String> composeFiles = new ArrayList<>();
        private String composeProject;
        private String envFile;
        private List<String> composeServices = new ArrayList<>();
        private List<String> dockerEnv = new ArrayList<>();
        private String network;
        private List<String> volumes = new ArrayList<>();
        private String ports;
        private String portVariable;
        private Integer replicas;
        private Integer healthTimeoutS;
        private List<String> migration = new ArrayList<>();
        private Integer migrationTimeoutS;
        private String stateDir;
        private Integer lockTimeoutS;
        private String buildUrl;
        private String imageSource;
        private String buildContext;
        private String dockerfile;
        private List<String> buildArgs = new ArrayList<>();
        private List<String> labels = new ArrayList<>();
        private String upstreamHost;
        private SwitchSettings switchSettings;

        public Builder service(String v) { service = v; return this; }
        public Builder environment(String v) { environment = v; return this; }
        public Builder image(String v) { image = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder strategy(String v) { strategy = v; return this; }

        /** {@code compose(files, project, envFile, services)}: target kind compose. */
        public Builder compose(List<String> files, String project, String envFile, List<String> services) {
            targetKind = "compose";
            composeFiles = files == null ? new ArrayList<>() : new ArrayList<>(files);
            composeProject = project;
            this.envFile = envFile;
            composeServices = services == null ? new ArrayList<>() : new ArrayList<>(services);
            return this;
        }

        /** {@code docker(env NAME=value, network, volumes)}: target kind docker. */
        public Builder docker(List<String> env, String network, List<String> volumes) {
            targetKind = "docker";
            dockerEnv = env == null ? new ArrayList<>() : new ArrayList<>(env);
            this.network = network;
            this.volumes = volumes == null ? new ArrayList<>() : new ArrayList<>(volumes);
            return this;
        }

        public Builder ports(String v) { ports = v; return this; }
        public Builder portVariable(String v) { portVariable = v; return this; }
        public Builder replicas(Integer v) { replicas = v; return this; }
        public Builder healthTimeoutSeconds(Integer v) { healthTimeoutS = v; return this; }
        public Builder migration(List<String> v) { migration = v == null ? new ArrayList<>() : new ArrayList<>(v); return this; }
        public Builder migrationTimeoutSeconds(Integer v) { migrationTimeoutS = v; return this; }
        public Builder stateDir(String v) { stateDir = v; return this; }
        public Builder lockTimeoutSeconds(Integer v) { lockTimeoutS = v; return this; }
        public Builder buildUrl(String v) { buildUrl = v; return this; }
        public Builder imageSource(String v) { imageSource = v; return this; }
        public Builder buildContext(String v) { buildContext = v; return this; }
        public Builder dockerfile(String v) { dockerfile = v; return this; }
        public Builder buildArgs(List<String> v) { buildArgs = v == null ? new ArrayList<>() : new ArrayList<>(v); return this; }
        public Builder labels(List<String> v) { labels = v == null ? new ArrayList<>() : new ArrayList<>(v); return this; }
        public Builder upstreamHost(String v) { upstreamHost = v; return this; }
        public Builder switchSettings(SwitchSettings v) { switchSettings = v; return this; }

        public DeployRequest build() {
            String svc = name("service", service);
            String env = environment == null || environment.isBlank() ? DEFAULT_ENVIRONMENT : name("environment", environment.strip());
            ImageRef ref = ImageRef.parse("image", image == null ? null : image.strip());
            String ver = version == null || version.isBlank() ? ref.tag() : version.strip();
            if (ver == null) {
                throw new ParameterException("version", "the image " + ref + " has no tag to take the version from", "a version such as '1.2.3'");
            }
            if (!VERSION.matcher(ver).matches()) {
                throw new ParameterException("version", ParameterException.show(ver) + " is not a valid version",
                        "1 to 128 characters of letters, digits, '_', '.', '+' and '-', such as '1.2.3' or '2025.01.17-hotfix'");
            }
            Strategy strat = Strategy.parse("strategy", strategy);
            TargetSpec target = target(svc);
            PortPlan plan = PortPlan.parse("target.ports", ports, strat);
            String portVar = portVariable == null || portVariable.isBlank() ? DEFAULT_PORT_VARIABLE : portVariable.strip();
            if (!ENV_NAME.matcher(portVar).matches()) {
                throw new ParameterException("target.portVariable", ParameterException.show(portVar) + " is not an environment variable name",
                        "a name such as 'PORT' or 'HTTP_PORT' (letters, digits and '_', not starting with a digit)");
            }
            if (replicas != null && (replicas < 1 || replicas > 50)) {
                throw new ParameterException("replicas", "got " + replicas, "a number of replicas from 1 to 50 (or nothing: as many as run now, at least 1)");
            }
            if (replicas != null && strat != Strategy.ROLLING) {
                throw new ParameterException("replicas", "replicas only applies to the rolling strategy, this is " + strat, "no replicas for " + strat);
            }
            if (plan instanceof PortPlan.Range r && replicas != null && r.size() < replicas + 1) {
                throw new ParameterException("target.ports", "the range " + r + " holds " + r.size() + " ports, rolling " + replicas
                        + " replicas needs " + (replicas + 1) + " (one new replica starts before an old one stops)", PortPlan.accepted(strat));
            }
            Duration health = seconds("healthTimeout", healthTimeoutS, DEFAULT_HEALTH_TIMEOUT_S, 1, 86400);
            Duration migTimeout = seconds("migrationTimeout", migrationTimeoutS, DEFAULT_MIGRATION_TIMEOUT_S, 1, 86400);
            Duration lock = seconds("lockTimeout", lockTimeoutS, DEFAULT_LOCK_TIMEOUT_S, 0, 86400);
            for (int i = 0; i < migration.size(); i++) {
                String a = migration.get(i);
                if (a == null || a.indexOf('\0') >= 0 || (i == 0 && a.isBlank())) {
                    throw new ParameterException("migration[" + i + "]", "argument " + ParameterException.show(a) + " is empty or holds a NUL character",
                            "a command as a list of arguments, run in the new release's container, e.g. ['alembic', 'upgrade', 'head']");
                }
            }
            if (!migration.isEmpty() && strat != Strategy.BLUE_GREEN) {
                throw new ParameterException("migration", "a migration runs once in the new colour before traffic, which only the blueGreen strategy has",
                        "no migration for " + strat + " (run it as its own step before the deploy)");
            }
            ImageSource source = ImageSource.parse("imageSource", imageSource);
            String context = blankToNull(buildContext);
            if (source == ImageSource.BUILD && context == null) {
                throw new ParameterException("buildContext", "imageSource 'build' needs a build context", "a directory with the Dockerfile, such as '.'");
            }
            if (source != ImageSource.BUILD && (context != null || blankToNull(dockerfile) != null || !buildArgs.isEmpty())) {
                throw new ParameterException(context != null ? "buildContext" : blankToNull(dockerfile) != null ? "dockerfile" : "buildArgs",
                        "build settings are only used with imageSource: 'build', this is '" + source + "'", "imageSource: 'build' with them, or none of them");
            }
            checkPath("buildContext", context);
            checkPath("dockerfile", blankToNull(dockerfile));
            String sd = blankToNull(stateDir);
            checkPath("stateDir", sd);
            Map<String, String> bargs = pairs("buildArgs", buildArgs, ENV_NAME, "NAME=value with NAME a build argument name");
            Map<String, String> lbls = pairs("labels", labels, LABEL_KEY, "key=value with a key of letters, digits, '.', '_', '/' and '-'");
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i).chars().anyMatch(Character::isISOControl)) { // a label is one line: docker ps, reports and logs read it so
                    throw new ParameterException("labels[" + i + "]", "got " + ParameterException.show(labels.get(i)) + ", which holds a line break or control character",
                            "key=value on one line");
                }
            }
            for (String k : lbls.keySet()) {
                if (k.startsWith(Labels.PREFIX)) {
                    throw new ParameterException("labels", "label " + ParameterException.show(k) + " uses the prefix " + Labels.PREFIX
                            + ", which squadDeploy writes itself", "labels outside " + Labels.PREFIX + "*");
                }
            }
            String upstream = upstreamHost == null || upstreamHost.isBlank() ? "127.0.0.1" : upstreamHost.strip();
            if (!HOST.matcher(upstream).matches()) {
                throw new ParameterException("upstreamHost", ParameterException.show(upstream) + " is not a host name or address", "a host such as '127.0.0.1'");
            }
            String url = blankToNull(buildUrl);
            if (url != null && (url.length() > 2000 || url.chars().anyMatch(Character::isISOControl))) {
                throw new ParameterException("buildUrl", "the build URL is too long or holds control characters", "a URL");
            }
            return new DeployRequest(svc, env, ref, ver, strat, target, plan, portVar, replicas, health, List.copyOf(migration), migTimeout,
                    sd, lock, url, source, context, blankToNull(dockerfile), bargs, lbls, upstream, switchSettings);
        }

        private TargetSpec target(String svc) {
            if (targetKind == null) {
                throw new ParameterException("target", "no target was given", "composeTarget(files: [...], ...) or dockerTarget(...)");
            }
            if (targetKind.equals("compose")) {
                if (composeFiles.isEmpty()) {
                    throw new ParameterException("target.files", "no compose file was given", "a list of compose files such as ['docker-compose.prod.yml']");
                }
                for (int i = 0; i < composeFiles.size(); i++) {
                    String f = composeFiles.get(i);
                    if (f == null || f.isBlank()) {
                        throw new ParameterException("target.files[" + i + "]", "the file name is empty", "a path to a compose file");
                    }
                    checkPath("target.files[" + i + "]", f);
                }
                String project = composeProject == null || composeProject.isBlank() ? svc : composeProject.strip();
                if (!NAME.matcher(project).matches()) {
                    throw new ParameterException("target.project", ParameterException.show(project) + " is not a valid compose project name", NAME_FORM);
                }
                String ef = blankToNull(envFile);
                checkPath("target.envFile", ef);
                List<String> services = composeServices.isEmpty() ? List.of(svc) : composeServices;
                Set<String> seen = new LinkedHashSet<>();
                for (int i = 0; i < services.size(); i++) {
                    String s = services.get(i);
                    if (s == null || !COMPOSE_SERVICE.matcher(s).matches()) {
                        throw new ParameterException("target.services[" + i + "]", ParameterException.show(s) + " is not a compose service name",
                                "a service of the compose file: letters, digits, '.', '_' and '-', starting with a letter or digit");
                    }
                    if (!seen.add(s)) {
                        throw new ParameterException("target.services[" + i + "]", "service " + ParameterException.show(s) + " is listed twice", "each service once");
                    }
                }
                return new TargetSpec.Compose(composeFiles.stream().map(String::strip).toList(), project, ef, List.copyOf(seen));
            }
            Map<String, String> env = pairs("target.env", dockerEnv, ENV_NAME, "NAME=value with NAME of letters, digits and '_', not starting with a digit");
            String net = network == null || network.isBlank() ? "host" : network.strip();
            if (!NETWORK.matcher(net).matches()) {
                throw new ParameterException("target.network", ParameterException.show(net) + " is not a Docker network name", "'host' (default), 'bridge' or a network name");
            }
            for (int i = 0; i < volumes.size(); i++) {
                String v = volumes.get(i);
                if (v == null || v.indexOf(':') <= 0 || v.startsWith("-") || v.chars().anyMatch(Character::isISOControl)) {
                    throw new ParameterException("target.volumes[" + i + "]", ParameterException.show(v) + " is not a volume", "'source:target[:options]', e.g. '/srv/app/config:/app/config:ro'");
                }
            }
            return new TargetSpec.Docker(env, net, volumes);
        }

        private static String name(String parameter, String value) {
            if (value == null || value.isBlank()) {
                throw new ParameterException(parameter, "no " + parameter + " was given", NAME_FORM);
            }
            if (!NAME.matcher(value).matches()) {
                throw new ParameterException(parameter, ParameterException.show(value) + " is not a valid " + parameter + " name", NAME_FORM);
            }
            return value;
        }

        private static Duration seconds(String parameter, Integer value, int dflt, int min, int max) {
            int v = value == null ? dflt : value;
            if (v < min || v > max) {
                throw new ParameterException(parameter, "got " + v, "a whole number of seconds from " + min + " to " + max + " (default " + dflt + ")");
            }
            return Duration.ofSeconds(v);
        }

        private static Map<String, String> pairs(String parameter, List<String> items, Pattern key, String form) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                String kv = items.get(i);
                int eq = kv == null ? -1 : kv.indexOf('=');
                if (eq <= 0 || !key.matcher(kv.substring(0, eq)).matches() || kv.indexOf('\0') >= 0) {
                    throw new ParameterException(parameter + "[" + i + "]", "got " + ParameterException.show(kv), form);
                }
                if (m.put(kv.substring(0, eq), kv.substring(eq + 1)) != null) {
                    throw new ParameterException(parameter + "[" + i + "]", ParameterException.show(kv.substring(0, eq)) + " is given twice", form);
                }
            }
            return m;
        }

        private static void checkPath(String parameter, String path) {
            if (path != null && (path.chars().anyMatch(Character::isISOControl) || path.length() > 4096)) {
                throw new ParameterException(parameter, "the path " + ParameterException.show(path) + " holds control characters or is too long", "a file path");
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }
}
