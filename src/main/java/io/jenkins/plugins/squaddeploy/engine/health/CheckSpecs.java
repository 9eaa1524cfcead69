package io.jenkins.plugins.squaddeploy.engine.health;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.Params;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds validated {@link CheckSpec}s from what users write, with errors that name the parameter and
 * the accepted form. Everything is checked, and every credential looked up, before any check runs.
 */
public final class CheckSpecs {
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+]|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> KINDS = Set.of("http", "tcp", "postgres", "redis", "command", "prometheus");
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade");

    private CheckSpecs() {
    }

    public static CheckSpec.Http http(String p, String name, String url, List<Integer> expectedStatus, List<String> expect,
                                      Map<String, String> headers, Credential credential, Integer maxBodyBytes) {
        URI uri = url(p + ".url", url);
        Set<Integer> statuses = new LinkedHashSet<>();
        if (expectedStatus == null || expectedStatus.isEmpty()) {
            statuses.add(200);
        } else {
            for (int i = 0; i < expectedStatus.size(); i++) {
                Integer s = expectedStatus.get(i);
                if (s == null || s < 100 || s > 599) {
                    throw new ParameterException(p + ".status[" + i + "]", "got " + ParameterException.show(s), "an HTTP status code from 100 to 599");
                }
                statuses.add(s);
            }
        }
        List<JsonExpectation> expectations = new ArrayList<>();
        if (expect != null) {
            for (int i = 0; i < expect.size(); i++) {
                expectations.add(JsonExpectation.parse(expect.get(i), p + ".expect[" + i + "]"));
            }
        }
        Map<String, String> hdrs = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k == null || !HEADER.matcher(k).matches() || RESTRICTED_HEADERS.contains(k.toLowerCase(Locale.ROOT))) {
                    throw new ParameterException(p + ".headers", "header name " + ParameterException.show(k) + " is not allowed",
                            "HTTP header names made of letters, digits and -, other than Host, Connection, Content-Length, Expect, Upgrade");
                }
                if (k.equalsIgnoreCase("authorization")) {
                    throw new ParameterException(p + ".headers", "an Authorization header would put a secret in the pipeline",
                            "a credentialsId (Username with password for Basic, Secret text for Bearer) instead of the header");
                }
                if (v == null || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0 || v.length() > 4096) {
                    throw new ParameterException(p + ".headers." + k, "value " + ParameterException.show(v) + " is missing, too long or holds a line break", "one line of text up to 4096 characters");
                }
                hdrs.put(k, v);
            });
        }
        int max = maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
        if (max < 1 || max > 64 * 1024 * 1024) {
            throw new ParameterException(p + ".maxBodyBytes", "got " + max, "a number of bytes from 1 to 67108864");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return new CheckSpec.Http(name(p, name, "http-" + uri.getHost() + (uri.getPort() > 0 ? "-" + uri.getPort() : "") + path), uri, statuses, expectations, hdrs, credential, max);
    }

    public static CheckSpec.Tcp tcp(String p, String name, String host, Integer port) {
        String h = host(p + ".host", host);
        int prt = port(p + ".port", port);
        return new CheckSpec.Tcp(name(p, name, "tcp-" + h + "-" + prt), h, prt);
    }

    public static CheckSpec.Postgres postgres(String p, String name, String host, Integer port, String database, Credential credential) {
        String h = host(p + ".host", host);
        int prt = port == null ? 5432 : port(p + ".port", port);
        String db = database == null || database.isEmpty() ? "postgres" : database;
        if (!DATABASE.matcher(db).matches()) {
            throw new ParameterException(p + ".database", "got " + ParameterException.show(db), "a database name of letters, digits, _, $ and -, starting with a letter or _");
        }
        return new CheckSpec.Postgres(name(p, name, "postgres-" + h + "-" + prt + "-" + db), h, prt, db, credential);
    }

    public static CheckSpec.Redis redis(String p, String name, String host, Integer port, Credential credential) {
        String h = host(p + ".host", host);
        int prt = port == null ? 6379 : port(p + ".port", port);
        return new CheckSpec.Redis(name(p, name, "redis-" + h + "-" + prt), h, prt, credential);
    }

    /** Named queries for the thresholds the seed runbooks roll back on. */
    public enum Preset {
        /** Share of 5xx responses over the window; seed 004 rolls back above 5 %, seed 001 above 10 %. */
        ERROR_RATE("error-rate", "sum(rate(http_requests_total{status=~\"5..\"%s}[%s])) / sum(rate(http_requests_total{%s}[%s]))", 0.05),
        /** 95th percentile latency in seconds from the request duration histogram; seed 001 rolls back above 2 s. */
        P95_LATENCY("p95-latency", "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{%s}[%s])))", 2.0);

        final String id;
        final String template;
        final double defaultMax;

        Preset(String id, String template, double defaultMax) {
            this.id = id;
            this.template = template;
            this.defaultMax = defaultMax;
        }

        String query(String selector, String window) {
            return this == ERROR_RATE
                    ? String.format(template, selector.isEmpty() ? "" : "," + selector, window, selector, window)
                    : String.format(template, selector, window);
        }

        static Preset of(String p, String id) {
            for (Preset x : values()) {
                if (x.id.equals(id)) {
                    return x;
                }
            }
            throw new ParameterException(p, "unknown preset " + ParameterException.show(id), "one of 'error-rate', 'p95-latency'");
        }
    }

    private static final Pattern SELECTOR = Pattern.compile("\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*(=|!=|=~|!~)\\s*\"[^\"\\\\\\n]*\"\\s*(,\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*(=|!=|=~|!~)\\s*\"[^\"\\\\\\n]*\"\\s*)*");
    private static final Pattern WINDOW = Pattern.compile("[1-9][0-9]{0,4}[smh]");

    /**
     * A Prometheus check: {@code query} or {@code preset} (+ {@code selector}, {@code window}), with {@code max}
     * and/or {@code min} (a preset brings its default max) and a no-data policy ({@code fail} by default).
     */
    public static CheckSpec.Prometheus prometheus(String p, String name, String server, String query, String preset, String selector,
                                                  String window, Double min, Double max, String noData, Credential credential) {
        URI uri = url(p + ".url", server);
        String q;
        Double mx = max;
        if (preset != null && !preset.isEmpty()) {
            if (query != null && !query.isEmpty()) {
                throw new ParameterException(p + ".query", "both a query and a preset were given", "either query or preset");
            }
            Preset pr = Preset.of(p + ".preset", preset);
            String sel = selector == null ? "" : selector.strip();
            if (!sel.isEmpty() && !SELECTOR.matcher(sel).matches()) {
                throw new ParameterException(p + ".selector", "got " + ParameterException.show(selector), "label matchers such as job=\"squad-api\", instance=~\"127.0.0.1:.*\"");
            }
            String w = window == null || window.isEmpty() ? "1m" : window;
            if (!WINDOW.matcher(w).matches()) {
                throw new ParameterException(p + ".window", "got " + ParameterException.show(window), "a duration such as 30s, 1m or 5m");
            }
            q = pr.query(sel, w);
            if (mx == null && min == null) {
                mx = pr.defaultMax;
            }
        } else {
            q = query;
            if (q == null || q.isBlank()) {
                throw new ParameterException(p + ".query", "no query or preset given", "a PromQL expression, or preset: 'error-rate' or 'p95-latency'");
            }
            String unbalanced = unbalanced(q);
            if (unbalanced != null) {
                throw new ParameterException(p + ".query", "PromQL " + ParameterException.show(q) + " cannot be parsed: " + unbalanced, "a PromQL expression such as sum(rate(http_requests_total[1m]))");
            }
        }
        if (mx == null && min == null) {
            throw new ParameterException(p + ".max", "no threshold given", "max and/or min, the bounds a good value stays within (e.g. max: 0.05)");
        }
        for (Double d : new Double[] {min, mx}) {
            if (d != null && (d.isNaN() || d.isInfinite())) {
                throw new ParameterException(p + (d == min ? ".min" : ".max"), "got " + d, "a finite number");
            }
        }
        if (min != null && mx != null && min > mx) {
            throw new ParameterException(p + ".min", "min " + min + " is above max " + mx, "min <= max");
        }
        CheckSpec.Prometheus.NoData nd;
        try {
            nd = CheckSpec.Prometheus.NoData.valueOf((noData == null || noData.isEmpty() ? "fail" : noData).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(p + ".noData", "got " + ParameterException.show(noData), "one of 'fail', 'pass', 'inconclusive'");
        }
        String fallback = "prometheus-" + (preset != null && !preset.isEmpty() ? preset : "query");
        return new CheckSpec.Prometheus(name(p, name, fallback), uri, q, min, mx, nd, credential);
    }

    /** A quick local check that quotes and brackets are balanced; the server reports the rest as an ERROR. */
    private static String unbalanced(String q) {
        if (q.indexOf('\n') >= 0 || q.indexOf('\0') >= 0 || q.length() > 4096) {
            return "line break, NUL or longer than 4096 characters";
        }
        java.util.Deque<Character> open = new java.util.ArrayDeque<>();
        char quote = 0;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if ("([{".indexOf(c) >= 0) {
                open.push(c);
            } else if (")]}".indexOf(c) >= 0) {
                char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
                if (open.isEmpty() || open.pop() != expected) {
                    return "unexpected '" + c + "' at position " + (i + 1);
                }
            }
        }
        if (quote != 0) {
            return "unterminated string";
        }
        return open.isEmpty() ? null : "unclosed '" + open.peek() + "'";
    }

    public static CheckSpec.Command command(String p, String name, List<String> argv, Map<String, String> env) {
        if (argv == null || argv.isEmpty()) {
            throw new ParameterException(p + ".command", "the command is empty", "a list of arguments such as ['pg_isready', '-h', '127.0.0.1'] (no shell: each argument is passed as is)");
        }
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a == null || a.indexOf('\0') >= 0 || (i == 0 && a.isBlank())) {
                throw new ParameterException(p + ".command[" + i + "]", "argument " + ParameterException.show(a) + " is empty or holds a NUL character", "a list of non-empty arguments");
            }
        }
        Map<String, String> e = new LinkedHashMap<>();
        if (env != null) {
            env.forEach((k, v) -> {
                if (k == null || !ENV_NAME.matcher(k).matches()) {
                    throw new ParameterException(p + ".env", "variable name " + ParameterException.show(k) + " is invalid", "names of letters, digits and _, not starting with a digit");
                }
                if (v == null || v.indexOf('\0') >= 0) {
                    throw new ParameterException(p + ".env." + k, "value is missing or holds a NUL character", "a string");
                }
                e.put(k, v);
            });
        }
        String base = argv.get(0).replaceAll(".*/", "").replaceAll("[^A-Za-z0-9_.-]", "");
        return new CheckSpec.Command(name(p, name, "command-" + (base.isEmpty() ? "run" : base)), argv, e);
    }

    /**
     * Rejects an empty list and duplicate names. Default names hold kind, host, port and path
     * ({@code http-127.0.0.1-8080/health}), so they differ unless two checks are the same.
     */
    public static List<CheckSpec> uniqueNames(List<CheckSpec> specs) {
        if (specs == null || specs.isEmpty()) {
            throw new ParameterException("checks", "no checks were given", "a list of one or more checks, e.g. [httpCheck(url: 'http://127.0.0.1:8080/health')]");
        }
        Set<String> seen = new HashSet<>();
        List<CheckSpec> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            CheckSpec s = specs.get(i);
            if (!seen.add(s.name())) {
                throw new ParameterException("checks[" + i + "].name", "name " + ParameterException.show(s.name()) + " is used by an earlier check", "a name that is unique within the step (set name: explicitly)");
            }
            out.add(s);
        }
        return out;
    }

    /**
     * Parses checks written as maps: the CLI's JSON file and maps from Groovy vars. Each map has exactly one
     * of {@code http}, {@code tcp}, {@code postgres}, {@code redis}, {@code command} plus its options, e.g.
     * {@code {"name": "api", "http": "http://127.0.0.1:8080/health", "expect": ["$.status == 'healthy'"]}}.
     */
    public static List<CheckSpec> fromMaps(List<?> checks, SecretSource secrets) throws IOException, InterruptedException {
        if (checks == null || checks.isEmpty()) {
            return uniqueNames(List.of());
        }
        List<CheckSpec> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            String p = "checks[" + i + "]";
            if (!(checks.get(i) instanceof Map<?, ?> raw)) {
                throw new ParameterException(p, "got " + ParameterException.show(checks.get(i)), "a map such as {\"http\": \"http://127.0.0.1:8080/health\"}");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            raw.forEach((k, v) -> m.put(String.valueOf(k), v));
            List<String> kinds = m.keySet().stream().filter(KINDS::contains).toList();
            if (kinds.size() != 1) {
                throw new ParameterException(p, kinds.isEmpty() ? "no check kind given" : "several kinds given " + kinds, "exactly one of http, tcp, postgres, redis, command");
            }
            String kind = kinds.get(0);
            Set<String> allowed = switch (kind) {
                case "http" -> Set.of("http", "name", "status", "expect", "headers", "credentialsId", "maxBodyBytes");
                case "command" -> Set.of("command", "name", "env");
                case "tcp" -> Set.of("tcp", "name");
                case "prometheus" -> Set.of("prometheus", "name", "query", "preset", "selector", "window", "min", "max", "noData", "credentialsId");
                default -> Set.of(kind, "name", "credentialsId", "database");
            };
            for (String key : m.keySet()) {
                if (!allowed.contains(key)) {
                    throw new ParameterException(p + "." + key, "unknown option for a " + kind + " check", "one of " + new java.util.TreeSet<>(allowed));
                }
            }
            String name = str(m, "name", p);
            String credId = str(m, "credentialsId", p);
            Credential cred = credId == null ? null : secrets.lookup(credId, p + ".credentialsId", kind.equals("postgres"));
            switch (kind) {
                case "http" -> out.add(http(p, name, str(m, "http", p), ints(m, "status", p), Params.strings(m, "expect", p),
                        stringMap(m, "headers", p), cred, m.get("maxBodyBytes") == null ? null : integer(m.get("maxBodyBytes"), p + ".maxBodyBytes")));
                case "tcp" -> {
                    HostPort hp = HostPort.parse(p + ".tcp", str(m, "tcp", p), null);
                    out.add(tcp(p, name, hp.host(), hp.port()));
                }
                case "postgres" -> {
                    HostPort hp = HostPort.parse(p + ".postgres", str(m, "postgres", p), 5432);
                    out.add(postgres(p, name, hp.host(), hp.port(), hp.path() != null ? hp.path() : str(m, "database", p), cred));
                }
                case "redis" -> {
                    HostPort hp = HostPort.parse(p + ".redis", str(m, "redis", p), 6379);
                    out.add(redis(p, name, hp.host(), hp.port(), cred));
                }
                case "prometheus" -> out.add(prometheus(p, name, str(m, "prometheus", p), str(m, "query", p), str(m, "preset", p),
                        str(m, "selector", p), str(m, "window", p), dbl(m, "min", p), dbl(m, "max", p), str(m, "noData", p), cred));
                default -> out.add(command(p, name, Params.strings(m, "command", p), stringMap(m, "env", p)));
            }
        }
        return uniqueNames(out);
    }

    static URI url(String p, String url) {
        return Params.httpUrl(p, url, "an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080/health", " and a credentialsId for the login");
    }

    static String host(String p, String host) {
        if (host == null || host.isEmpty() || host.length() > 253 || !HOST.matcher(host).matches()) {
            throw new ParameterException(p, "got " + ParameterException.show(host), "a host name or IP address such as 127.0.0.1 or db.internal");
        }
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    static int port(String p, Integer port) {
        if (port == null || port < 1 || port > 65535) {
            throw new ParameterException(p, "got " + ParameterException.show(port), "a port number from 1 to 65535");
        }
        return port;
    }

    private static String name(String p, String name, String fallback) {
        String n = name;
        if (name == null || name.isEmpty()) {
            n = fallback.replaceAll("[^A-Za-z0-9_./-]+", "-").replaceAll("-{2,}", "-").replaceAll("[-/]+$", "");
            n = n.length() > 64 ? n.substring(0, 64) : n;
        }
        if (!NAME.matcher(n).matches()) {
            throw new ParameterException(p + ".name", "got " + ParameterException.show(name), "1 to 64 letters, digits, '.', '_', '/' or '-', starting with a letter or digit");
        }
        return n;
    }

    private static String str(Map<String, Object> m, String key, String p) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String || v instanceof CharSequence) {
            return v.toString();
        }
        throw new ParameterException(p + "." + key, "got " + ParameterException.show(v), "a string");
    }


    private static List<Integer> ints(Map<String, Object> m, String key, String p) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        List<?> l = v instanceof List<?> list ? list : List.of(v);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(integer(l.get(i), p + "." + key + "[" + i + "]"));
        }
        return out;
    }

    private static Integer integer(Object v, String p) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            long l = ((Number) v).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
        }
        throw new ParameterException(p, "got " + ParameterException.show(v), "a whole number");
    }

    private static Double dbl(Map<String, Object> m, String key, String p) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new ParameterException(p + "." + key, "got " + ParameterException.show(v), "a number");
    }

    private static Map<String, String> stringMap(Map<String, Object> m, String key, String p) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> raw)) {
            throw new ParameterException(p + "." + key, "got " + ParameterException.show(v), "a map of names to strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, val) -> out.put(String.valueOf(k), val == null ? null : String.valueOf(val)));
        return out;
    }

    /** {@code host:port[/path]} as written in CLI flags and maps. */
    public record HostPort(String host, int port, String path) {
        public static HostPort parse(String p, String text, Integer defaultPort) {
            String form = "host:port such as 127.0.0.1:" + (defaultPort == null ? "8080" : defaultPort) + (p.endsWith("postgres") ? "/database" : "");
            if (text == null || text.isBlank()) {
                throw new ParameterException(p, "nothing given", form);
            }
            String s = text;
            String path = null;
            int slash = s.indexOf('/');
            if (slash >= 0) {
                path = s.substring(slash + 1);
                s = s.substring(0, slash);
            }
            String host = s;
            Integer port = defaultPort;
            int colon = s.lastIndexOf(':');
            if (colon > 0 && (s.startsWith("[") ? s.indexOf(']') < colon : s.indexOf(':') == colon)) {
                host = s.substring(0, colon);
                try {
                    port = Integer.valueOf(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new ParameterException(p, "port in " + ParameterException.show(text) + " is not a number", form);
                }
            }
            if (port == null) {
                throw new ParameterException(p, "no port in " + ParameterException.show(text), form);
            }
            return new HostPort(CheckSpecs.host(p, host), CheckSpecs.port(p, port), path == null || path.isEmpty() ? null : path);
        }
    }
}
