package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of what users write: every error names its parameter and the accepted form. */
class SwitchSpecsTest {
    private static final NginxRouterSpec NGINX = NginxRouterSpec.of("router", "/etc/nginx/conf.d/api.conf", null, List.of(), null);

    private static ColourSpec colour(String name, String... servers) {
        return new ColourSpec(name, SwitchSpecs.upstreams("colours", List.of(servers)), null);
    }

    private static SwitchPlan plan(String to, RouterSpec router, List<ColourSpec> colours, String url) {
        return SwitchPlan.of("api", to, router, colours, url, "2.0.0", null, 60, 10, 600, false, false);
    }

    @Test
    void aValidCallBecomesARequestForTheTargetColour() {
        SwitchPlan p = plan("green", NGINX, List.of(colour("blue", "127.0.0.1:8001"), colour("green", "127.0.0.1:8002", "[::1]:8003")),
                "http://127.0.0.1:8080/health");
        assertThat(p.request().toColour()).isEqualTo("green");
        assertThat(p.request().upstreams()).containsExactly(new TrafficRouter.Upstream("127.0.0.1", 8002), new TrafficRouter.Upstream("::1", 8003));
        assertThat(p.request().versionJsonPath()).isEqualTo("$.version");
        assertThat(p.colour("blue").servers()).hasSize(1);
        assertThat(p.colour("red")).isNull();
    }

    @Test
    void errorsNameTheParameter() {
        List<ColourSpec> ok = List.of(colour("blue", "127.0.0.1:8001"), colour("green", "127.0.0.1:8002"));
        assertThatThrownBy(() -> plan("green", null, ok, "http://127.0.0.1/health"))
                .isInstanceOf(ParameterException.class).hasMessageStartingWith("Invalid parameter 'router': no router was given.");
        assertThatThrownBy(() -> plan("green", NGINX, List.of(colour("blue", "127.0.0.1:8001"), colour("blue", "127.0.0.1:8002")), "http://x/health"))
                .hasMessageStartingWith("Invalid parameter 'colours[1].name': colour 'blue' is listed twice.");
        assertThatThrownBy(() -> plan("green", NGINX, List.of(colour("blue", "127.0.0.1:8001"), colour("green", "127.0.0.1:8001")), "http://x/health"))
                .hasMessageStartingWith("Invalid parameter 'colours[1].servers[0]': 127.0.0.1:8001 also belongs to another colour.");
        assertThatThrownBy(() -> plan("Green!", NGINX, ok, "http://x/health")).hasMessageStartingWith("Invalid parameter 'to': got 'Green!'.");
        assertThatThrownBy(() -> plan("green", NGINX, ok, "http://user:pw@x/health"))
                .hasMessageStartingWith("Invalid parameter 'publicUrl': the URL holds a user name or password.");
        assertThatThrownBy(() -> SwitchSpecs.upstream("colours[0].servers[0]", "127.0.0.1:8001/health"))
                .hasMessageStartingWith("Invalid parameter 'colours[0].servers[0]': '127.0.0.1:8001/health' has a path.");
        assertThatThrownBy(() -> SwitchSpecs.colourName("colours[0].name", "blue-2"))
                .hasMessageContaining("starting with a letter, e.g. 'blue' or 'green'");
        assertThatThrownBy(() -> SwitchSpecs.stopOldAfter("stopOldAfter", -1)).hasMessageStartingWith("Invalid parameter 'stopOldAfter': got -1.");
        assertThatThrownBy(() -> SwitchSpecs.samples("samples", 0)).hasMessageStartingWith("Invalid parameter 'samples': got 0.");
        assertThatThrownBy(() -> NginxRouterSpec.of("router", "/etc/nginx/a;b.conf", null, List.of(), null))
                .hasMessageStartingWith("Invalid parameter 'router.config'");
        assertThatThrownBy(() -> HaproxyRouterSpec.of("router", "api", "/run/haproxy/admin.sock", "api", "/etc/haproxy/haproxy.cfg", null,
                List.of("-f", "/etc/haproxy/haproxy.cfg", "-c"), null))
                .hasMessageStartingWith("Invalid parameter 'router.haproxyArgs[2]': '-c' does not belong in the check arguments.");
        assertThatThrownBy(() -> DockerColourStopper.of("colours[0]", List.of("api blue"), null, null))
                .hasMessageStartingWith("Invalid parameter 'colours[0].containers[0]': got 'api blue'.");
        assertThatThrownBy(() -> DockerColourStopper.of("colours[0]", List.of(), "Shop", "api"))
                .hasMessageStartingWith("Invalid parameter 'colours[0].composeProject': got 'Shop'.");
    }
}
