package io.jenkins.plugins.squaddeploy.engine;

/**
 * A user error in a step or CLI parameter, found before anything was changed or contacted.
 * The message always names the parameter and the accepted form, so the user can fix the call.
 */
public class ParameterException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String parameter;
    private final String acceptedForm;

    public ParameterException(String parameter, String problem, String acceptedForm) {
        super("Invalid parameter '" + parameter + "': " + problem + ". Expected " + acceptedForm + ".");
        this.parameter = parameter;
        this.acceptedForm = acceptedForm;
    }

    public String parameter() {
        return parameter;
    }

    public String acceptedForm() {
        return acceptedForm;
    }

    /** Quotes a user value for an error message, cutting long ones and making control characters visible. */
    public static String show(Object value) {
        if (value == null) {
            return "nothing";
        }
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(s.length(), 120);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (s.length() > limit) {
            out.append("…");
        }
        return out.append('\'').toString();
    }

    /** A parser's complaint for a user: its message, without the Java exception it may wrap ("java.lang.…Exception: …"). */
    public static String why(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank() || m.startsWith("java.")) {
            return "it is incomplete or has an unclosed bracket or quote";
        }
        return m;
    }
}
