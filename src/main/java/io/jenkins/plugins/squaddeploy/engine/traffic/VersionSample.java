package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;

/**
 * One request to the public health URL while verifying a switch.
 *
 * @param status  the HTTP status, 0 when no response came
 * @param version the value at the version JSONPath as text, null when there was none
 * @param problem why the version could not be read (connection refused, not JSON, no value at the path), else null
 */
public record VersionSample(int status, String version, String problem, long latencyMs) implements Serializable {

    /** HTTP 2xx and the expected version. */
    public boolean matches(String expectedVersion) {
        return status >= 200 && status < 300 && problem == null && expectedVersion.equals(version);
    }

    /**
     * What happened, as a person reads it in a tally, with its verb: {@code answered HTTP 200 version '1.0.0'},
     * {@code answered HTTP 502 (body is not JSON)}, {@code got connection refused (127.0.0.1:8080)}.
     */
    public String outcome() {
        return (status == 0 ? "got " : "answered ") + describe();
    }

    /** {@link #outcome()} without the verb. */
    public String describe() {
        if (status == 0) {
            return problem == null ? "no response" : problem;
        }
        String v = version == null ? "" : " version '" + cut(version) + "'";
        return "HTTP " + status + v + (problem == null ? "" : " (" + problem + ")");
    }

    private static String cut(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
