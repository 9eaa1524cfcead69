package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code squad verify}: the CLI twin of verifyHealth, against the same real services. */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class SquadCliTest {
    static PostgresFixture pg;
    static RedisFixture redis;
    static SampleService api;

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() {
        pg = PostgresFixture.create();
        redis = RedisFixture.create();
        api = SampleService.run(DockerFixture.get(), "2.0.0", 0, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        redis.close();
        pg.close();
    }

    private static Run squad(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        System.out.println(out);
        System.out.println(err);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path credentials() throws Exception {
        Path dir = tmp.resolve("credentials");
        write(dir.resolve("app-db/username"), pg.user());
        write(dir.resolve("app-db/password"), pg.password());
        write(dir.resolve("redis-password/secret"), redis.password());
        return dir;
    }

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void healthyServiceExitsZeroAndPrintsTheTableAndJson() throws Exception {
        Run r = squad("verify", "--http", api.baseUrl() + "/health", "--expect", "$.status == 'healthy'",
                "--expect", "$.services.* in ['connected']",
                "--postgres", "127.0.0.1:" + pg.port() + "/app", "--postgres-credentials", "app-db",
                "--redis", "127.0.0.1:" + redis.port(), "--redis-credentials", "redis-password",
                "--credentials-dir", credentials().toString(), "--attempts", "3", "--interval", "0.5", "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("verifyHealth: 3 check(s)").contains("PASSED").contains("verifyHealth: all 3 check(s) passed");
        String json = r.out().substring(r.out().indexOf("{"));
        Map<?, ?> result = new ObjectMapper().readValue(json, Map.class);
        assertThat(result.get("healthy")).isEqualTo(true);
        assertThat((Map<?, ?>) result.get("checks")).hasSize(3);
        assertThat(r.out() + r.err()).doesNotContain(pg.password()).doesNotContain(redis.password());
    }

    @Test
    void checksFileAndEnvironmentCredentialsWorkToo() throws Exception {
        Path checks = tmp.resolve("checks.json");
        Files.writeString(checks, "[{\"name\": \"api\", \"http\": \"" + api.baseUrl() + "/health\", \"expect\": [\"$.version == '2.0.0'\"]},"
                + " {\"name\": \"db\", \"postgres\": \"127.0.0.1:" + pg.port() + "/app\", \"credentialsId\": \"app-db\"}]");
        Run r = squad("verify", "--checks", checks.toString(), "--credentials-dir", credentials().toString(), "--attempts", "2");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("api ").contains("db ");
    }

    @Test
    void unhealthyExitsOneAndNamesTheCause() throws Exception {
        Run r = squad("verify", "--http", api.baseUrl() + "/health", "--expect", "$.version == '9.9.9'", "--attempts", "2", "--interval", "0.2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("verifyHealth failed:").contains("$.version == '9.9.9' failed: actual '2.0.0'").contains("[2 attempts]");
    }

    @Test
    void badParametersExitTwoBeforeAnyNetworkCall() throws Exception {
        Run url = squad("verify", "--http", "http://127.0.0.1:" + api.port() + "/health\nHost: evil");
        assertThat(url.exit()).isEqualTo(2);
        assertThat(url.err()).contains("Invalid parameter 'checks[0].url'").contains("Expected an http:// or https:// URL");
        Run timeout = squad("verify", "--tcp", "127.0.0.1:1", "--timeout", "-5");
        assertThat(timeout.exit()).isEqualTo(2);
        assertThat(timeout.err()).contains("Invalid parameter 'timeout'");
        Run cred = squad("verify", "--redis", "127.0.0.1:" + redis.port(), "--redis-credentials", "no-such-id");
        assertThat(cred.exit()).isEqualTo(2);
        assertThat(cred.err()).contains("Invalid parameter 'checks[0].credentialsId'").contains("no credentials with ID 'no-such-id'");
        assertThat(url.out() + timeout.out() + cred.out()).as("nothing ran").doesNotContain("verifyHealth:");
        Run none = squad("verify");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("Invalid parameter 'checks'");
        Run cmd = squad("verify", "--command", "pg_isready -h 127.0.0.1");
        assertThat(cmd.exit()).isEqualTo(2);
        assertThat(cmd.err()).contains("'--command'").contains("JSON list");
        assertThat(List.of(url, timeout, cred, none, cmd)).allSatisfy(r -> assertThat(r.err()).doesNotContain("Exception"));
    }
}
