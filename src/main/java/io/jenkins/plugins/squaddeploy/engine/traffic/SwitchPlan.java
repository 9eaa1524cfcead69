package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Everything a blueGreenSwitch call asked for, validated (see {@link #of}): the router, the colours, the
 * request for {@link BlueGreenSwitcher}, and what to do with the old colour afterwards. Built the same way by
 * the step and the CLI, before the router is touched; serialisable, so a waiting step can rebuild its router.
 */
public record SwitchPlan(String service, RouterSpec router, List<ColourSpec> colours, SwitchRequest request, Duration stopOldAfter,
                         boolean keepOldColour, boolean force) implements Serializable {

    public SwitchPlan {
        colours = List.copyOf(colours);
    }

    /**
     * Validates in the order a person reads the call; the first problem is a
     * {@link io.jenkins.plugins.squaddeploy.engine.ParameterException} naming its parameter.
     * @param router built by the caller from its own parameters ({@link NginxRouterSpec#of}, {@link HaproxyRouterSpec#of})
     */
    public static SwitchPlan of(String service, String to, RouterSpec router, List<ColourSpec> colours, String publicUrl, String expectVersion,
                                String versionPath, int verifyDeadlineSeconds, int samples, int stopOldAfterSeconds, boolean keepOldColour,
                                boolean force) {
        return of(UnaryOperator.identity(), service, to, router, colours, publicUrl, expectVersion, versionPath, verifyDeadlineSeconds, samples,
                stopOldAfterSeconds, keepOldColour, force);
    }

    /**
     * As {@link #of(String, String, RouterSpec, List, String, String, String, int, int, int, boolean, boolean)}, with the
     * parameter names of the errors translated by {@code name} (the CLI names its flags: {@code publicUrl} → {@code --public-url}).
     */
    public static SwitchPlan of(UnaryOperator<String> name, String service, String to, RouterSpec router, List<ColourSpec> colours, String publicUrl,
                                String expectVersion, String versionPath, int verifyDeadlineSeconds, int samples, int stopOldAfterSeconds,
                                boolean keepOldColour, boolean force) {
        String s = SwitchSpecs.service(name.apply("service"), service);
        if (router == null) {
            throw new io.jenkins.plugins.squaddeploy.engine.ParameterException(name.apply("router"), "no router was given",
                    "nginxRouter(config: '/etc/nginx/conf.d/" + s + "-upstream.conf', …) or haproxyRouter(socket: '/run/haproxy/admin.sock', config: …)");
        }
        List<ColourSpec> cs = SwitchSpecs.colours(name.apply("colours"), colours);
        ColourSpec target = SwitchSpecs.target(name.apply("to"), to, cs);
        for (int i = 0; i < cs.size(); i++) {
            router.checkServers(name.apply("colours[" + i + "].servers"), cs.get(i).servers());
        }
        // A router that proves the switch through its own backends (a Kubernetes Service's endpoints) needs no public URL.
        URI url = router.verifiesBackends() && (publicUrl == null || publicUrl.isBlank()) ? null : SwitchSpecs.publicUrl(name.apply("publicUrl"), publicUrl);
        String version = SwitchSpecs.version(name.apply("expectVersion"), expectVersion);
        String path = SwitchSpecs.versionPath(name.apply("versionPath"), versionPath);
        Duration deadline = SwitchSpecs.verifyDeadline(name.apply("verifyDeadline"), verifyDeadlineSeconds);
        int n = SwitchSpecs.samples(name.apply("samples"), samples);
        Duration stopAfter = SwitchSpecs.stopOldAfter(name.apply("stopOldAfter"), stopOldAfterSeconds);
        return new SwitchPlan(s, router, cs, SwitchSpecs.request(s, target, url, version, path, deadline, n), stopAfter, keepOldColour, force);
    }

    /** The colour named {@code name}, or null when it is not one of {@link #colours()}. */
    public ColourSpec colour(String name) {
        for (ColourSpec c : colours) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    public SwitchOptions options() {
        return SwitchOptions.defaults().withForce(force);
    }
}
