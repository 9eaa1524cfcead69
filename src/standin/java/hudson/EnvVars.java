package hudson;

import java.io.File;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stand-in for {@code hudson.EnvVars}: a case-insensitive sorted map of environment variables (like Jenkins,
 * which uses a case-insensitive comparator on every platform).
 * <p>{@code getPlatform}/{@code setPlatform} are left out ({@code hudson.Platform} is not declared); the path
 * separator used by {@code PATH+XYZ} overrides is the local one.
 */
public class EnvVars extends TreeMap<String, String> {
    private static final long serialVersionUID = 1L;

    public EnvVars() {
        super(String.CASE_INSENSITIVE_ORDER);
    }

    public EnvVars(Map<String, String> m) {
        this();
        putAll(m);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public EnvVars(EnvVars m) {
        this((Map) m);
    }

    public EnvVars(String... keyValuePairs) {
        this();
        if (keyValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException(Arrays.asList(keyValuePairs).toString());
        }
        for (int i = 0; i < keyValuePairs.length; i += 2) {
            put(keyValuePairs[i], keyValuePairs[i + 1]);
        }
    }

    /** Overrides an entry; handles {@code PATH+XYZ} (prepend) notation; an empty or null value removes the key. */
    public void override(String key, String value) {
        if (value == null || value.isEmpty()) {
            remove(key);
            return;
        }
        int idx = key.indexOf('+');
        if (idx > 0) {
            String realKey = key.substring(0, idx);
            String v = get(realKey);
            if (v == null) {
                v = value;
            } else {
                v = value + File.pathSeparatorChar + v;
            }
            put(realKey, v);
            return;
        }
        put(key, value);
    }

    public EnvVars overrideAll(Map<String, String> all) {
        for (Map.Entry<String, String> e : all.entrySet()) {
            override(e.getKey(), e.getValue());
        }
        return this;
    }

    public String get(String key, String defaultValue) {
        String v = get(key);
        if (v == null) {
            v = defaultValue;
        }
        return v;
    }

    @Override
    public String put(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("Null value not allowed as an environment variable: " + key);
        }
        return super.put(key, value);
    }

    public void putIfNotNull(String key, String value) {
        if (value != null) {
            put(key, value);
        }
    }

    public void putAllNonNull(Map<String, String> map) {
        map.forEach(this::putIfNotNull);
    }

    /** Takes a string that looks like {@code a=b} and adds that to this map. */
    public void addLine(String line) {
        int sep = line.indexOf('=');
        if (sep > 0) {
            put(line.substring(0, sep), line.substring(sep + 1));
        }
    }

    /** Expands {@code $VAR} and {@code ${VAR}} references using this map (unknown ones are left as they are). */
    public String expand(String s) {
        return Util.replaceMacro(s, this);
    }
}
