package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an orchestrated deploy released and what it replaced, per unit (a Swarm service, a Kubernetes Deployment, a
 * Helm release): enough for autoRollback to put the previous state back. Kept in the build record as a plain map
 * ({@link #toMap()}/{@link #fromMap}), returned by squadDeploy as that map.
 *
 * @param kind     the target kind ({@link OrchestratedSpec#kind()})
 * @param target   the target's {@link OrchestratedSpec#toMap()}, to make the orchestrator again
 * @param units    every unit the deploy looked at; {@link Unit#changed()} says which it changed
 * @param notes    what the user should know (e.g. "stack deploy changed shop_api only")
 */
public record OrchestratedRelease(String kind, String releaseId, String service, String environment, String version, String image,
                                  String strategy, String deployedAt, String buildUrl, Map<String, Object> target, List<Unit> units,
                                  List<String> notes) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One unit of the release.
     *
     * @param type             e.g. {@code service} (Swarm), {@code deployment} (Kubernetes), {@code release} (Helm)
     * @param image            the image it runs after the deploy (null when not one image, e.g. a Helm chart)
     * @param previousImage    the image it ran before (null: it did not exist)
     * @param revision         the orchestrator's revision/version after the deploy (Swarm spec version, Deployment revision, Helm revision), or null
     * @param previousRevision the revision to go back to, or null
     * @param changed          whether this deploy changed it (a stack deploy may leave some services as they were)
     */
    public record Unit(String name, String type, String image, String previousImage, String revision, String previousRevision, boolean changed)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("type", type);
            m.put("image", image);
            m.put("previousImage", previousImage);
            m.put("revision", revision);
            m.put("previousRevision", previousRevision);
            m.put("changed", changed);
            return m;
        }

        static Unit fromMap(Map<?, ?> m) {
            return new Unit(str(m.get("name")), str(m.get("type")), str(m.get("image")), str(m.get("previousImage")), str(m.get("revision")),
                    str(m.get("previousRevision")), Boolean.TRUE.equals(m.get("changed")) || "true".equals(String.valueOf(m.get("changed"))));
        }
    }

    public OrchestratedRelease {
        target = target == null ? Map.of() : new LinkedHashMap<>(target);
        units = units == null ? List.of() : List.copyOf(units);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** A new release ID, e.g. {@code 20261122T101500Z-3fa9c1} (the same form squadDeploy's records use). */
    public static String newReleaseId(Instant now) {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return ID_TIME.format(now) + "-" + HexFormat.of().formatHex(b);
    }

    /** Now, to the second, as recorded in {@code deployedAt}. */
    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The units this deploy changed. */
    public List<Unit> changedUnits() {
        return units.stream().filter(Unit::changed).toList();
    }

    public Unit unit(String name) {
        return units.stream().filter(u -> u.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * This (the last) release of a build, with each unit's previous state taken from {@code first}, the first release of
     * the same service in the build: a rollback then goes back to what ran before the build, not to an intermediate
     * release. A unit {@code first} changed counts as changed.
     */
    public OrchestratedRelease since(OrchestratedRelease first) {
        if (first == null || first == this) {
            return this;
        }
        List<Unit> merged = new ArrayList<>();
        for (Unit u : units) {
            Unit f = first.unit(u.name());
            merged.add(f == null ? u : new Unit(u.name(), u.type(), u.image(), f.previousImage(), u.revision(), f.previousRevision(), u.changed() || f.changed()));
        }
        for (Unit f : first.units()) {
            if (unit(f.name()) == null) {
                merged.add(f);
            }
        }
        return new OrchestratedRelease(kind, releaseId, service, environment, version, image, strategy, deployedAt, buildUrl, target, merged, notes);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("releaseId", releaseId);
        m.put("service", service);
        m.put("environment", environment);
        m.put("version", version);
        m.put("image", image);
        m.put("strategy", strategy);
        m.put("target", kind);
        m.put("deployedAt", deployedAt);
        m.put("buildUrl", buildUrl);
        m.put("targetSpec", new LinkedHashMap<>(target));
        List<Object> us = new ArrayList<>();
        for (Unit u : units) {
            us.add(u.toMap());
        }
        m.put("units", us);
        m.put("notes", new ArrayList<>(notes));
        return m;
    }

    /** Reads back {@link #toMap()}; IllegalArgumentException for a map it did not write. */
    public static OrchestratedRelease fromMap(Map<?, ?> m) {
        if (m.get("target") == null || !(m.get("targetSpec") instanceof Map<?, ?> t)) {
            throw new IllegalArgumentException("not an orchestrated release: " + m.keySet());
        }
        List<Unit> us = new ArrayList<>();
        if (m.get("units") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> um) {
                    us.add(Unit.fromMap(um));
                }
            }
        }
        List<String> notes = new ArrayList<>();
        if (m.get("notes") instanceof List<?> l) {
            l.forEach(o -> notes.add(String.valueOf(o)));
        }
        Map<String, Object> target = new LinkedHashMap<>();
        t.forEach((k, v) -> target.put(String.valueOf(k), v));
        return new OrchestratedRelease(str(m.get("target")), str(m.get("releaseId")), str(m.get("service")), str(m.get("environment")),
                str(m.get("version")), str(m.get("image")), str(m.get("strategy")), str(m.get("deployedAt")), str(m.get("buildUrl")), target, us, notes);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
