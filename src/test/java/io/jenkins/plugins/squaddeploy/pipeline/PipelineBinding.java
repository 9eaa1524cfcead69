package io.jenkins.plugins.squaddeploy.pipeline;

import groovy.lang.Binding;
import groovy.lang.MissingPropertyException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The script binding. Two things Jenkins' CpsScript does that a plain {@link Binding} does not:
 * <ul>
 * <li>a name that is not a variable falls back to an environment variable ({@code echo BUILD_NUMBER} works, as the
 * Pipeline docs promise), then fails with Jenkins' {@code No such property: x for class: groovy.lang.Binding};</li>
 * <li>while an {@code environment {}} block is evaluated, assignments ({@code FOO = 'bar'}) are captured in order
 * instead of becoming script variables; later entries of the same block can read earlier ones.</li>
 * </ul>
 * Inside declarative sections, {@code any} and {@code none} (as in {@code agent any}) read as agent markers.
 */
final class PipelineBinding extends Binding {
    private final PipelineEnv env;
    private Map<String, Object> capture;
    private Map<String, String> envBeforeCapture;
    private boolean agentWords;

    PipelineBinding(PipelineEnv env) {
        this.env = env;
        super.setVariable("env", env);
    }

    /** Starts capturing assignments; {@link #endCapture()} returns them in assignment order. */
    void startCapture() {
        capture = new LinkedHashMap<>();
        envBeforeCapture = new LinkedHashMap<>();
    }

    Map<String, Object> endCapture() {
        Map<String, Object> c = capture;
        capture = null;
        env.restore(envBeforeCapture);
        envBeforeCapture = null;
        return c;
    }

    boolean capturing() {
        return capture != null;
    }

    void agentWords(boolean on) {
        agentWords = on;
    }

    @Override
    public void setVariable(String name, Object value) {
        if (capture != null) {
            capture.put(name, value);
            if (!(value instanceof Declarative.CredentialsRef)) {
                // so that env.NAME in a later entry of the same block sees it, as in Jenkins
                env.overlay(Map.of(name, String.valueOf(value))).forEach((k, old) -> {
                    if (!envBeforeCapture.containsKey(k)) {
                        envBeforeCapture.put(k, old);
                    }
                });
            }
        } else {
            super.setVariable(name, value);
        }
    }

    @Override
    public Object getVariable(String name) {
        if (capture != null && capture.containsKey(name)) {
            return capture.get(name);
        }
        if (super.hasVariable(name)) {
            return super.getVariable(name);
        }
        if (env.containsKey(name)) {
            return env.get(name);
        }
        if (agentWords && ("any".equals(name) || "none".equals(name))) {
            return Declarative.AgentDef.word(name);
        }
        throw new MissingPropertyException(name, Binding.class);
    }

    @Override
    public boolean hasVariable(String name) {
        return (capture != null && capture.containsKey(name)) || super.hasVariable(name) || env.containsKey(name);
    }
}
