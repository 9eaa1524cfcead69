package io.jenkins.plugins.squaddeploy.engine.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code io.squad-deploy.*} container labels that carry a {@link ReleaseRecord} on the target, so the running
 * system says what it runs: {@code docker inspect -f '{{json .Config.Labels}}' shop-green}.
 */
public final class Labels {
    public static final String PREFIX = "io.squad-deploy.";
    public static final String RELEASE = PREFIX + "release";
    public static final String SERVICE = PREFIX + "service";
    public static final String ENVIRONMENT = PREFIX + "environment";
    public static final String VERSION = PREFIX + "version";
    public static final String IMAGE = PREFIX + "image";
    public static final String IMAGE_ID = PREFIX + "image-id";
    public static final String DIGEST = PREFIX + "digest";
    public static final String STRATEGY = PREFIX + "strategy";
    public static final String TARGET = PREFIX + "target";
    public static final String COLOUR = PREFIX + "colour";
    public static final String INSTANCE = PREFIX + "instance";
    public static final String PORT = PREFIX + "port";
    public static final String DEPLOYED_AT = PREFIX + "deployed-at";
    public static final String BUILD_URL = PREFIX + "build-url";
    public static final String STATE_FILE = PREFIX + "state-file";
    public static final String PREVIOUS_RELEASE = PREFIX + "previous.release";
    public static final String PREVIOUS_VERSION = PREFIX + "previous.version";
    public static final String PREVIOUS_IMAGE = PREFIX + "previous.image";
    public static final String PREVIOUS_IMAGE_ID = PREFIX + "previous.image-id";

    private Labels() {
    }

    /** The labels of one container (instance) of {@code r}. */
    static Map<String, String> of(ReleaseRecord r, String instance, Integer port) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, RELEASE, r.releaseId());
        put(m, SERVICE, r.service());
        put(m, ENVIRONMENT, r.environment());
        put(m, VERSION, r.version());
        put(m, IMAGE, r.image());
        put(m, IMAGE_ID, r.imageId());
        put(m, DIGEST, r.digest());
        put(m, STRATEGY, r.strategy());
        put(m, TARGET, r.target());
        put(m, COLOUR, r.colour());
        put(m, INSTANCE, instance);
        put(m, PORT, port == null ? null : port.toString());
        put(m, DEPLOYED_AT, r.deployedAt());
        put(m, BUILD_URL, r.buildUrl());
        put(m, STATE_FILE, r.stateFile());
        ReleaseRecord p = r.previous();
        if (p != null) {
            put(m, PREVIOUS_RELEASE, p.releaseId());
            put(m, PREVIOUS_VERSION, p.version());
            put(m, PREVIOUS_IMAGE, p.image());
            put(m, PREVIOUS_IMAGE_ID, p.imageId());
        }
        return m;
    }

    /**
     * The release record the labels of {@code containers} (all of one release) describe; the previous release is
     * the short form the labels carry (release id, version, image and image ID).
     */
    static ReleaseRecord toRecord(List<ContainerInfo> containers) {
        if (containers.isEmpty()) {
            return null;
        }
        Map<String, String> l = containers.get(0).labels();
        List<ReleaseRecord.Instance> inst = new ArrayList<>();
        for (ContainerInfo c : containers) {
            String port = c.labels().get(PORT);
            inst.add(new ReleaseRecord.Instance(c.name(), port == null ? null : Integer.valueOf(port), c.id()));
        }
        ReleaseRecord previous = l.get(PREVIOUS_RELEASE) == null ? null
                : new ReleaseRecord(l.get(PREVIOUS_RELEASE), l.get(SERVICE), l.get(ENVIRONMENT), l.get(PREVIOUS_VERSION), l.get(PREVIOUS_IMAGE),
                l.get(PREVIOUS_IMAGE_ID), null, null, null, null, List.of(), null, null, null, null, null);
        return new ReleaseRecord(l.get(RELEASE), l.get(SERVICE), l.get(ENVIRONMENT), l.get(VERSION), l.get(IMAGE), l.get(IMAGE_ID),
                l.get(DIGEST), l.get(STRATEGY), l.get(TARGET), l.get(COLOUR), inst, l.get(DEPLOYED_AT), l.get(BUILD_URL), null,
                l.get(STATE_FILE), previous);
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
