package io.jenkins.plugins.squaddeploy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.cli.SquadCli;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandAudit;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every row of {@link BadInputCorpus} against the live {@link BadInputWorld}: the step (or var, or CLI command) fails,
 * its error names the parameter and the accepted form, no stack trace is shown, no command was run (argv audit) and
 * no request reached the service unless the row is about what the service answers, and everything observable —
 * router config bytes, what nginx serves, containers and their labels, state directory, snapshot store, database rows
 * and databases, image tags — is exactly as before. The count of rejected inputs is printed for docs/reliability.md.
 */
@Timeout(300)
@ExtendWith(TestbedExtension.class)
class BadInputCorpusTest {
    static BadInputWorld world;
    static String baseline;
    static Map<String, String> vars;
    static final Map<String, String> REJECTED = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        world = new BadInputWorld();
        vars = world.vars();
        baseline = world.observe();
        System.out.println("corpus world:\n" + baseline);
    }

    @AfterAll
    static void stop() {
        Map<String, Integer> byCategory = new TreeMap<>();
        for (BadInputCorpus.Row r : BadInputCorpus.rows()) {
            if (REJECTED.containsKey(r.id())) {
                byCategory.merge(r.category().label, 1, Integer::sum);
            }
        }
        System.out.println("RELIABILITY bad inputs: " + REJECTED.size() + " of " + BadInputCorpus.rows().size()
                + " rejected before any side effect with the parameter and the accepted form named; world unchanged; by category " + byCategory);
        if (world != null) {
            world.close();
        }
    }

    static Stream<BadInputCorpus.Row> rows() {
        return BadInputCorpus.rows().stream();
    }

    @Test
    void theCorpusHasAtLeastSixtyRowsCoveringEveryStepVarAndCliCommand() {
        List<BadInputCorpus.Row> rows = BadInputCorpus.rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(60);
        assertThat(rows.stream().map(BadInputCorpus.Row::id).distinct().count()).isEqualTo(rows.size());
        assertThat(rows.stream().map(BadInputCorpus.Row::surface).distinct())
                .contains("verifyHealth", "squadDeploy", "blueGreenSwitch", "dbSnapshot", "autoRollback", "deployWindow", "squadReport",
                        "serviceHealth(url:", "autoRollbackWithApproval(database:", "approvalGate(message:", "drTest(sources:", "squadRunbook(servce:",
                        "squad verify", "squad deploy", "squad switch", "squad snapshot", "squad rollback");
        assertThat(rows.stream().map(BadInputCorpus.Row::category).distinct()).containsAll(List.of(BadInputCorpus.Category.values()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aBadInputIsRejectedNamingTheParameterAndNothingChanges(BadInputCorpus.Row unbound) {
        BadInputCorpus.Row row = unbound.bind(vars);
        int requestsBefore = world.requests.get();
        List<CommandAudit.Entry> commands = new CopyOnWriteArrayList<>();
        Consumer<CommandAudit.Entry> audit = commands::add;
        CommandAudit.addListener(audit);
        String error;
        try {
            error = reject(row);
        } finally {
            CommandAudit.removeListener(audit);
        }
        System.out.println("[" + row.id() + "] " + error.strip());
        assertThat(error).as("the error names the input").contains(row.names());
        assertThat(error).as("the error offers the accepted form").contains(row.accepted());
        assertThat(error).as("no Java exception names in a user's error").doesNotContain("java.").doesNotContain("Exception");
        if (row.sideEffectFree()) {
            assertThat(world.requests.get()).as("no request reached the service").isEqualTo(requestsBefore);
            assertThat(commands.stream().filter(c -> !readOnly(c.argv())).toList()).as("no command that changes anything was started (argv audit)").isEmpty();
        }
        assertThat(world.observe()).as("nothing changed").isEqualTo(baseline);
        REJECTED.put(row.id(), error);
    }

    /** Queries a step may make while it checks its parameters (the Docker daemon's version, what runs now): they change nothing. */
    static boolean readOnly(List<String> argv) {
        String a = String.join(" ", argv);
        return argv.get(0).endsWith("docker") && (a.contains(" version") || a.contains(" inspect") || a.contains(" ps ") || a.endsWith(" ps"));
    }

    private static String reject(BadInputCorpus.Row row) {
        String error;
        if (row.pipeline() != null) {
            PipelineRun run = new PipelineHarness().jobName("corpus").runScript("node {\n" + row.pipeline() + "\n}\n");
            assertThat(run.result()).as(run.console()).isEqualTo(Result.FAILURE);
            String console = run.console();
            int at = console.lastIndexOf("\nERROR: ");
            assertThat(at).as("an ERROR line in\n" + console).isGreaterThanOrEqualTo(0);
            error = console.substring(at + 1);
            assertThat(console).as("no stack trace").doesNotContain("\tat ");
        } else {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = SquadCli.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int exit = cli.execute(row.argv().toArray(String[]::new));
            error = err.toString();
            assertThat(exit).as(out + "\n" + err).isEqualTo(2);
            assertThat(out + error).as("no stack trace").doesNotContain("\tat ");
        }
        return error;
    }
}
