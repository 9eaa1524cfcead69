package io.jenkins.plugins.squaddeploy.engine.deploy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What was released where, stored on the target itself: as {@code io.squad-deploy.*} labels on every container of the
 * release ({@link Labels}) and in the state file {@code <stateDir>/<service>.json} ({@link ReleaseStore}). It is read
 * back from there, never from the build that wrote it.
 *
 * @param releaseId  unique id of this release, e.g. {@code 20261122T101500Z-3fa9c1}
 * @param imageId    the local image ID ({@code sha256:…}) the containers run
 * @param digest     the registry digest ({@code repo@sha256:…}) when the image came from a registry, else null
 * @param colour     the colour (blueGreen), else null
 * @param trafficSwitched blueGreen: whether squadDeploy moved the router to this colour (false: the pipeline switches
 *                   later); null for rolling and recreate, where the running instances serve at once
 * @param previous   the release this one replaced (without its own previous), or null for the first release
 */
public record ReleaseRecord(String releaseId, String service, String environment, String version, String image, String imageId,
                            String digest, String strategy, String target, String colour, List<Instance> instances,
                            String deployedAt, String buildUrl, Boolean trafficSwitched, String stateFile, ReleaseRecord previous)
        implements Serializable {

    /** One running container of the release. */
    public record Instance(String name, Integer port, String containerId) implements Serializable {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("port", port);
            m.put("containerId", containerId);
            return m;
        }

        static Instance fromMap(Map<?, ?> m) {
            Object p = m.get("port");
            return new Instance(str(m.get("name")), p instanceof Number n ? n.intValue() : null, str(m.get("containerId")));
        }
    }

    public ReleaseRecord {
        instances = instances == null ? List.of() : List.copyOf(instances);
    }

    public ReleaseRecord withPrevious(ReleaseRecord p) {
        return new ReleaseRecord(releaseId, service, environment, version, image, imageId, digest, strategy, target, colour, instances,
                deployedAt, buildUrl, trafficSwitched, stateFile, p == null ? null : p.withPrevious(null));
    }

    public ReleaseRecord withInstances(List<Instance> i) {
        return new ReleaseRecord(releaseId, service, environment, version, image, imageId, digest, strategy, target, colour, i,
                deployedAt, buildUrl, trafficSwitched, stateFile, previous);
    }

    public ReleaseRecord withTrafficSwitched(Boolean s) {
        return new ReleaseRecord(releaseId, service, environment, version, image, imageId, digest, strategy, target, colour, instances,
                deployedAt, buildUrl, s, stateFile, previous);
    }

    /** The record as a map (what the step returns and the state file holds), with the previous release nested. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("releaseId", releaseId);
        m.put("service", service);
        m.put("environment", environment);
        m.put("version", version);
        m.put("image", image);
        m.put("imageId", imageId);
        m.put("digest", digest);
        m.put("strategy", strategy);
        m.put("target", target);
        m.put("colour", colour);
        List<Object> inst = new ArrayList<>();
        instances.forEach(i -> inst.add(i.toMap()));
        m.put("instances", inst);
        m.put("deployedAt", deployedAt);
        m.put("buildUrl", buildUrl);
        m.put("trafficSwitched", trafficSwitched);
        m.put("stateFile", stateFile);
        m.put("previous", previous == null ? null : previous.toMap());
        return m;
    }

    public static ReleaseRecord fromMap(Map<?, ?> m) {
        if (m == null) {
            return null;
        }
        List<Instance> inst = new ArrayList<>();
        if (m.get("instances") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> im) {
                    inst.add(Instance.fromMap(im));
                }
            }
        }
        Object ts = m.get("trafficSwitched");
        return new ReleaseRecord(str(m.get("releaseId")), str(m.get("service")), str(m.get("environment")), str(m.get("version")),
                str(m.get("image")), str(m.get("imageId")), str(m.get("digest")), str(m.get("strategy")), str(m.get("target")),
                str(m.get("colour")), inst, str(m.get("deployedAt")), str(m.get("buildUrl")), ts instanceof Boolean b ? b : null,
                str(m.get("stateFile")), m.get("previous") instanceof Map<?, ?> p ? fromMap(p).withPrevious(null) : null);
    }

    /** One line for the console: {@code 2.0.0 (squad-api:2.0.0, sha256:1a2b3c4d5e6f) colour green, deployed …}. */
    public String summary() {
        String id = imageId == null ? "?" : imageId.startsWith("sha256:") ? imageId.substring(7, Math.min(imageId.length(), 19)) : imageId;
        return version + " (" + image + ", " + id + (colour == null ? "" : ", colour " + colour) + ", " + strategy + ", deployed " + deployedAt
                + (buildUrl == null ? "" : " by " + buildUrl) + ")";
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
