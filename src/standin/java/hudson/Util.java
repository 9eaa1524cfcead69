package hudson;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Stand-in for the parts of {@code hudson.Util} the plugin uses. */
public class Util {

    /** Same pattern as Jenkins' {@code Util.VARIABLE}: {@code $NAME}, {@code ${NAME}} or {@code $$}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z0-9_]+|\\{[A-Za-z0-9_.]+\\}|\\$)");

    /**
     * Replaces {@code $VAR} and {@code ${VAR}} by values from the map; unknown variables are left alone and
     * {@code $$} becomes {@code $}, as in Jenkins.
     */
    public static String replaceMacro(String s, Map<String, String> properties) {
        if (s == null) {
            return null;
        }
        int idx = 0;
        while (true) {
            Matcher m = VARIABLE.matcher(s);
            if (!m.find(idx)) {
                return s;
            }
            String key = m.group().substring(1);
            String value;
            if (key.charAt(0) == '$') {
                value = "$";
            } else {
                if (key.charAt(0) == '{') {
                    key = key.substring(1, key.length() - 1);
                }
                value = properties.get(key);
            }
            if (value == null) {
                idx = m.end();
            } else {
                s = s.substring(0, m.start()) + value + s.substring(m.end());
                idx = m.start() + value.length();
            }
        }
    }

    /** HTML-escapes text like Jenkins' {@code Util.escape} (newlines become {@code <br>}). */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder buf = new StringBuilder(text.length() + 64);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\n') {
                buf.append("<br>");
            } else if (ch == '<') {
                buf.append("&lt;");
            } else if (ch == '>') {
                buf.append("&gt;");
            } else if (ch == '&') {
                buf.append("&amp;");
            } else if (ch == '"') {
                buf.append("&quot;");
            } else if (ch == '\'') {
                buf.append("&#39;");
            } else if (ch == ' ') {
                char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                buf.append(next == ' ' ? "&nbsp;" : " ");
            } else {
                buf.append(ch);
            }
        }
        return buf.toString();
    }

    public static String fixNull(String s) {
        return fixNull(s, "");
    }

    public static <T> T fixNull(T s, T defaultValue) {
        return s != null ? s : defaultValue;
    }

    public static String fixEmpty(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return s;
    }

    public static String fixEmptyAndTrim(String s) {
        if (s == null) {
            return null;
        }
        return fixEmpty(s.trim());
    }

    public static <T> List<T> fixNull(List<T> l) {
        return fixNull(l, Collections.emptyList());
    }

    public static <T> Set<T> fixNull(Set<T> l) {
        return fixNull(l, Collections.emptySet());
    }

    public static <T> Collection<T> fixNull(Collection<T> l) {
        return fixNull(l, Collections.emptySet());
    }

    public static <T> Iterable<T> fixNull(Iterable<T> l) {
        return fixNull(l, Collections.emptySet());
    }
}
