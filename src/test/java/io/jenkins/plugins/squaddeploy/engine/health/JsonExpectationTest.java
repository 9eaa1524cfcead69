package io.jenkins.plugins.squaddeploy.engine.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonExpectationTest {
    private static final Object HEALTHY = json("{\"status\":\"healthy\",\"version\":\"1.4.2\",\"services\":{\"postgres\":\"connected\",\"redis\":\"connected\"},\"uptime\":12.5}");
    private static final Object DEGRADED = json("{\"status\":\"degraded\",\"version\":\"1.4.2\",\"services\":{\"postgres\":\"connected\",\"redis\":\"disconnected\"}}");

    private static Object json(String s) {
        try {
            return JsonExpectation.LENIENT.readValue(s, Object.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String check(String expr, Object doc) {
        return JsonExpectation.parse(expr, "checks[0].expect[0]").check(doc);
    }

    @Test
    void seedHealthContractPassesOnHealthyDocument() {
        assertThat(check("$.status == 'healthy'", HEALTHY)).isNull();
        assertThat(check("$.services.* in ['connected', 'healthy']", HEALTHY)).isNull();
        assertThat(check("$.version =~ '^1\\.4\\.'", HEALTHY)).isNull();
        assertThat(check("$.uptime > 10", HEALTHY)).isNull();
        assertThat(check("$.version", HEALTHY)).isNull();
        assertThat(check("$.status=='healthy'", HEALTHY)).isNull();
    }

    @Test
    void failuresShowTheExpressionAndTheActualValue() {
        assertThat(check("$.status == 'healthy'", DEGRADED)).isEqualTo("$.status == 'healthy' failed: actual 'degraded'");
        assertThat(check("$.services.* in ['connected', 'healthy']", DEGRADED))
                .isEqualTo("$.services.* in ['connected', 'healthy'] failed: actual 1 of 2 values 'disconnected'");
        assertThat(check("$.missing == 1", DEGRADED)).isEqualTo("$.missing == 1 failed: no value at $.missing");
        assertThat(check("$.nothing.* == 'x'", DEGRADED)).isEqualTo("$.nothing.* == 'x' failed: no values found at $.nothing.*");
        assertThat(check("$.uptime > 10", DEGRADED)).contains("failed");
    }

    @Test
    void numbersCompareByValue() {
        Object doc = json("{\"replicas\": 3, \"ratio\": 0.5}");
        assertThat(check("$.replicas == 3.0", doc)).isNull();
        assertThat(check("$.ratio <= 0.5", doc)).isNull();
        assertThat(check("$.ratio < 0.5", doc)).isNotNull();
        assertThat(check("$.replicas not in [1, 2]", doc)).isNull();
    }

    @Test
    void badExpressionsNameTheParameterAndTheForm() {
        for (String bad : List.of("", "status == 'healthy'", "$.status ~~ 'x'", "$.status ==", "$.status in 'x'", "$[?(@.a ==", "$.a < 'text'", "$.a =~ '('")) {
            assertThatThrownBy(() -> JsonExpectation.parse(bad, "checks[1].expect[2]"), bad)
                    .isInstanceOf(ParameterException.class)
                    .hasMessageContaining("'checks[1].expect[2]'")
                    .hasMessageContaining("Expected a JSONPath");
        }
    }

    @Test
    void survivesSerialisationToTheAgent() throws Exception {
        JsonExpectation x = JsonExpectation.parse("$.services.* in ['connected']", "p");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(x);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            JsonExpectation copy = (JsonExpectation) in.readObject();
            assertThat(copy.check(Map.of("services", Map.of("a", "connected")))).isNull();
            assertThat(copy.check(Map.of("services", Map.of("a", "down")))).contains("'down'");
        }
    }
}
