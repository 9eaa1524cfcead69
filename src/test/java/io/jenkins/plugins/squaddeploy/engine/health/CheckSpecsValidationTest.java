package io.jenkins.plugins.squaddeploy.engine.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every bad parameter is refused before anything runs, with the parameter's name and the accepted form. */
class CheckSpecsValidationTest {
    private static final SecretSource SECRETS = (id, parameter, needsUsername) -> {
        if (id.equals("app-db")) {
            return new Credential(id, "app", "pw");
        }
        throw new ParameterException(parameter, "no credentials with ID " + ParameterException.show(id), "the ID of a credential");
    };

    static Stream<Arguments> badChecks() {
        return Stream.of(
                Arguments.of(List.of(), "checks", "a list of one or more checks"),
                Arguments.of(List.of(Map.of("http", "htp:/x")), "checks[0].url", "an http:// or https:// URL"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1:8080/health; rm -rf /")), "checks[0].url", "an http:// or https:// URL"),
                Arguments.of(List.of(Map.of("http", "http://user:pw@127.0.0.1/health")), "checks[0].url", "credentialsId"),
                Arguments.of(List.of(Map.of("http", "ftp://127.0.0.1/health")), "checks[0].url", "http"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1/h", "expect", List.of("status == 'x'"))), "checks[0].expect[0]", "a JSONPath"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1/h", "expect", List.of("$[?(@.a =="))), "checks[0].expect[0]", "a JSONPath"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1/h", "expect", List.of("$.status == 'healthy' && $.x == 1"))), "checks[0].expect[0]", "a JSONPath"),
                Arguments.of(List.of(named("x".repeat(65), "http://127.0.0.1/a")), "checks[0].name", "1 to 64"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1/h", "status", List.of(99))), "checks[0].status[0]", "100 to 599"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1/h", "headers", Map.of("Authorization", "Bearer x"))), "checks[0].headers", "credentialsId"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1/h", "headers", Map.of("X-A", "a\r\nX-B: b"))), "checks[0].headers.X-A", "one line"),
                Arguments.of(List.of(Map.of("tcp", "127.0.0.1")), "checks[0].tcp", "host:port"),
                Arguments.of(List.of(Map.of("tcp", "127.0.0.1:70000")), "checks[0].tcp", "1 to 65535"),
                Arguments.of(List.of(Map.of("tcp", "$(reboot):80")), "checks[0].tcp", "a host name or IP address"),
                Arguments.of(List.of(Map.of("postgres", "127.0.0.1:5432/app;drop", "credentialsId", "app-db")), "checks[0].database", "a database name"),
                Arguments.of(List.of(Map.of("postgres", "127.0.0.1:5432/app", "credentialsId", "nope")), "checks[0].credentialsId", "the ID of a credential"),
                Arguments.of(List.of(Map.of("redis", "127.0.0.1:6379", "port", 1)), "checks[0].port", "one of"),
                Arguments.of(List.of(Map.of("command", List.of())), "checks[0].command", "a list of arguments"),
                Arguments.of(List.of(Map.of("command", List.of("sh", "-c\0x"))), "checks[0].command[1]", "non-empty arguments"),
                Arguments.of(List.of(Map.of("nope", "x")), "checks[0]", "exactly one of http, tcp, postgres, redis, command"),
                Arguments.of(List.of(Map.of("http", "http://127.0.0.1/h", "tcp", "127.0.0.1:1")), "checks[0]", "exactly one of"),
                Arguments.of(List.of(named("api", "http://127.0.0.1/a"), named("api", "http://127.0.0.1/b")), "checks[1].name", "unique"),
                Arguments.of(List.of(named("api\nINFO: fake", "http://127.0.0.1/a")), "checks[0].name", "letters, digits"));
    }

    private static Map<String, Object> named(String name, String url) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("http", url);
        return m;
    }

    @ParameterizedTest
    @MethodSource("badChecks")
    void refusedWithParameterAndForm(List<?> checks, String parameter, String formFragment) {
        assertThatThrownBy(() -> CheckSpecs.fromMaps(new ArrayList<>(checks), SECRETS))
                .isInstanceOf(ParameterException.class)
                .satisfies(e -> assertThat(((ParameterException) e).parameter()).isEqualTo(parameter))
                .hasMessageContaining("Invalid parameter '" + parameter + "'")
                .hasMessageContaining(formFragment);
    }

    @Test
    void badOptionsNameTheOption() {
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, 3, -1, 120, 1, 0)).hasMessageContaining("'timeout'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(0, 3, 5, 120, 1, 0)).hasMessageContaining("'attempts'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, -3, 5, 120, 1, 0)).hasMessageContaining("'interval'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, 3, 5, 0, 1, 0)).hasMessageContaining("'deadline'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, 3, 5, 1e9, 1, 0)).hasMessageContaining("'deadline'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, 3, 5, 60, 0, 0)).hasMessageContaining("'successThreshold'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(10, 3, 5, 60, 1, -2)).hasMessageContaining("'failureThreshold'");
        assertThatThrownBy(() -> VerifyOptions.ofSeconds(3, 3, 5, 60, 4, 0)).hasMessageContaining("'successThreshold'").hasMessageContaining("attempts (3)");
    }

    @Test
    void goodChecksParseWithDefaults() throws Exception {
        List<CheckSpec> specs = CheckSpecs.fromMaps(List.of(
                Map.of("http", "http://127.0.0.1:8080/health", "expect", List.of("$.status == 'healthy'")),
                Map.of("postgres", "127.0.0.1:5433/app", "credentialsId", "app-db"),
                Map.of("redis", "127.0.0.1"),
                Map.of("tcp", "[::1]:22"),
                Map.of("command", List.of("/usr/bin/pg_isready", "-h", "127.0.0.1"))), SECRETS);
        assertThat(specs).extracting(CheckSpec::name)
                .containsExactly("http-127.0.0.1-8080/health", "postgres-127.0.0.1-5433-app", "redis-127.0.0.1-6379", "tcp-1-22", "command-pg_isready");
        assertThat(specs.get(1)).isEqualTo(new CheckSpec.Postgres("postgres-127.0.0.1-5433-app", "127.0.0.1", 5433, "app", new Credential("app-db", "app", "pw")));
        assertThat(specs.get(1).toString()).doesNotContain("pw]").contains("secret ****");
        assertThat(((CheckSpec.Http) specs.get(0)).expectedStatus()).containsExactly(200);
    }
}
