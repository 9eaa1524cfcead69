package io.jenkins.plugins.squaddeploy.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The console convention's lines: first, last with the duration, and tool output indented and cut to its last lines. */
class StepConsoleTest {
    private final List<String> lines = new ArrayList<>();
    private final ConsoleLog log = new ConsoleLog() {
        @Override
        public void info(String line) {
            lines.add(line);
        }

        @Override
        public void warn(String line) {
            lines.add("WARNING: " + line);
        }
    };

    @Test
    void firstAndLastLineWithTheDuration() {
        StepConsole c = StepConsole.start(log, "squadDeploy", "release api 2.0.0 to production (blueGreen, docker)");
        c.ok("released api 2.0.0 to green");
        StepConsole.since(log, "squadDeploy", Instant.now().minusSeconds(75)).failed("squadDeploy failed: the healthcheck\nsecond line");
        assertThat(lines.get(0)).isEqualTo("squadDeploy ▶ release api 2.0.0 to production (blueGreen, docker)");
        assertThat(lines.get(1)).matches("squadDeploy ✔ released api 2\\.0\\.0 to green \\(took \\d+ ms\\)");
        assertThat(lines.get(2)).matches("squadDeploy ✘ squadDeploy failed: the healthcheck \\[…\\] \\(took 75\\.\\d s\\)");
        assertThat(StepConsole.took(Duration.ofMillis(850))).isEqualTo("850 ms");
        assertThat(StepConsole.took(Duration.ofMillis(12_345))).isEqualTo("12.3 s");
        assertThat(StepConsole.took(Duration.ofSeconds(245))).isEqualTo("4 min 05 s");
    }

    @Test
    void toolOutputIsIndentedAndCutToItsLastLinesSayingWhereTheRestIs() {
        String text = IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\n" + "x".repeat(500) + "\n";
        StepConsole.toolOutput(log, text, 20, "the deploy report");
        assertThat(lines).hasSize(21);
        assertThat(lines.get(0)).isEqualTo("    [31 earlier line(s) not shown; full output in the deploy report]");
        assertThat(lines.get(1)).isEqualTo("    line 32");
        assertThat(lines.get(20)).isEqualTo("    " + "x".repeat(StepConsole.TOOL_LINE_CHARS) + " […]");
        lines.clear();
        StepConsole.toolOutput(log, "  \n", 20, "the deploy report");
        assertThat(lines).isEmpty();
    }
}
