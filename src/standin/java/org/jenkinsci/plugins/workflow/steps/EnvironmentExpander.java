package org.jenkinsci.plugins.workflow.steps;

import hudson.EnvVars;
import java.io.IOException;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Stand-in for workflow-step-api's {@code EnvironmentExpander} (same logic as the real class).
 * <p>Left out: {@code getEffectiveEnvironment(...)} (not needed by the plugin).
 */
public abstract class EnvironmentExpander implements Serializable {
    private static final long serialVersionUID = 1L;

    public abstract void expand(EnvVars env) throws IOException, InterruptedException;

    public Set<String> getSensitiveVariables() {
        return Collections.emptySet();
    }

    /** Applies a fixed map with {@link EnvVars#overrideAll} semantics (so {@code PATH+XYZ} works). */
    public static EnvironmentExpander constant(Map<String, String> env) {
        return new ConstantEnvironmentExpander(env);
    }

    /** Runs {@code original} then {@code subsequent}; just {@code subsequent} when {@code original} is null. */
    public static EnvironmentExpander merge(EnvironmentExpander original, EnvironmentExpander subsequent) {
        if (original == null) {
            return subsequent;
        }
        return new MergedEnvironmentExpander(original, subsequent);
    }

    private static final class ConstantEnvironmentExpander extends EnvironmentExpander {
        private static final long serialVersionUID = 1L;
        private final Map<String, String> envMap;

        ConstantEnvironmentExpander(Map<String, String> envMap) {
            this.envMap = new HashMap<>(envMap);
        }

        @Override
        public void expand(EnvVars env) {
            env.overrideAll(envMap);
        }
    }

    private static final class MergedEnvironmentExpander extends EnvironmentExpander {
        private static final long serialVersionUID = 1L;
        private final EnvironmentExpander original;
        private final EnvironmentExpander subsequent;

        MergedEnvironmentExpander(EnvironmentExpander original, EnvironmentExpander subsequent) {
            this.original = original;
            this.subsequent = subsequent;
        }

        @Override
        public void expand(EnvVars env) throws IOException, InterruptedException {
            original.expand(env);
            subsequent.expand(env);
        }

        @Override
        public Set<String> getSensitiveVariables() {
            Set<String> a = original.getSensitiveVariables();
            Set<String> b = subsequent.getSensitiveVariables();
            if (a.isEmpty() && b.isEmpty()) {
                return Collections.emptySet();
            }
            Set<String> merged = new HashSet<>(a);
            merged.addAll(b);
            return merged;
        }
    }
}
