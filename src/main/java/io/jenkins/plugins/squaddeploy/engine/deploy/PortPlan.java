package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which host port each instance listens on. With host networking (the only way the testbed and many single-VM
 * setups run) two containers cannot share a port, so every instance gets its own, passed to the container in the
 * {@code portVariable} environment variable (default {@code PORT}):
 * <ul>
 * <li>blueGreen: one port per colour, {@code blue=8001,green=8002}; the two colours are the names given;</li>
 * <li>rolling: a range {@code 8001-8004} with at least replicas + 1 ports: each new replica takes a port of the
 * range that no running replica holds (max surge 1 needs one spare);</li>
 * <li>recreate: one port {@code 8001}, or nothing to leave the port to the image or compose file.</li>
 * </ul>
 */
public sealed interface PortPlan extends Serializable {
    Pattern COLOUR = Pattern.compile("[a-z0-9][a-z0-9-]{0,19}");
    String COLOUR_FORM = "1 to 20 characters of [a-z0-9-], starting with a letter or digit";

    /** blueGreen: colour name → port, in the order given (the first colour is used first). */
    record Colours(Map<String, Integer> ports) implements PortPlan {
        public Colours {
            ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
        }

        public List<String> colours() {
            return new ArrayList<>(ports.keySet());
        }

        public String other(String colour) {
            return colours().stream().filter(c -> !c.equals(colour)).findFirst().orElseThrow();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            ports.forEach((c, p) -> b.append(b.length() == 0 ? "" : ",").append(c).append('=').append(p));
            return b.toString();
        }
    }

    /** rolling: ports {@code low..high}, both included. */
    record Range(int low, int high) implements PortPlan {
        public int size() {
            return high - low + 1;
        }

        @Override
        public String toString() {
            return low + "-" + high;
        }
    }

    /** recreate: one port, or null to set none. */
    record Single(Integer port) implements PortPlan {
        @Override
        public String toString() {
            return port == null ? "" : port.toString();
        }
    }

    static String accepted(Strategy strategy) {
        return switch (strategy) {
            case BLUE_GREEN -> "two colours with a port each, 'blue=8001,green=8002' (colour: " + COLOUR_FORM + "; port 1-65535; colours and ports distinct)";
            case ROLLING -> "a port range 'LOW-HIGH' such as '8001-8004', with at least replicas + 1 ports (port 1-65535)";
            case RECREATE -> "one port such as '8001', or nothing to keep the port of the image or compose file";
        };
    }

    static PortPlan parse(String parameter, String text, Strategy strategy) {
        String t = text == null ? "" : text.strip();
        switch (strategy) {
            case BLUE_GREEN -> {
                if (t.isEmpty()) {
                    throw new ParameterException(parameter, "blueGreen needs a port for each colour", accepted(strategy));
                }
                Map<String, Integer> m = new LinkedHashMap<>();
                for (String part : t.split(",", -1)) {
                    String p = part.strip();
                    int eq = p.indexOf('=');
                    if (eq <= 0) {
                        throw new ParameterException(parameter, ParameterException.show(p) + " is not 'colour=port'", accepted(strategy));
                    }
                    String colour = p.substring(0, eq).strip();
                    if (!COLOUR.matcher(colour).matches()) {
                        throw new ParameterException(parameter, "colour " + ParameterException.show(colour) + " is not a valid colour name", accepted(strategy));
                    }
                    int port = port(parameter, p.substring(eq + 1).strip(), strategy);
                    if (m.containsKey(colour)) {
                        throw new ParameterException(parameter, "colour " + ParameterException.show(colour) + " is given twice", accepted(strategy));
                    }
                    if (m.containsValue(port)) {
                        throw new ParameterException(parameter, "port " + port + " is given to two colours", accepted(strategy));
                    }
                    m.put(colour, port);
                }
                if (m.size() != 2) {
                    throw new ParameterException(parameter, "blueGreen needs exactly two colours, got " + m.size(), accepted(strategy));
                }
                return new Colours(m);
            }
            case ROLLING -> {
                Matcher r = Pattern.compile("([0-9]{1,5})\\s*-\\s*([0-9]{1,5})").matcher(t);
                if (!r.matches()) {
                    throw new ParameterException(parameter, t.isEmpty() ? "rolling needs a port range (with host networking every replica needs its own port)"
                            : ParameterException.show(t) + " is not a port range", accepted(strategy));
                }
                int low = port(parameter, r.group(1), strategy);
                int high = port(parameter, r.group(2), strategy);
                if (high <= low) {
                    throw new ParameterException(parameter, "the range " + ParameterException.show(t) + " holds fewer than 2 ports", accepted(strategy));
                }
                return new Range(low, high);
            }
            default -> {
                return new Single(t.isEmpty() ? null : port(parameter, t, strategy));
            }
        }
    }

    private static int port(String parameter, String text, Strategy strategy) {
        if (!text.matches("[0-9]{1,5}")) {
            throw new ParameterException(parameter, ParameterException.show(text) + " is not a port number", accepted(strategy));
        }
        int p = Integer.parseInt(text);
        if (p < 1 || p > 65535) {
            throw new ParameterException(parameter, "port " + p + " is out of range", accepted(strategy));
        }
        return p;
    }
}
