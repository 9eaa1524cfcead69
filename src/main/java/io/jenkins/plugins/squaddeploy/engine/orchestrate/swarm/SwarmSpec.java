package io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker Swarm target, validated. Either {@code services} (existing services updated with
 * {@code docker service update --image}) or {@code stackFile} and {@code stack} ({@code docker stack deploy -c FILE STACK},
 * the image given to the stack file as variable {@code imageVariable}).
 *
 * @param updateParallelism {@code --update-parallelism}, null: as the service has it
 * @param updateDelay       {@code --update-delay} as a Docker duration ({@code 5s}, {@code 500ms}, {@code 1m30s}), null: as the service has it
 * @param updateMonitor     {@code --update-monitor}, same form
 * @param failureAction     {@code --update-failure-action}: {@code rollback} (default), {@code pause} or {@code continue}
 * @param maxFailureRatio   {@code --update-max-failure-ratio}, 0 to 1, null: as the service has it
 * @param stackRollback     when one service fails its update, roll back every other service this deploy changed (default true)
 */
public record SwarmSpec(List<String> services, String stackFile, String stack, String imageVariable, Integer updateParallelism,
                        String updateDelay, String updateMonitor, String failureAction, String maxFailureRatio, boolean stackRollback)
        implements OrchestratedSpec {
    private static final long serialVersionUID = 1L;
    public static final String KIND = "swarm";
    static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    static final Pattern STACK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}");
    static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final Pattern DURATION = Pattern.compile("(?:(\\d{1,6})(h|m|s|ms|us|ns))+");
    static final Pattern DURATION_PART = Pattern.compile("(\\d{1,6})(h|ms|m|s|us|ns)");
    static final Pattern RATIO = Pattern.compile("(?:0|1|0?\\.\\d{1,6}|1\\.0{1,6}|0\\.)");
    static final List<String> FAILURE_ACTIONS = List.of("rollback", "pause", "continue");
    static final String DURATION_FORM = "a Docker duration such as '0s', '5s', '500ms' or '1m30s' (or whole seconds), at most 1h";

    public SwarmSpec {
        services = List.copyOf(services == null ? List.of() : services);
    }

    @Override
    public String kind() {
        return KIND;
    }

    public boolean stackMode() {
        return stackFile != null;
    }

    @Override
    public String describe() {
        return stackMode() ? "swarm stack " + stack + " (" + stackFile + ")" : "swarm service" + (services.size() == 1 ? " " : "s ") + String.join(", ", services);
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("services", new ArrayList<>(services));
        m.put("stackFile", stackFile);
        m.put("stack", stack);
        m.put("imageVariable", imageVariable);
        m.put("updateParallelism", updateParallelism);
        m.put("updateDelay", updateDelay);
        m.put("updateMonitor", updateMonitor);
        m.put("failureAction", failureAction);
        m.put("maxFailureRatio", maxFailureRatio);
        m.put("stackRollback", stackRollback);
        return m;
    }

    /** Validates every parameter of {@code m} (keys as {@link #toMap()}); errors name {@code p.key}. */
    public static SwarmSpec of(Map<String, ?> m, String p) {
        List<String> services = new ArrayList<>();
        Object s = m.get("services");
        if (s instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                String name = l.get(i) == null ? null : l.get(i).toString().strip();
                if (name == null || !SERVICE.matcher(name).matches()) {
                    throw new ParameterException(p + ".services[" + i + "]", ParameterException.show(l.get(i)) + " is not a Swarm service name",
                            "1 to 63 letters, digits, '_', '.' and '-', starting with a letter or digit, e.g. 'shop_api'");
                }
                if (services.contains(name)) {
                    throw new ParameterException(p + ".services[" + i + "]", "service " + name + " is given twice", "each service once");
                }
                services.add(name);
            }
        } else if (s != null && !s.toString().isBlank()) {
            throw new ParameterException(p + ".services", "got " + ParameterException.show(s), "a list of Swarm service names, e.g. ['shop_api']");
        }
        String file = blank(m.get("stackFile"));
        String stack = blank(m.get("stack"));
        if (file != null && !services.isEmpty()) {
            throw new ParameterException(p + ".services", "both services and stackFile were given",
                    "either services (docker service update --image) or stackFile with stack (docker stack deploy)");
        }
        if (file == null && services.isEmpty()) {
            throw new ParameterException(p + ".services", stack != null ? "stack is given without stackFile" : "no service and no stack file was given",
                    "services: ['shop_api'] (docker service update --image) or stackFile: 'stack.yml' with stack: 'shop' (docker stack deploy)");
        }
        if (file != null) {
            if (file.indexOf('\0') >= 0 || file.startsWith("-")) {
                throw new ParameterException(p + ".stackFile", "got " + ParameterException.show(file), "a path to a compose file for the stack, e.g. 'stack.yml'");
            }
            if (stack == null || !STACK.matcher(stack).matches()) {
                throw new ParameterException(p + ".stack", stack == null ? "stackFile is given without stack" : ParameterException.show(stack)
                        + " is not a stack name", "a stack name of 1 to 63 letters, digits, '_' and '-', e.g. 'shop'");
            }
        } else if (stack != null) {
            throw new ParameterException(p + ".stack", "stack is given without stackFile", "stack together with stackFile, or services alone");
        }
        String var = blank(m.get("imageVariable"));
        var = var == null ? "IMAGE" : var;
        if (!VARIABLE.matcher(var).matches()) {
            throw new ParameterException(p + ".imageVariable", ParameterException.show(var) + " is not a variable name",
                    "a name such as 'IMAGE' used as ${IMAGE} in the stack file");
        }
        Integer par = null;
        Object po = m.get("updateParallelism");
        if (po != null && !po.toString().isBlank()) {
            try {
                par = po instanceof Number n ? n.intValue() : Integer.parseInt(po.toString().strip());
            } catch (NumberFormatException e) {
                par = -1;
            }
            if (par < 0 || par > 1000) {
                throw new ParameterException(p + ".updateParallelism", "got " + ParameterException.show(po),
                        "how many tasks Swarm updates at once: 0 (all at once) to 1000");
            }
        }
        String delay = duration(m.get("updateDelay"), p + ".updateDelay");
        String monitor = duration(m.get("updateMonitor"), p + ".updateMonitor");
        String action = blank(m.get("failureAction"));
        action = action == null ? "rollback" : action.toLowerCase(Locale.ROOT);
        if (!FAILURE_ACTIONS.contains(action)) {
            throw new ParameterException(p + ".failureAction", "got " + ParameterException.show(m.get("failureAction")),
                    "what Swarm does when an update fails: 'rollback' (default), 'pause' or 'continue'");
        }
        String ratio = blank(m.get("maxFailureRatio"));
        if (ratio != null) {
            double r;
            try {
                r = Double.parseDouble(ratio);
            } catch (NumberFormatException e) {
                r = -1;
            }
            if (r < 0 || r > 1 || ratio.contains("e") || ratio.contains("E") || ratio.contains("N") || ratio.contains("I")) {
                throw new ParameterException(p + ".maxFailureRatio", "got " + ParameterException.show(ratio),
                        "the share of tasks that may fail during an update, from 0 to 1, e.g. '0' or '0.2'");
            }
            ratio = Double.toString(r);
        }
        if (file != null && (par != null || delay != null || monitor != null || ratio != null || m.get("failureAction") != null
                && !blankIs(m.get("failureAction"), "rollback"))) {
            throw new ParameterException(p + (par != null ? ".updateParallelism" : delay != null ? ".updateDelay" : monitor != null ? ".updateMonitor"
                    : ratio != null ? ".maxFailureRatio" : ".failureAction"), "docker stack deploy takes the update settings from the stack file",
                    "deploy.update_config (parallelism, delay, monitor, failure_action, max_failure_ratio) in the stack file, or services instead of stackFile");
        }
        Object sr = m.get("stackRollback");
        boolean stackRollback = sr == null || Boolean.TRUE.equals(sr) || "true".equalsIgnoreCase(sr.toString().strip());
        if (sr != null && !(sr instanceof Boolean) && !List.of("true", "false").contains(sr.toString().strip().toLowerCase(Locale.ROOT))) {
            throw new ParameterException(p + ".stackRollback", "got " + ParameterException.show(sr), "true (default) or false");
        }
        return new SwarmSpec(services, file, stack, var, par, delay, monitor, action, ratio, stackRollback);
    }

    private static boolean blankIs(Object o, String v) {
        return o != null && v.equalsIgnoreCase(o.toString().strip());
    }

    /** A Docker duration from {@code 5s}/{@code 1m30s}/whole seconds; null when not given. */
    static String duration(Object o, String p) {
        String v = blank(o);
        if (v == null) {
            return null;
        }
        if (o instanceof Number || v.matches("\\d{1,4}")) {
            long n = o instanceof Number num ? num.longValue() : Long.parseLong(v);
            if (n < 0 || n > 3600) {
                throw new ParameterException(p, "got " + ParameterException.show(v), DURATION_FORM);
            }
            return n + "s";
        }
        if (!DURATION.matcher(v).matches()) {
            throw new ParameterException(p, "got " + ParameterException.show(v), DURATION_FORM);
        }
        if (millis(v) > 3_600_000L) {
            throw new ParameterException(p, ParameterException.show(v) + " is longer than an hour", DURATION_FORM);
        }
        return v;
    }

    /** Milliseconds of a validated Docker duration. */
    static long millis(String d) {
        if (d == null) {
            return 0;
        }
        long total = 0;
        Matcher mm = DURATION_PART.matcher(d);
        while (mm.find()) {
            long n = Long.parseLong(mm.group(1));
            total += switch (mm.group(2)) {
                case "h" -> n * 3_600_000L;
                case "m" -> n * 60_000L;
                case "s" -> n * 1000L;
                case "ms" -> n;
                default -> 0;
            };
        }
        return total;
    }

    private static String blank(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString().strip();
    }
}
