package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The built-in templates live twice: in {@code resources/} (the shared library's, for {@code libraryResource}) and
 * in {@code src/main/resources/} (the plugin's classpath, where the engine loads them). This keeps them identical.
 */
class RouterTemplatesTest {
    private static Path repo() {
        return Path.of(System.getProperty("squad.repo.root", "."));
    }

    @ParameterizedTest
    @ValueSource(strings = {RouterTemplate.NGINX, RouterTemplate.HAPROXY})
    void theSharedLibraryResourceAndTheClasspathCopyAreIdentical(String name) throws Exception {
        byte[] library = Files.readAllBytes(repo().resolve("resources").resolve(RouterTemplate.RESOURCE_DIR + name));
        byte[] source = Files.readAllBytes(repo().resolve("src/main/resources").resolve(RouterTemplate.RESOURCE_DIR + name));
        assertThat(new String(source)).as("src/main/resources/" + RouterTemplate.RESOURCE_DIR + name + " must be a copy of resources/…")
                .isEqualTo(new String(library));
        assertThat(RouterTemplate.builtIn(name)).as("what the engine loads").isEqualTo(new String(library));
    }

    @Test
    void theServerLineIsRepeatedForEveryServer() {
        String t = "backend {{backend}}\n    # {{colour}}\n    server {{name}} {{address}} check{{disabled}}\n";
        RouterTemplate.validate(t, List.of("backend", "colour", "name", "address", "disabled"), List.of("address", "name", "disabled"), "router.template");
        String out = RouterTemplate.render(t, Map.of("backend", "api", "colour", "green"), List.of(
                new RouterTemplate.Server("blue-1", new TrafficRouter.Upstream("127.0.0.1", 8001), true),
                new RouterTemplate.Server("green-1", new TrafficRouter.Upstream("::1", 8002), false)));
        assertThat(out).isEqualTo("backend api\n    # green\n    server blue-1 127.0.0.1:8001 check disabled\n    server green-1 [::1]:8002 check\n");
    }

    @Test
    void aBrokenTemplateIsAParameterErrorNamingWhatIsWrong() {
        List<String> known = List.of("service", "colour", "address", "name", "disabled");
        assertThatThrownBy(() -> RouterTemplate.validate("upstream {{service}} { server {{adress}}; }", known, List.of("address"), "router.template"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'router.template'").hasMessageContaining("unknown placeholder {{adress}}");
        assertThatThrownBy(() -> RouterTemplate.validate("server {{address}};\nserver {{address}};", known, List.of("address"), "router.template"))
                .hasMessageContaining("2 server lines");
        assertThatThrownBy(() -> RouterTemplate.validate("server {{address}}; # {{name}}\n{{disabled}}", known, List.of("address"), "router.template"))
                .hasMessageContaining("may only appear on the server line");
    }
}
