package io.jenkins.plugins.squaddeploy.pipeline;

import java.util.Map;

/**
 * How the test answers an {@link InputRequest}: approve as a user (with parameter values) or abort.
 * A user who is not among the submitters is refused, as Jenkins refuses the click, and the function is asked again.
 * Without an answer function the harness aborts every input as {@code harness}, since nobody would click in a test.
 */
public record InputAnswer(boolean approved, String user, Map<String, Object> values) {
    /** Nobody answers: the input waits until the enclosing {@code timeout} (or the harness' build limit) runs out. */
    public static final InputAnswer NO_ANSWER = new InputAnswer(false, null, Map.of());

    public static InputAnswer noAnswer() {
        return NO_ANSWER;
    }

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
