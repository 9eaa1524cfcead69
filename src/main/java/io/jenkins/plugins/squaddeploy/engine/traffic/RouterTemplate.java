package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The router config templates. The built-in ones are the shared-library resources
 * {@code resources/io/jenkins/plugins/squaddeploy/nginx-upstream.conf.tmpl} and {@code haproxy-backend.cfg.tmpl},
 * of which the plugin carries a byte-identical classpath copy (a test keeps the two equal).
 *
 * <p>Placeholders are {@code {{name}}}. A line holding {@code {{address}}} is the server line: it is repeated for
 * every server, with {@code {{address}}} (host:port, IPv6 in brackets), {@code {{name}}} (the server's name, e.g.
 * {@code green-1}) and {@code {{disabled}}} (" disabled" for a server of an inactive colour, else empty). Other
 * placeholders ({@code {{service}}}, {@code {{colour}}}, {@code {{backend}}}) are replaced everywhere.
 */
public final class RouterTemplate {
    public static final String NGINX = "nginx-upstream.conf.tmpl";
    public static final String HAPROXY = "haproxy-backend.cfg.tmpl";
    /** Where the built-in templates are, in {@code resources/} and on the classpath. */
    public static final String RESOURCE_DIR = "io/jenkins/plugins/squaddeploy/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)}}");

    /** One rendered server line's values. */
    public record Server(String name, TrafficRouter.Upstream upstream, boolean disabled) {
    }

    private RouterTemplate() {
    }

    /** A built-in template's text, from the classpath. */
    public static String builtIn(String name) {
        try (InputStream in = RouterTemplate.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("built-in template " + RESOURCE_DIR + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks a template before use: exactly one server line, only known placeholders, the required ones present.
     * @param parameter the parameter that named the template, for the error
     */
    public static void validate(String template, List<String> known, List<String> requiredOnServerLine, String parameter) {
        String form = "a template with one server line holding " + String.join(", ", requiredOnServerLine.stream().map(p -> "{{" + p + "}}").toList())
                + " and no placeholders other than " + String.join(", ", known.stream().map(p -> "{{" + p + "}}").toList());
        int serverLines = 0;
        for (String line : template.split("\n", -1)) {
            Matcher m = PLACEHOLDER.matcher(line);
            while (m.find()) {
                if (!known.contains(m.group(1))) {
                    throw new ParameterException(parameter, "unknown placeholder " + m.group() + " in the template", form);
                }
            }
            if (line.contains("{{address}}")) {
                serverLines++;
                for (String r : requiredOnServerLine) {
                    if (!line.contains("{{" + r + "}}")) {
                        throw new ParameterException(parameter, "the server line " + ParameterException.show(line.strip()) + " has no {{" + r + "}}", form);
                    }
                }
            } else if (line.contains("{{name}}") || line.contains("{{disabled}}")) {
                throw new ParameterException(parameter, "{{name}} and {{disabled}} may only appear on the server line (the one with {{address}})", form);
            }
        }
        if (serverLines != 1) {
            throw new ParameterException(parameter, "the template has " + serverLines + " server lines (lines with {{address}})", form);
        }
    }

    /** Renders a validated template. */
    public static String render(String template, Map<String, String> values, List<Server> servers) {
        StringBuilder out = new StringBuilder();
        String[] lines = template.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean last = i == lines.length - 1;
            if (line.contains("{{address}}")) {
                for (Server s : servers) {
                    String l = line.replace("{{address}}", address(s.upstream()))
                            .replace("{{name}}", s.name())
                            .replace("{{disabled}}", s.disabled() ? " disabled" : "");
                    out.append(fill(l, values)).append('\n');
                }
                continue;
            }
            out.append(fill(line, values));
            if (!last) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** {@code host:port}, with an IPv6 host in brackets as nginx and HAProxy want it. */
    public static String address(TrafficRouter.Upstream u) {
        return (u.host().contains(":") ? "[" + u.host() + "]" : u.host()) + ":" + u.port();
    }

    private static String fill(String line, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static List<String> lines(String text) {
        return text == null ? List.of() : new ArrayList<>(List.of(text.split("\n", -1)));
    }
}
