package io.jenkins.plugins.squaddeploy.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Compose v2 ({@code docker compose}) versus v1 ({@code docker-compose}): only v1 is installed on the test machines,
 * so the choice and the argv for v2 are checked here with a scripted command runner; v1 is also run for real by
 * {@link SquadDeployerComposeTest}.
 */
class ComposeClientTest {
    static final class Scripted implements CommandRunner {
        final List<List<String>> calls = new ArrayList<>();
        final Function<List<String>, CommandResult> answer;

        Scripted(Function<List<String>, CommandResult> answer) {
            this.answer = answer;
        }

        @Override
        public CommandResult run(CommandRequest r) throws IOException {
            calls.add(r.argv());
            CommandResult c = answer.apply(r.argv());
            if (c == null) {
                throw new IOException("Cannot run program \"" + r.argv().get(0) + "\": error=2, No such file or directory");
            }
            return c;
        }
    }

    static CommandResult ok(String out) {
        return new CommandResult(0, out, "", false, 1);
    }

    static CommandResult fail(String err) {
        return new CommandResult(1, "", err, false, 1);
    }

    @Test
    void prefersComposeV2WhenTheDockerCliHasIt() throws Exception {
        Scripted r = new Scripted(a -> a.subList(0, 2).equals(List.of("docker", "compose")) && a.contains("version") ? ok("2.29.1\n")
                : a.contains("--services") ? ok("web\nworker\n") : ok(""));
        ComposeClient c = ComposeClient.detect(new DockerClient(r), List.of("/w/docker-compose.yml", "/w/prod.yml"), "/w/.env");
        assertThat(c.flavour()).isEqualTo(ComposeClient.Flavour.V2);
        assertThat(c.version()).isEqualTo("2.29.1");
        c.validate("shop-green", "/s/shop-green.compose-override.yml", List.of("web"), Map.of("SQUAD_PORT", "8002"));
        c.up("shop-green", "/s/o.yml", List.of("web"), Map.of());
        assertThat(r.calls.get(1)).containsExactly("docker", "compose", "-p", "shop-green", "-f", "/w/docker-compose.yml", "-f", "/w/prod.yml",
                "-f", "/s/shop-green.compose-override.yml", "--env-file", "/w/.env", "config", "-q");
        assertThat(r.calls.get(r.calls.size() - 1)).containsExactly("docker", "compose", "-p", "shop-green", "-f", "/w/docker-compose.yml",
                "-f", "/w/prod.yml", "-f", "/s/o.yml", "--env-file", "/w/.env", "up", "-d", "--no-deps", "--force-recreate", "web");
    }

    @Test
    void fallsBackToComposeV1() throws Exception {
        Scripted r = new Scripted(a -> a.get(0).equals("docker") ? fail("docker: unknown command: docker compose")
                : a.contains("version") ? ok("1.29.2\n") : ok(""));
        ComposeClient c = ComposeClient.detect(new DockerClient(r), List.of("/w/c.yml"), null);
        assertThat(c.flavour()).isEqualTo(ComposeClient.Flavour.V1);
        assertThat(c.command()).isEqualTo("docker-compose");
        c.exec("shop-blue", "/s/o.yml", "web", List.of("alembic", "upgrade", "head"), Map.of(), java.time.Duration.ofSeconds(5));
        assertThat(r.calls.get(r.calls.size() - 1)).containsExactly("docker-compose", "-p", "shop-blue", "-f", "/w/c.yml", "-f", "/s/o.yml",
                "exec", "-T", "web", "alembic", "upgrade", "head");
    }

    @Test
    void neitherIsAClearError() {
        Scripted r = new Scripted(a -> a.get(0).equals("docker") ? fail("docker: unknown command: docker compose") : null);
        assertThatThrownBy(() -> ComposeClient.detect(new DockerClient(r), List.of("/w/c.yml"), null))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("neither 'docker compose' (v2) nor 'docker-compose' (v1)")
                .hasMessageContaining("unknown command").hasMessageContaining("No such file").hasMessageContaining("Nothing was changed");
    }

    @Test
    void aServiceTheFileDoesNotDefineIsAParameterError() throws Exception {
        Scripted r = new Scripted(a -> a.contains("version") ? ok("1.29.2") : a.contains("--services") ? ok("web\n") : ok(""));
        ComposeClient c = ComposeClient.detect(new DockerClient(r), List.of("/w/c.yml"), null);
        assertThatThrownBy(() -> c.validate("shop", null, List.of("web", "api"), Map.of()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'target.services[1]'").hasMessageContaining("one of the compose file's services [web]");
    }
}
