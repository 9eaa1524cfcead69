package io.jenkins.plugins.squaddeploy.pipeline;

import java.util.Map;

/**
 * How the test answers an {@link InputRequest}: approve as a user (with parameter values) or abort.
 * Without an answer function the harness aborts every input as {@code harness}, since nobody would click in a test.
 */
public record InputAnswer(boolean approved, String user, Map<String, Object> values) {

    public static InputAnswer approve(String user) {
        return new InputAnswer(true, user, Map.of());
    }

    public static InputAnswer approve(String user, Map<String, Object> values) {
        return new InputAnswer(true, user, Map.copyOf(values));
    }

    public static InputAnswer abort(String user) {
        return new InputAnswer(false, user, Map.of());
    }
}
