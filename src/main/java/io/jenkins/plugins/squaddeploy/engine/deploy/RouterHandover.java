package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchSpecs;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * squadDeploy's hand-over of a healthy blue-green release to a router: the router, how the switch is verified
 * through it, and what happens to the old colour afterwards. Validated with blueGreenSwitch's parameter names and
 * rules ({@link SwitchSpecs}), so a user learns one vocabulary: {@code publicUrl}, {@code versionPath},
 * {@code verifyDeadline}, {@code samples}, {@code stopOldAfter}, {@code keepOldColour}. Built the same way by the
 * step and the CLI, before anything is contacted or changed.
 */
public record RouterHandover(RouterSpec router, DeployRequest.SwitchSettings settings, Duration stopOldAfter, boolean keepOldColour)
        implements Serializable {

    /** The state directory beside the router's configuration: {@code <its directory>/.squad-deploy/<environment>}. */
    public static final String STATE_SUBDIRECTORY = ".squad-deploy";

    /**
     * Validates the hand-over settings of {@code request} (already validated itself); the first problem is a
     * {@link ParameterException} naming its parameter as {@code name} translates it (the CLI names its flags).
     *
     * @param router null: no hand-over; then none of the other settings may differ from their defaults
     * @return null when no router is given
     */
    public static RouterHandover of(UnaryOperator<String> name, DeployRequest request, RouterSpec router, String publicUrl, String versionPath,
                                    int verifyDeadlineSeconds, int samples, int stopOldAfterSeconds, boolean keepOldColour) {
        if (router == null) {
            String given = publicUrl != null && !publicUrl.isBlank() ? "publicUrl"
                    : versionPath != null && !versionPath.isBlank() && !versionPath.strip().equals(SwitchSpecs.DEFAULT_VERSION_PATH) ? "versionPath"
                    : verifyDeadlineSeconds != SwitchSpecs.DEFAULT_VERIFY_DEADLINE_S ? "verifyDeadline"
                    : samples != SwitchSpecs.DEFAULT_SAMPLES ? "samples"
                    : stopOldAfterSeconds != SwitchSpecs.DEFAULT_STOP_OLD_AFTER_S ? "stopOldAfter"
                    : keepOldColour ? "keepOldColour" : null;
            if (given != null) {
                throw new ParameterException(name.apply(given), "it only applies when squadDeploy switches the router, and no router was given",
                        "a router with it (router: nginxRouter(…) or haproxyRouter(…)), or neither (then blueGreenSwitch moves the traffic)");
            }
            return null;
        }
        if (request.strategy() != Strategy.BLUE_GREEN) {
            throw new ParameterException(name.apply("router"), "only the blueGreen strategy hands traffic to a router, this is " + request.strategy(),
                    "no router for " + request.strategy() + " (its instances serve as soon as they run: point the router at all ports of target.ports)");
        }
        URI url = SwitchSpecs.publicUrl(name.apply("publicUrl"), publicUrl);
        String path = SwitchSpecs.versionPath(name.apply("versionPath"), versionPath);
        Duration deadline = SwitchSpecs.verifyDeadline(name.apply("verifyDeadline"), verifyDeadlineSeconds);
        int n = SwitchSpecs.samples(name.apply("samples"), samples);
        Duration stopAfter = SwitchSpecs.stopOldAfter(name.apply("stopOldAfter"), stopOldAfterSeconds);
        List<TrafficRouter.Upstream> upstreams = new ArrayList<>();
        for (int port : request.colours().ports().values()) {
            upstreams.add(new TrafficRouter.Upstream(request.upstreamHost(), port));
        }
        try {
            router.checkServers("upstreamHost", upstreams);
        } catch (ParameterException e) {
            // the router names one server of a list ('upstreamHost[0]'); here every colour has the one upstreamHost
            String m = e.getMessage();
            String problem = m.substring(m.indexOf("': ") + 3, m.length() - (". Expected " + e.acceptedForm() + ".").length());
            throw new ParameterException(name.apply("upstreamHost"), problem, e.acceptedForm());
        }
        return new RouterHandover(router, new DeployRequest.SwitchSettings(url, path, deadline, n), stopAfter, keepOldColour);
    }

    /** The router's configuration file: nginx's upstream include, HAProxy's config. */
    public String routerConfig() {
        if (router instanceof NginxRouterSpec n) {
            return n.config();
        }
        return ((HaproxyRouterSpec) router).config();
    }

    /**
     * The default state directory when a router is given: {@code <directory of the router config>/.squad-deploy/<environment>},
     * e.g. {@code /etc/nginx/conf.d/.squad-deploy/production}. Beside the router's configuration, so every job and
     * {@code squad deploy} that switches the same router find the same release record and lock without being told;
     * a hidden directory, so an {@code include conf.d/*} never reads it.
     */
    public String defaultStateDir(String environment) {
        String config = routerConfig();
        int slash = config.lastIndexOf('/');
        String dir = slash <= 0 ? "" : config.substring(0, slash);
        return dir + "/" + STATE_SUBDIRECTORY + "/" + environment;
    }
}
