package io.jenkins.plugins.squaddeploy.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code env} global: the build's environment variables as the pipeline sees them ({@code env.FOO},
 * {@code env.FOO = 'x'}). As with Jenkins' {@code EnvActionImpl}, values are stored as strings, a missing variable
 * reads as null and assigning null removes it. {@code withEnv}, {@code environment} and credentials bindings
 * overlay it for their block and restore it afterwards. Serializable, since it is part of the pipeline's state.
 */
public final class PipelineEnv extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public Object put(String key, Object value) {
        if (value == null) {
            return super.remove(key);
        }
        return super.put(key, value.toString());
    }

    @Override
    public void putAll(Map<? extends String, ?> m) {
        m.forEach(this::put);
    }

    String string(String key) {
        Object v = get(key);
        return v == null ? null : v.toString();
    }

    /** Sets each {@code NAME=value}; returns the previous values (null where there was none) to {@link #restore} later. */
    Map<String, String> overlay(Map<String, String> values) {
        Map<String, String> before = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                before.put(e.getKey(), string(e.getKey()));
            }
            put(e.getKey(), e.getValue());
        }
        return before;
    }

    void restore(Map<String, String> before) {
        before.forEach(this::put);
    }
}
