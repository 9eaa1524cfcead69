package io.jenkins.plugins.squaddeploy.engine.deploy;

import java.util.Map;

/**
 * One container as {@code docker inspect} describes it.
 *
 * @param name       the name without Docker's leading {@code /}
 * @param status     created, running, restarting, paused, exited or dead
 * @param health     starting, healthy or unhealthy; null when the container has no healthcheck
 * @param healthOutput the output of the last healthcheck run (trimmed), or null
 * @param imageId    the image ID ({@code sha256:…}) the container was created from
 * @param image      the image as given when the container was created ({@code .Config.Image})
 */
public record ContainerInfo(String id, String name, String status, int exitCode, String health, String healthOutput,
                            Integer healthExitCode, String imageId, String image, Map<String, String> labels, String created) {
    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public boolean running() {
        return "running".equals(status);
    }

    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** {@code healthy}, {@code starting (last check: exit 1: …)}, {@code exited (code 1)}, … */
    public String describe() {
        if (!running() && !"restarting".equals(status)) {
            return status + ("exited".equals(status) ? " (code " + exitCode + ")" : "");
        }
        if (health == null) {
            return status + ", no healthcheck";
        }
        return health + (healthOutput == null || healthOutput.isBlank() ? ""
                : " (last check: exit " + healthExitCode + ": " + oneLine(healthOutput) + ")");
    }

    static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s*\\R\\s*", " | ");
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }
}
