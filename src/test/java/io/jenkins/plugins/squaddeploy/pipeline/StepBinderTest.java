package io.jenkins.plugins.squaddeploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import groovy.lang.GString;
import io.jenkins.plugins.squaddeploy.steps.VerifyHealthStep;
import io.jenkins.plugins.squaddeploy.steps.health.HttpCheck;
import io.jenkins.plugins.squaddeploy.steps.health.PostgresCheck;
import io.jenkins.plugins.squaddeploy.steps.health.TcpCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.codehaus.groovy.runtime.GStringImpl;
import org.junit.jupiter.api.Test;

/** The data binding of {@link StepBinder}, against the plugin's real classes and structs' rules. */
class StepBinderTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream warnings = new PrintStream(out, true, StandardCharsets.UTF_8);

    private static StepBinder.Model model(String symbol) {
        return StepBinder.catalog().symbols().get(symbol);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void findsThePluginsStepsAndSymbols() {
        StepBinder.Catalog c = StepBinder.catalog();
        assertThat(c.steps()).containsKey("verifyHealth");
        assertThat(c.steps().get("verifyHealth").type()).isEqualTo(VerifyHealthStep.class);
        assertThat(c.symbols()).containsKeys("httpCheck", "tcpCheck", "postgresCheck", "redisCheck", "commandCheck");
        assertThat(model("tcpCheck").toString()).isEqualTo("TcpCheck(host: String, port: int, name?: String)");
    }

    @Test
    void constructorParametersByNameThenSettersWithGroovyValuesCoerced() {
        GString url = new GStringImpl(new Object[] {8080}, new String[] {"http://127.0.0.1:", "/health"});
        Object o = model("httpCheck").instantiate(map("url", url, "status", List.of(200, 503), "expect", List.of("$.status == 'healthy'"),
                "name", "api"), warnings, StepBinder.Rules.DEFAULT);
        HttpCheck h = (HttpCheck) o;
        assertThat(h.getUrl()).isEqualTo("http://127.0.0.1:8080/health");
        assertThat(h.getStatus()).containsExactly(200, 503);
        assertThat(h.getExpect()).containsExactly("$.status == 'healthy'");
        assertThat(h.getName()).isEqualTo("api");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aSingleUnnamedArgumentBindsToTheSoleRequiredParameter() {
        StepBinder.Parsed p = StepBinder.parseArgs(new Object[] {"db.internal"}, false, model("postgresCheck").soleRequiredName());
        PostgresCheck pg = (PostgresCheck) model("postgresCheck").instantiate(p.named(), warnings, StepBinder.Rules.DEFAULT);
        assertThat(pg.getHost()).isEqualTo("db.internal");
        assertThat(pg.getPort()).isEqualTo(5432);

        StepBinder.Parsed two = StepBinder.parseArgs(new Object[] {"db.internal"}, false, model("tcpCheck").soleRequiredName());
        assertThatThrownBy(() -> model("tcpCheck").instantiate(two.named(), warnings, StepBinder.Rules.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Arguments to class io.jenkins.plugins.squaddeploy.steps.health.TcpCheck have to be explicitly named");
        assertThatThrownBy(() -> StepBinder.parseArgs(new Object[] {"a", "b"}, false, null))
                .hasMessage("Expected named arguments but got [a, b]");
    }

    @Test
    void unknownKeysAreJenkinsWarningsOrErrorsWhenStrict() {
        Object o = model("tcpCheck").instantiate(map("host", "h", "port", 5432, "timeot", 3), warnings, StepBinder.Rules.DEFAULT);
        assertThat(((TcpCheck) o).getPort()).isEqualTo(5432);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("WARNING: Unknown parameter(s) found for class type 'io.jenkins.plugins.squaddeploy.steps.health.TcpCheck': timeot\n");
        assertThatThrownBy(() -> model("tcpCheck").instantiate(map("host", "h", "port", 1, "timeot", 3), warnings,
                new StepBinder.Rules(true, false)))
                .hasMessage("WARNING: Unknown parameter(s) found for class type 'io.jenkins.plugins.squaddeploy.steps.health.TcpCheck': timeot");
    }

    @Test
    void missingRequiredParametersAreNamedUnlessLenientAsJenkins() {
        assertThatThrownBy(() -> model("tcpCheck").instantiate(map("host", "h"), warnings, StepBinder.Rules.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Could not instantiate {host=h} for TcpCheck(host: String, port: int, name?: String): missing required parameter port");
        // structs passes the VM default (0) and lets the class or the step validate it
        TcpCheck t = (TcpCheck) model("tcpCheck").instantiate(map("host", "h"), warnings, new StepBinder.Rules(false, true));
        assertThat(t.getPort()).isZero();
    }

    @Test
    void aValueOfTheWrongTypeFailsWithStructsMessage() {
        assertThatThrownBy(() -> model("tcpCheck").instantiate(map("host", "h", "port", "5432"), warnings, StepBinder.Rules.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Could not instantiate {host=h, port=5432} for TcpCheck(")
                .hasMessageEndingWith("java.lang.ClassCastException: io.jenkins.plugins.squaddeploy.steps.health.TcpCheck.port expects int "
                        + "but received class java.lang.String");
    }

    @Test
    void theStepGetsItsChecksAndOptions() {
        HttpCheck check = (HttpCheck) model("httpCheck").instantiate(map("url", "http://127.0.0.1:1/"), warnings, StepBinder.Rules.DEFAULT);
        StepBinder.PluginStep step = StepBinder.catalog().steps().get("verifyHealth");
        VerifyHealthStep s = (VerifyHealthStep) step.model().instantiate(map("checks", List.of(check), "attempts", 2, "failOnError", false),
                warnings, StepBinder.Rules.DEFAULT);
        assertThat(s.getChecks()).containsExactly(check);
        assertThat(s.getAttempts()).isEqualTo(2);
        assertThat(s.isFailOnError()).isFalse();
        assertThat(new java.util.HashSet<Class<?>>(step.requiredContext())).contains(hudson.FilePath.class, hudson.Launcher.class);
    }
}
