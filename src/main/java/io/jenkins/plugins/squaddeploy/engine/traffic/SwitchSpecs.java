package io.jenkins.plugins.squaddeploy.engine.traffic;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.Params;
import io.jenkins.plugins.squaddeploy.engine.health.CheckSpecs;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the validated parts of a switch from what users write (step parameters, CLI flags), with errors that
 * name the parameter and the accepted form. Everything is checked before the router is touched.
 */
public final class SwitchSpecs {
    public static final String DEFAULT_VERSION_PATH = "$.version";
    public static final int DEFAULT_VERIFY_DEADLINE_S = 60;
    public static final int DEFAULT_SAMPLES = 10;
    public static final int DEFAULT_STOP_OLD_AFTER_S = 600;
    public static final int MAX_STOP_OLD_AFTER_S = 7 * 24 * 3600;

    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern COLOUR = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final Pattern PATH_TEXT = Pattern.compile("[^\\x00-\\x1f\\x7f;{}'\"\\\\]+");

    private SwitchSpecs() {
    }

    public static String service(String p, String service) {
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw new ParameterException(p, "got " + ParameterException.show(service),
                    "a service name of 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. 'api'");
        }
        return service;
    }

    public static String colourName(String p, String colour) {
        if (colour == null || !COLOUR.matcher(colour).matches()) {
            throw new ParameterException(p, "got " + ParameterException.show(colour),
                    "a colour name of 1 to 32 letters, digits or '_', starting with a letter, e.g. 'blue' or 'green'");
        }
        return colour;
    }

    /** {@code host:port}, e.g. {@code 127.0.0.1:8002} or {@code [::1]:8002}. */
    public static TrafficRouter.Upstream upstream(String p, String text) {
        CheckSpecs.HostPort hp = CheckSpecs.HostPort.parse(p, text == null ? null : text.strip(), null);
        if (hp.path() != null) {
            throw new ParameterException(p, ParameterException.show(text) + " has a path", "host:port such as 127.0.0.1:8002, without a path");
        }
        return new TrafficRouter.Upstream(hp.host(), hp.port());
    }

    public static List<TrafficRouter.Upstream> upstreams(String p, List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw new ParameterException(p, "no servers were given", "a list of one or more host:port, e.g. ['127.0.0.1:8002']");
        }
        List<TrafficRouter.Upstream> out = new ArrayList<>();
        Set<TrafficRouter.Upstream> seen = new HashSet<>();
        for (int i = 0; i < texts.size(); i++) {
            TrafficRouter.Upstream u = upstream(p + "[" + i + "]", texts.get(i));
            if (!seen.add(u)) {
                throw new ParameterException(p + "[" + i + "]", u + " is listed twice", "each server once");
            }
            out.add(u);
        }
        return out;
    }

    /** Colour names unique, every colour with servers; a server may belong to one colour only. */
    public static List<ColourSpec> colours(String p, List<ColourSpec> colours) {
        if (colours == null || colours.size() < 1) {
            throw new ParameterException(p, "no colours were given",
                    "a list of colours with their servers, e.g. [colour(name: 'blue', servers: ['127.0.0.1:8001']), colour(name: 'green', servers: ['127.0.0.1:8002'])]");
        }
        Set<String> names = new HashSet<>();
        Set<TrafficRouter.Upstream> servers = new HashSet<>();
        for (int i = 0; i < colours.size(); i++) {
            ColourSpec c = colours.get(i);
            if (!names.add(c.name())) {
                throw new ParameterException(p + "[" + i + "].name", "colour " + ParameterException.show(c.name()) + " is listed twice", "each colour once");
            }
            for (int j = 0; j < c.servers().size(); j++) {
                if (!servers.add(c.servers().get(j))) {
                    throw new ParameterException(p + "[" + i + "].servers[" + j + "]", c.servers().get(j) + " also belongs to another colour",
                            "servers that belong to one colour only");
                }
            }
        }
        return List.copyOf(colours);
    }

    /** The colour named {@code to}, which must be one of {@code colours}. */
    public static ColourSpec target(String p, String to, List<ColourSpec> colours) {
        colourName(p, to);
        for (ColourSpec c : colours) {
            if (c.name().equals(to)) {
                return c;
            }
        }
        throw new ParameterException(p, "colour " + ParameterException.show(to) + " is not one of the colours "
                + colours.stream().map(ColourSpec::name).toList(), "the name of one of the colours given in 'colours'");
    }

    public static URI publicUrl(String p, String url) {
        return Params.httpUrl(p, url, "the http:// or https:// URL of the health endpoint through the router, e.g. http://127.0.0.1:8080/health",
                ", without credentials");
    }

    public static String version(String p, String version) {
        if (version == null || version.isBlank() || version.length() > 128 || version.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw new ParameterException(p, "got " + ParameterException.show(version),
                    "the version the new colour reports, 1 to 128 printable characters, e.g. '2.0.0'");
        }
        return version;
    }

    /** A definite JSONPath such as {@code $.version} or {@code $.build.version}. */
    public static String versionPath(String p, String path) {
        String form = "a JSONPath to one value, e.g. $.version or $.build.version";
        String s = path == null || path.isBlank() ? DEFAULT_VERSION_PATH : path.strip();
        if (!s.startsWith("$")) {
            throw new ParameterException(p, ParameterException.show(s) + " does not start with $", form);
        }
        JsonPath compiled;
        try {
            compiled = JsonPath.compile(s);
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new ParameterException(p, "JSONPath " + ParameterException.show(s) + " cannot be parsed (" + io.jenkins.plugins.squaddeploy.engine.ParameterException.why(e) + ")", form);
        }
        if (!compiled.isDefinite()) {
            throw new ParameterException(p, ParameterException.show(s) + " may match several values", form);
        }
        return s;
    }

    public static Duration verifyDeadline(String p, int seconds) {
        if (seconds < 1 || seconds > 3600) {
            throw new ParameterException(p, "got " + seconds, "a number of seconds from 1 to 3600");
        }
        return Duration.ofSeconds(seconds);
    }

    public static int samples(String p, int samples) {
        if (samples < 1 || samples > 1000) {
            throw new ParameterException(p, "got " + samples, "a number of samples in a row from 1 to 1000");
        }
        return samples;
    }

    public static Duration stopOldAfter(String p, int seconds) {
        if (seconds < 0 || seconds > MAX_STOP_OLD_AFTER_S) {
            throw new ParameterException(p, "got " + seconds, "a number of seconds from 0 to " + MAX_STOP_OLD_AFTER_S + " (7 days)");
        }
        return Duration.ofSeconds(seconds);
    }

    /** An absolute path on the router's machine, e.g. {@code /etc/nginx/conf.d/api-upstream.conf}. */
    public static String absolutePath(String p, String path, String example) {
        if (path == null || !path.startsWith("/") || path.length() > 4096 || !PATH_TEXT.matcher(path).matches() || path.endsWith("/")) {
            throw new ParameterException(p, "got " + ParameterException.show(path),
                    "an absolute file path without quotes, ';', braces or control characters, e.g. " + example);
        }
        return path;
    }

    /**
     * A program name or path and its arguments: no NUL or line breaks (passed as argv, never through a shell).
     * @param argParam the name of argument {@code i}, for errors
     */
    public static List<String> argv(String programParam, java.util.function.IntFunction<String> argParam, String program, List<String> args,
                                    String defaultProgram) {
        String prog = program == null || program.isBlank() ? defaultProgram : program;
        if (prog.indexOf('\0') >= 0 || prog.contains("\n")) {
            throw new ParameterException(programParam, "got " + ParameterException.show(prog), "a program name or absolute path, e.g. " + defaultProgram);
        }
        List<String> out = new ArrayList<>();
        out.add(prog);
        if (args != null) {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a == null || a.indexOf('\0') >= 0 || a.contains("\n")) {
                    throw new ParameterException(argParam.apply(i), "argument " + ParameterException.show(a) + " is missing or holds a NUL or line break",
                            "a list of arguments, e.g. ['-p', '/etc/nginx/', '-c', '/etc/nginx/nginx.conf']");
                }
                out.add(a);
            }
        }
        return out;
    }

    /** Builds the engine request once every part is valid. */
    public static SwitchRequest request(String service, ColourSpec target, URI publicUrl, String expectedVersion, String versionPath,
                                        Duration verifyDeadline, int samples) {
        return new SwitchRequest(service, target.name(), target.servers(), publicUrl, expectedVersion, versionPath, verifyDeadline, samples);
    }
}
