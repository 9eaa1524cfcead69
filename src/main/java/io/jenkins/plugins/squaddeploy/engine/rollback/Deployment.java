package io.jenkins.plugins.squaddeploy.engine.rollback;

import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.PortPlan;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.TargetSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeConnection;
import io.jenkins.plugins.squaddeploy.engine.traffic.KubeServiceRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourStopper;
import io.jenkins.plugins.squaddeploy.engine.traffic.DockerColourStopper;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one step of a build changed on a target, so that {@code autoRollback()} knows what to undo without being told:
 * a release ({@link Released}, recorded by squadDeploy), a release to an orchestrated target ({@link Orchestrated}:
 * Swarm, Kubernetes, Helm) or a traffic switch ({@link Switched}, recorded by blueGreenSwitch). Kept on the build as a map of strings, numbers, lists and maps ({@link #toMap()},
 * {@link #fromMap}), because the build record is stored with XStream, which cannot read Java records back, and the
 * values must also be safe in CPS-transformed pipeline code. What runs <em>now</em> is always read from the target
 * (router, containers, state file); this only says where to look and what this build did.
 */
public sealed interface Deployment extends Serializable permits Deployment.Released, Deployment.Switched, Deployment.Orchestrated {
    String SQUAD_DEPLOY = "squadDeploy";
    String ORCHESTRATED = "orchestrated";
    String BLUE_GREEN_SWITCH = "blueGreenSwitch";

    /** The service as the step named it. */
    String service();

    /** When the step finished. */
    Instant at();

    Map<String, Object> toMap();

    /**
     * squadDeploy released {@code record} with {@code request}; {@code router} is the router squadDeploy switched
     * itself (blueGreen with a router), else null.
     */
    record Released(DeployRequest request, ReleaseRecord record, RouterSpec router, Instant at) implements Deployment {
        @Override
        public String service() {
            return request.service();
        }

        public String environment() {
            return request.environment();
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", SQUAD_DEPLOY);
            m.put("at", at.toString());
            m.put("request", requestMap(request));
            m.put("record", record.toMap());
            m.put("router", router == null ? null : routerMap(router));
            return m;
        }
    }

    /**
     * blueGreenSwitch moved {@code service}'s traffic from {@code from} to {@code to} (which served {@code toVersion})
     * through {@code router}, verified at {@code publicUrl}.
     */
    record Switched(String service, RouterSpec router, List<ColourSpec> colours, URI publicUrl, String versionPath, Duration verifyDeadline,
                    int samples, String from, String to, String toVersion, Instant at) implements Deployment {
        public Switched {
            colours = List.copyOf(colours);
        }

        public ColourSpec colour(String name) {
            return colours.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", BLUE_GREEN_SWITCH);
            m.put("at", at.toString());
            m.put("service", service);
            m.put("router", routerMap(router));
            List<Object> cs = new ArrayList<>();
            for (ColourSpec c : colours) {
                cs.add(colourMap(c));
            }
            m.put("colours", cs);
            m.put("publicUrl", publicUrl == null ? null : publicUrl.toString());
            m.put("versionPath", versionPath);
            m.put("verifyDeadline", verifyDeadline.toSeconds());
            m.put("samples", samples);
            m.put("from", from);
            m.put("to", to);
            m.put("toVersion", toVersion);
            return m;
        }
    }

    /**
     * squadDeploy released {@code release} to an orchestrated target (Swarm, Kubernetes, Helm): autoRollback undoes it
     * through the target's {@link io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrator}.
     */
    record Orchestrated(OrchestratedRelease release, Instant at) implements Deployment {
        @Override
        public String service() {
            return release.service();
        }

        public String environment() {
            return release.environment();
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", ORCHESTRATED);
            m.put("at", at.toString());
            m.put("release", release.toMap());
            return m;
        }
    }

    /** Reads back what {@link #toMap()} wrote; throws IllegalArgumentException for a map it did not write. */
    static Deployment fromMap(Map<?, ?> m) {
        String kind = str(m.get("kind"));
        Instant at = m.get("at") == null ? Instant.EPOCH : Instant.parse(str(m.get("at")));
        if (SQUAD_DEPLOY.equals(kind)) {
            return new Released(request(map(m.get("request"))), ReleaseRecord.fromMap(map(m.get("record"))),
                    m.get("router") == null ? null : router(map(m.get("router"))), at);
        }
        if (ORCHESTRATED.equals(kind)) {
            return new Orchestrated(OrchestratedRelease.fromMap(map(m.get("release"))), at);
        }
        if (BLUE_GREEN_SWITCH.equals(kind)) {
            List<ColourSpec> colours = new ArrayList<>();
            for (Object o : list(m.get("colours"))) {
                colours.add(colour(map(o)));
            }
            return new Switched(str(m.get("service")), router(map(m.get("router"))), colours, m.get("publicUrl") == null ? null : URI.create(str(m.get("publicUrl"))),
                    str(m.get("versionPath")), Duration.ofSeconds(num(m.get("verifyDeadline"), 60)), (int) num(m.get("samples"), 10),
                    str(m.get("from")), str(m.get("to")), str(m.get("toVersion")), at);
        }
        throw new IllegalArgumentException("not a recorded deployment: kind " + kind);
    }

    // ------------------------------------------------------------------------------------------------ maps

    private static Map<String, Object> requestMap(DeployRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service", r.service());
        m.put("environment", r.environment());
        m.put("image", r.image().toString());
        m.put("version", r.version());
        m.put("strategy", r.strategy().id());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("kind", r.target().kind());
        if (r.target() instanceof TargetSpec.Compose c) {
            t.put("files", new ArrayList<>(c.files()));
            t.put("project", c.project());
            t.put("envFile", c.envFile());
            t.put("services", new ArrayList<>(c.services()));
        } else if (r.target() instanceof TargetSpec.Docker d) {
            List<String> env = new ArrayList<>();
            d.env().forEach((k, v) -> env.add(k + "=" + v));
            t.put("env", env);
            t.put("network", d.network());
            t.put("volumes", new ArrayList<>(d.volumes()));
        }
        m.put("target", t);
        m.put("ports", r.ports() instanceof PortPlan.Single s && s.port() == null ? null : r.ports().toString());
        m.put("portVariable", r.portVariable());
        m.put("replicas", r.replicas());
        m.put("healthTimeout", r.healthTimeout().toSeconds());
        m.put("stateDir", r.stateDir());
        m.put("lockTimeout", r.lockTimeout().toSeconds());
        m.put("buildUrl", r.buildUrl());
        List<String> labels = new ArrayList<>();
        r.labels().forEach((k, v) -> labels.add(k + "=" + v));
        m.put("labels", labels);
        m.put("upstreamHost", r.upstreamHost());
        if (r.switchSettings() != null) {
            DeployRequest.SwitchSettings s = r.switchSettings();
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("publicUrl", s.publicHealthUrl().toString());
            sm.put("versionPath", s.versionJsonPath());
            sm.put("verifyDeadline", s.verifyDeadline().toSeconds());
            sm.put("samples", s.consecutiveSamples());
            m.put("switch", sm);
        }
        return m;
    }

    /** A request built (and so validated) again from {@link #requestMap}. */
    private static DeployRequest request(Map<?, ?> m) {
        DeployRequest.Builder b = DeployRequest.builder().service(str(m.get("service"))).environment(str(m.get("environment")))
                .image(str(m.get("image"))).version(str(m.get("version"))).strategy(str(m.get("strategy"))).ports(str(m.get("ports")))
                .portVariable(str(m.get("portVariable"))).replicas(m.get("replicas") == null ? null : (int) num(m.get("replicas"), 1))
                .healthTimeoutSeconds((int) num(m.get("healthTimeout"), DeployRequest.DEFAULT_HEALTH_TIMEOUT_S)).stateDir(str(m.get("stateDir")))
                .lockTimeoutSeconds((int) num(m.get("lockTimeout"), DeployRequest.DEFAULT_LOCK_TIMEOUT_S)).buildUrl(str(m.get("buildUrl")))
                .labels(strings(m.get("labels"))).upstreamHost(str(m.get("upstreamHost"))).imageSource("local");
        Map<?, ?> t = map(m.get("target"));
        if ("compose".equals(str(t.get("kind")))) {
            b.compose(strings(t.get("files")), str(t.get("project")), str(t.get("envFile")), strings(t.get("services")));
        } else {
            b.docker(strings(t.get("env")), str(t.get("network")), strings(t.get("volumes")));
        }
        if (m.get("switch") instanceof Map<?, ?> s) {
            b.switchSettings(new DeployRequest.SwitchSettings(URI.create(str(s.get("publicUrl"))), str(s.get("versionPath")),
                    Duration.ofSeconds(num(s.get("verifyDeadline"), 60)), (int) num(s.get("samples"), 10)));
        }
        return b.build();
    }

    private static Map<String, Object> routerMap(RouterSpec r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.kind());
        if (r instanceof NginxRouterSpec n) {
            m.put("config", n.config());
            m.put("argv", new ArrayList<>(n.argv()));
            m.put("template", n.template());
            m.put("commandTimeout", n.commandTimeout().toSeconds());
        } else if (r instanceof HaproxyRouterSpec h) {
            m.put("socket", h.socket());
            m.put("backend", h.backend());
            m.put("config", h.config());
            m.put("checkArgv", new ArrayList<>(h.checkArgv()));
            m.put("template", h.template());
            m.put("commandTimeout", h.commandTimeout().toSeconds());
        } else if (r instanceof KubeServiceRouterSpec k) {
            // the kubeconfig is never recorded: only the ID of its credential
            m.put("service", k.service());
            m.put("colourLabel", k.colourLabel());
            m.put("namespace", k.connection().namespace());
            m.put("context", k.connection().context());
            m.put("credentialsId", k.connection().credentialsId());
        }
        return m;
    }

    private static RouterSpec router(Map<?, ?> m) {
        String kind = str(m.get("kind"));
        Duration timeout = Duration.ofSeconds(num(m.get("commandTimeout"), 30));
        if ("nginx".equals(kind)) {
            return new NginxRouterSpec(str(m.get("config")), strings(m.get("argv")), str(m.get("template")), timeout);
        }
        if ("haproxy".equals(kind)) {
            return new HaproxyRouterSpec(str(m.get("socket")), str(m.get("backend")), str(m.get("config")), strings(m.get("checkArgv")),
                    str(m.get("template")), timeout);
        }
        if ("kubernetes".equals(kind)) {
            return new KubeServiceRouterSpec(new KubeConnection(str(m.get("credentialsId")), null, str(m.get("context")), str(m.get("namespace"))),
                    str(m.get("service")), str(m.get("colourLabel")), null);
        }
        throw new IllegalArgumentException("unknown router kind " + kind);
    }

    private static Map<String, Object> colourMap(ColourSpec c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        List<Object> servers = new ArrayList<>();
        for (TrafficRouter.Upstream u : c.servers()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("host", u.host());
            s.put("port", u.port());
            servers.add(s);
        }
        m.put("servers", servers);
        ColourStopper st = c.stopper();
        if (st instanceof DockerColourStopper d) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("docker", d.docker());
            sm.put("containers", new ArrayList<>(d.containers()));
            sm.put("composeProject", d.composeProject());
            sm.put("composeService", d.composeService());
            sm.put("graceSeconds", d.graceSeconds());
            m.put("stopper", sm);
        }
        return m;
    }

    private static ColourSpec colour(Map<?, ?> m) {
        List<TrafficRouter.Upstream> servers = new ArrayList<>();
        for (Object o : list(m.get("servers"))) {
            Map<?, ?> s = map(o);
            servers.add(new TrafficRouter.Upstream(str(s.get("host")), (int) num(s.get("port"), 0)));
        }
        DockerColourStopper stopper = null;
        if (m.get("stopper") instanceof Map<?, ?> s) {
            stopper = new DockerColourStopper(str(s.get("docker")), strings(s.get("containers")), str(s.get("composeProject")),
                    str(s.get("composeService")), (int) num(s.get("graceSeconds"), 10));
        }
        return new ColourSpec(str(m.get("name")), servers, stopper);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static long num(Object o, long dflt) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        return o == null ? dflt : Long.parseLong(o.toString());
    }

    private static Map<?, ?> map(Object o) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("expected a map, got " + o);
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        for (Object x : list(o)) {
            out.add(str(x));
        }
        return out;
    }
}
