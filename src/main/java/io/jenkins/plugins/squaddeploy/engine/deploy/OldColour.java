package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The colour a blue-green release took the traffic from, with its containers as the release record names them:
 * what squadDeploy stops once the delay for a quick rollback ({@code stopOldAfter}) has passed. The step waits
 * without holding a thread (and across a controller restart), the CLI in the foreground; both ask the router
 * again before stopping, and leave the colour running when traffic went back to it meanwhile.
 *
 * <p>Containers are stopped by ID, not by name: a container of the same name started later (the next deploy into
 * that colour) is never touched. Stopped, not removed: {@code docker start <name>} brings the colour back, and the
 * next blue-green deploy removes it when it starts the new release in that colour.
 */
public record OldColour(String colour, String version, List<String> containerNames, List<String> containerIds) implements Serializable {
    public OldColour {
        containerNames = List.copyOf(containerNames);
        containerIds = List.copyOf(containerIds);
    }

    /**
     * What to stop after {@code switched} moved the traffic of {@code released}: the previous release's containers
     * when it ran in the colour the router switched away from; null when there is nothing to stop (first release,
     * no switch, or a previous release in another colour).
     */
    public static OldColour after(ReleaseRecord released, SwitchResult switched) {
        if (released == null || switched == null || !switched.switched() || switched.from() == null || switched.from().equals(switched.to())) {
            return null;
        }
        ReleaseRecord p = released.previous();
        if (p == null || !switched.from().equals(p.colour())) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (ReleaseRecord.Instance i : p.instances()) {
            if (i.containerId() != null && !i.containerId().isBlank()) {
                ids.add(i.containerId());
                names.add(i.name() == null ? shortId(i.containerId()) : i.name());
            }
        }
        return ids.isEmpty() ? null : new OldColour(p.colour(), p.version(), names, ids);
    }

    /** For console lines: {@code docker stop squad-api-blue}. */
    public String describe() {
        return "docker stop " + String.join(" ", containerNames);
    }

    /**
     * Stops the containers ({@code docker stop -t 10 <id>}), each on its own, saying so.
     * @param prefix the console prefix, e.g. {@code squadDeploy}
     * @throws IOException when a container could not be stopped (the others were still tried); the message names them
     */
    public void stop(DockerClient docker, ConsoleLog log, String prefix) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        List<String> stopped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < containerIds.size(); i++) {
            try {
                docker.stop(containerIds.get(i), SquadDeployer.STOP_GRACE_S);
                stopped.add(containerNames.get(i));
            } catch (DeployException e) {
                if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("no such container")) {
                    log.info(prefix + ": " + containerNames.get(i) + " (" + shortId(containerIds.get(i)) + ") of the old colour is already gone");
                    continue;
                }
                failed.add(containerNames.get(i) + " (" + shortId(containerIds.get(i)) + "): " + e.getMessage());
            }
        }
        if (!stopped.isEmpty()) {
            log.info(prefix + ": stopped the old colour " + colour + (version == null ? "" : " (" + version + ")") + ": " + String.join(", ", stopped)
                    + " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms); docker start " + String.join(" ", stopped)
                    + " brings it back");
        }
        if (!failed.isEmpty()) {
            throw new IOException("could not stop " + String.join("; ", failed));
        }
    }

    private static String shortId(String id) {
        String s = id.startsWith("sha256:") ? id.substring(7) : id;
        return s.length() > 12 ? s.substring(0, 12) : s;
    }
}
