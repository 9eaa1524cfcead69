package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The managed block of the HAProxy router in a config file: replaced in place, appended, read back. */
class HaproxyBlockTest {
    private final HaproxyRouter router = new HaproxyRouter("api",
            HaproxyRouterSpec.of("router", "api", "/run/haproxy/admin.sock", null, "/etc/haproxy/haproxy.cfg", null, null, null),
            new LocalRouterHost(), null, null);

    private String block(String colour, boolean blueDisabled) throws Exception {
        return router.renderBlock(colour, List.of(
                new RouterTemplate.Server("blue-1", new TrafficRouter.Upstream("127.0.0.1", 8001), blueDisabled),
                new RouterTemplate.Server("green-1", new TrafficRouter.Upstream("127.0.0.1", 8002), !blueDisabled)));
    }

    @Test
    void theBlockIsAppendedOnceAndThenReplacedInPlace() throws Exception {
        String user = "global\n    maxconn 100\n\nfrontend fe\n    bind :80\n    default_backend api\n";
        String first = router.withBlock(user, block("blue", false));
        assertThat(first).startsWith(user + "\n# >>> squad-deploy blueGreenSwitch: backend api ");
        String withTail = first + "\nbackend other\n    server o 127.0.0.1:9\n";

        String second = router.withBlock(withTail, block("green", true));

        assertThat(second).startsWith(user).endsWith("\nbackend other\n    server o 127.0.0.1:9\n");
        assertThat(second).contains("colour=green").doesNotContain("colour=blue");
        assertThat(second.split("# >>> squad-deploy").length).isEqualTo(2);
        assertThat(router.serversIn(second)).containsExactly(
                new RouterTemplate.Server("blue-1", new TrafficRouter.Upstream("127.0.0.1", 8001), true),
                new RouterTemplate.Server("green-1", new TrafficRouter.Upstream("127.0.0.1", 8002), false));
        assertThat(router.serversIn(user)).isNull();
    }

    @Test
    void anUnterminatedBlockIsRefused() throws Exception {
        String broken = block("blue", false).replaceAll("# <<<.*\n", "");
        assertThatThrownBy(() -> router.withBlock(broken, block("green", true)))
                .isInstanceOf(RouterException.class).hasMessageContaining("no end marker");
    }

    @Test
    void serverNamesGiveTheirColour() {
        assertThat(HaproxyRouter.colourOf("green-1")).isEqualTo("green");
        assertThat(HaproxyRouter.colourOf("green-12")).isEqualTo("green");
        assertThat(HaproxyRouter.colourOf("blue")).isEqualTo("blue");
        assertThat(HaproxyRouter.colourOf("blue_b-2")).isEqualTo("blue_b");
    }
}
