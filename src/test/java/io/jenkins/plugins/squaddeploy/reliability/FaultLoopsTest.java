package io.jenkins.plugins.squaddeploy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.cli.SquadCli;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackBed;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.Proc;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * kill -9 of a {@code squad} process at a random moment, {@code squad.faults.runs} times per scenario (2 by default,
 * 20 with {@code -Pfaults}; the seed is printed and can be given back with {@code -Dsquad.faults.seed=…}):
 * <ul>
 *   <li>{@code squad snapshot create} (PostgreSQL, pg_dump streaming): afterwards every listed snapshot verifies
 *       (no partial snapshot is listed) and a re-run creates a complete one;</li>
 *   <li>{@code squad switch} (nginx): afterwards {@code nginx -t} passes, requests through nginx all answer one
 *       version, the one of the colour the config routes to, and a re-run of the switch converges;</li>
 *   <li>{@code squad rollback} (nginx, after a fresh release): the same router checks, and a re-run rolls back.</li>
 * </ul>
 */
@Timeout(1800)
@ExtendWith(TestbedExtension.class)
class FaultLoopsTest {
    static final int RUNS = Integer.getInteger("squad.faults.runs", 2);
    static final long SEED = Long.getLong("squad.faults.seed", System.nanoTime());
    static DeployTestbed bed;
    static RollbackBed env;
    static PostgresFixture pg;
    static Path dir;
    static final Map<String, String> FIGURES = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        System.out.println("RELIABILITY faults: seed " + SEED + " (-Dsquad.faults.seed=" + SEED + " repeats it), " + RUNS + " run(s) per scenario");
        bed = new DeployTestbed();
        env = RollbackBed.create(bed, true);
        pg = PostgresFixture.create();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 150000) g");
        }
        dir = Testbed.newWorkDir("faults");
        Path cred = Files.createDirectories(dir.resolve("credentials/db"));
        Files.writeString(cred.resolve("username"), pg.user());
        Files.writeString(cred.resolve("password"), pg.password());
        com.cloudbees.plugins.credentials.TestCredentials.add(new com.cloudbees.plugins.credentials.TestCredentials.UsernamePassword("db", pg.user(), pg.password()));
    }

    @AfterAll
    static void stop() {
        com.cloudbees.plugins.credentials.TestCredentials.clear();
        FIGURES.forEach((k, v) -> System.out.println("RELIABILITY faults " + k + ": " + v));
        System.out.println("RELIABILITY faults: cut switches found and undone when the router was next asked: " + recovered);
        env.close();
        pg.close();
        bed.close();
        Testbed.deleteRecursively(dir);
    }

    record Run(int exit, String out, String err) {
    }

    static Run squad(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    /** Runs {@code args} once to the end as a process and returns how long it took (ms): kills then land within it. */
    static long calibrate(String name, List<String> args) throws Exception {
        long t0 = System.nanoTime();
        CliProcess p = CliProcess.start(dir.resolve("logs"), name, args);
        int exit = p.waitFor(Duration.ofMinutes(3));
        assertThat(exit).as(p.output()).isZero();
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        System.out.println("RELIABILITY faults: " + name + " takes " + ms + " ms uninterrupted");
        return ms;
    }

    // ------------------------------------------------------------------------------------------ snapshot

    List<String> snapshotArgs(String action, Path store) {
        List<String> a = new ArrayList<>(List.of("snapshot", action, "--store", store.toString(), "--kind", "postgres", "--host", "127.0.0.1", "--port",
                Integer.toString(pg.port()), "--database", "app", "--credentials", "db", "--credentials-dir", dir.resolve("credentials").toString()));
        if (action.equals("list")) {
            a = new ArrayList<>(List.of("snapshot", "list", "--store", store.toString()));
        }
        return a;
    }

    static int listed(Run list) {
        Matcher m = Pattern.compile("(\\d+) snapshot\\(s\\) in").matcher(list.out());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void killMinus9DuringASnapshotNeverLeavesAPartialSnapshotListed() throws Exception {
        Random random = new Random(SEED);
        Path store = dir.resolve("store");
        long full = calibrate("snapshot-calibration", snapshotArgs("create", store));
        int partialVisible = 0;
        int converged = 0;
        int killedMidway = 0;
        for (int i = 0; i < RUNS; i++) {
            int before = listed(squad(snapshotArgs("list", store)));
            long delay = 50 + random.nextInt((int) full);
            CliProcess p = CliProcess.start(dir.resolve("logs"), "snapshot-" + i, snapshotArgs("create", store));
            Thread.sleep(delay);
            boolean alive = p.process.isAlive();
            p.kill9();
            killedMidway += alive ? 1 : 0;
            Run list = squad(snapshotArgs("list", store));
            int after = listed(list);
            Run verify = squad(List.of("snapshot", "verify", "--store", store.toString()));
            boolean partial = verify.exit() != 0 || after < before || after > before + 1;
            partialVisible += partial ? 1 : 0;
            assertThat(partial).as("run " + i + " (killed after " + delay + " ms): every listed snapshot verifies\n" + list.out() + verify.out() + verify.err())
                    .isFalse();
            Run again = squad(snapshotArgs("create", store));
            assertThat(again.exit()).as(again.out() + again.err()).isZero();
            assertThat(listed(squad(snapshotArgs("list", store)))).isEqualTo(after + 1);
            converged++;
        }
        FIGURES.put("snapshot", RUNS + " kill -9 (" + killedMidway + " mid-dump), partial snapshots visible " + partialVisible + ", re-runs converged "
                + converged + "/" + RUNS);
    }

    // ------------------------------------------------------------------------------------------ switch and rollback

    List<String> routerArgs() {
        List<String> a = new ArrayList<>(List.of("--router", "nginx", "--nginx-config", env.upstream.toString(), "--nginx", env.routerSpec.argv().get(0)));
        for (String arg : env.routerSpec.argv().subList(1, env.routerSpec.argv().size())) {
            a.add("--nginx-arg=" + arg);
        }
        return a;
    }

    List<String> switchArgs(String to, String version) {
        List<String> a = new ArrayList<>(List.of("switch", "--service", env.service, "--to", to, "--colour", "blue=127.0.0.1:" + env.bluePort, "--colour",
                "green=127.0.0.1:" + env.greenPort, "--public-url", env.publicUrl().toString(), "--expect-version", version, "--keep-old-colour",
                "--samples", "3"));
        a.addAll(routerArgs());
        return a;
    }

    /**
     * nginx -t passes; nginx serves one complete version (5 answers in a row, after a reload old workers answer for a
     * moment); the router, asked which colour is live — as the next deploy, switch or rollback asks it — names a colour
     * whose version is what nginx then serves, every one of 20 requests. Returns that colour.
     */
    String assertRouterServesOneCompleteColour(String what, Map<String, String> versionOf) throws Exception {
        nginxTestPasses(what);
        String[] last = {null};
        int[] inARow = {0};
        io.jenkins.plugins.squaddeploy.testbed.Poll.until(what + ": nginx to serve one version", Duration.ofSeconds(10), () -> {
            String v = env.versionThroughRouter();
            inARow[0] = v.equals(last[0]) && versionOf.containsValue(v) ? inARow[0] + 1 : 1;
            last[0] = v;
            return inARow[0] >= 5 && versionOf.containsValue(v);
        });
        int before = env.log.lines.size();
        String colour = env.router().activeColour();
        if (env.log.lines.subList(before, env.log.lines.size()).stream().anyMatch(l -> l.contains("was cut before it finished"))) {
            recovered++;
        }
        assertThat(colour).as(what + ": the router names a live colour").isIn(versionOf.keySet());
        env.awaitServing(versionOf.get(colour));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seen.add(env.versionThroughRouter());
        }
        assertThat(seen).as(what + ": every request answers the version of the colour the router names").containsOnly(versionOf.get(colour));
        nginxTestPasses(what);
        return colour;
    }

    static int recovered;

    void nginxTestPasses(String what) {
        List<String> t = new ArrayList<>(env.routerSpec.argv());
        t.add("-t");
        Proc.Result test = Proc.run(Duration.ofSeconds(20), t.toArray(String[]::new));
        assertThat(test.ok()).as(what + ": nginx -t\n" + test.stdout() + test.stderr()).isTrue();
    }

    @Test
    void aSwitchCutBetweenWritingTheFileAndReloadingNginxIsUndoneWhenTheRouterIsNextAsked() throws Exception {
        env.deployThroughRouter("1.0.0");
        env.deployThroughRouter("2.0.0");
        String live = env.state().current().colour();
        String other = env.state().previous().colour();
        Map<String, String> versionOf = Map.of(live, "2.0.0", other, "1.0.0");
        env.awaitServing("2.0.0");
        // what a switch killed after RouterFiles.install and before nginx -s reload leaves: the new file, the old one as
        // .previous, the marker; nginx still runs the old upstream
        String old = Files.readString(env.upstream);
        int otherPort = other.equals("blue") ? env.bluePort : env.greenPort;
        String cut = new io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouter(env.service, env.routerSpec,
                new io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost(), null, null)
                .render(other, List.of(new io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter.Upstream("127.0.0.1", otherPort)));
        Files.writeString(Path.of(env.upstream + ".previous"), old);
        Files.writeString(env.upstream, cut);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(old.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Files.writeString(Path.of(env.upstream + ".switching"), "switch of service=" + env.service + " to colour=" + other + " from-sha256=" + sha + "\n");
        assertThat(env.versionThroughRouter()).as("nginx still runs the old upstream").isEqualTo("2.0.0");
        int before = env.log.lines.size();
        assertThat(env.router().activeColour()).as("the router names what nginx serves, not the cut switch's target").isEqualTo(live);
        assertThat(String.join("\n", env.log.lines.subList(before, env.log.lines.size()))).contains("was cut before it finished")
                .contains("putting the previous upstream back and reloading nginx");
        assertThat(Path.of(env.upstream + ".switching")).doesNotExist();
        assertThat(Files.readString(env.upstream)).isEqualTo(old);
        assertThat(assertRouterServesOneCompleteColour("after undoing the cut switch", versionOf)).isEqualTo(live);
    }

    @Test
    void killMinus9DuringASwitchLeavesOneCompleteColourAndARerunConverges() throws Exception {
        Random random = new Random(SEED + 1);
        env.deployThroughRouter("1.0.0");
        env.deployThroughRouter("2.0.0"); // both colours run: one 1.0.0, the other 2.0.0
        Map<String, String> versionOf = Map.of(env.state().current().colour(), "2.0.0", env.state().previous().colour(), "1.0.0");
        int inconsistent = 0;
        int converged = 0;
        String first = assertRouterServesOneCompleteColour("before calibration", versionOf).equals("blue") ? "green" : "blue";
        long full = calibrate("switch-calibration", switchArgs(first, versionOf.get(first)));
        for (int i = 0; i < RUNS; i++) {
            String live = assertRouterServesOneCompleteColour("before run " + i, versionOf);
            String to = live.equals("blue") ? "green" : "blue";
            long delay = 50 + random.nextInt((int) full);
            CliProcess p = CliProcess.start(dir.resolve("logs"), "switch-" + i, switchArgs(to, versionOf.get(to)));
            Thread.sleep(delay);
            p.kill9();
            try {
                assertRouterServesOneCompleteColour("run " + i + " (switch to " + to + " killed after " + delay + " ms)", versionOf);
            } catch (AssertionError e) {
                inconsistent++;
                throw e;
            }
            Run again = squad(switchArgs(to, versionOf.get(to)));
            assertThat(again.exit()).as(again.out() + again.err()).isZero();
            assertThat(assertRouterServesOneCompleteColour("after the re-run " + i, versionOf)).isEqualTo(to);
            converged++;
        }
        FIGURES.put("switch", RUNS + " kill -9, inconsistent router states " + inconsistent + ", re-runs converged " + converged + "/" + RUNS);
    }

    /** squadDeploy of {@code version} through the router, as build {@code build} (each build has its own URL). */
    void release(String version, int build) throws Exception {
        DeployRequest req = env.request(version, "blueGreen", env.ports()).buildUrl("http://ci.example/job/shop/" + build + "/")
                .switchSettings(new DeployRequest.SwitchSettings(env.publicUrl(), "$.version", Duration.ofSeconds(20), 5)).build();
        env.deployer().withRouter(env.router()).deploy(req);
    }

    List<String> rollbackArgs(String reason) {
        List<String> args = new ArrayList<>(List.of("rollback", "--service", env.service, "--environment", "test", "--state-dir", env.stateDir.toString(),
                "--ports", env.ports(), "--public-url", env.publicUrl().toString(), "--samples", "3", "--reason", reason));
        args.addAll(routerArgs());
        return args;
    }

    @Test
    void aRollbackCutAfterItUpdatedTheStateFileIsNotUndoneByARerun() throws Exception {
        env.deployThroughRouter("1.0.0");
        release("2.0.0", 400);
        env.awaitServing("2.0.0");
        Run first = squad(rollbackArgs("cut rollback"));
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        env.awaitServing("1.0.0");
        // what a kill -9 after the state file was updated and before the journal was finished leaves: an in-progress journal
        Path journal = env.stateDir.resolve(env.service + ".rollback.json");
        Files.writeString(journal, Files.readString(journal).replaceFirst("\"status\"\\s*:\\s*\"done[a-z-]*\"", "\"status\": \"in-progress\""));
        assertThat(Files.readString(journal)).contains("in-progress");
        Run again = squad(rollbackArgs("re-run after the cut"));
        System.out.println(again.out() + again.err());
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).as("the re-run finds the rollback done, and never puts the failed 2.0.0 back").contains("ALREADY ROLLED BACK")
                .doesNotContain("going back to");
        env.awaitServing("1.0.0");
    }

    @Test
    void killMinus9DuringARollbackLeavesOneCompleteColourAndARerunConverges() throws Exception {
        Random random = new Random(SEED + 2);
        int inconsistent = 0;
        int converged = 0;
        env.deployThroughRouter("1.0.0");
        release("2.0.0", 99);
        long full = calibrate("rollback-calibration", rollbackArgs("calibration"));
        env.awaitServing("1.0.0");
        for (int i = 0; i < RUNS; i++) {
            String from = "2.0.0"; // a new build releases 2.0.0 over the live 1.0.0, and is rolled back
            String back = "1.0.0";
            release(from, 100 + i);
            env.awaitServing(from);
            Map<String, String> versionOf = Map.of(env.state().current().colour(), from, env.state().previous().colour(), back);
            List<String> args = rollbackArgs("fault loop " + i);
            long delay = 50 + random.nextInt((int) full);
            CliProcess p = CliProcess.start(dir.resolve("logs"), "rollback-" + i, args);
            Thread.sleep(delay);
            p.kill9();
            try {
                assertRouterServesOneCompleteColour("run " + i + " (rollback " + from + " → " + back + " killed after " + delay + " ms)", versionOf);
            } catch (AssertionError e) {
                inconsistent++;
                throw e;
            }
            Run again = squad(args);
            System.out.println("---- rollback " + i + " killed after " + delay + " ms:\n" + p.output() + "\n---- re-run:\n" + again.out() + again.err());
            assertThat(again.exit()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).as(again.out()).containsAnyOf("ROLLED BACK", "ALREADY ROLLED BACK");
            env.awaitServing(back);
            assertRouterServesOneCompleteColour("after the re-run " + i, versionOf);
            converged++;
        }
        FIGURES.put("rollback", RUNS + " kill -9, inconsistent router states " + inconsistent + ", re-runs converged " + converged + "/" + RUNS);
    }

    // ------------------------------------------------------------------------------------------ aborts (the real steps)

    /** Runs {@code steps} in a build, aborted by a pipeline timeout after {@code ms}: what aborting the build does to a step. */
    static hudson.model.Result abortAfter(long ms, String steps) {
        io.jenkins.plugins.squaddeploy.pipeline.PipelineRun r = new io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness().jobName("faults")
                .runScript("node {\n timeout(time: " + ms + ", unit: 'MILLISECONDS') {\n" + steps + "\n }\n}\n");
        assertThat(r.console()).as("no stack trace").doesNotContain("\tat ");
        return r.result();
    }

    String nginxRouterDescribable() {
        StringBuilder b = new StringBuilder("nginxRouter(config: '" + env.upstream + "', nginx: '" + env.routerSpec.argv().get(0) + "', nginxArgs: [");
        List<String> rest = env.routerSpec.argv().subList(1, env.routerSpec.argv().size());
        for (int i = 0; i < rest.size(); i++) {
            b.append(i == 0 ? "" : ", ").append('\'').append(rest.get(i)).append('\'');
        }
        return b.append("])").toString();
    }

    @Test
    void abortsAtRandomMomentsOfSnapshotsSwitchesAndRollbacksLeaveNothingHalfDone() throws Exception {
        Random random = new Random(SEED + 3);
        Map<String, Integer> aborted = new LinkedHashMap<>();
        // snapshot
        Path store = dir.resolve("abort-store");
        String snapshot = "dbSnapshot store: '" + store + "', source: postgresSource(database: 'app', host: '127.0.0.1', port: " + pg.port()
                + ", credentialsId: 'db')";
        assertThat(abortAfter(600000, snapshot)).isEqualTo(hudson.model.Result.SUCCESS);
        int partial = 0;
        for (int i = 0; i < RUNS; i++) {
            int before = listed(squad(snapshotArgs("list", store)));
            hudson.model.Result r = abortAfter(1 + random.nextInt(600), snapshot);
            aborted.merge("snapshot", r != hudson.model.Result.SUCCESS ? 1 : 0, Integer::sum);
            System.out.println("RELIABILITY faults abort snapshot " + i + ": " + r);
            int after = listed(squad(snapshotArgs("list", store)));
            boolean bad = squad(List.of("snapshot", "verify", "--store", store.toString())).exit() != 0 || after < before || after > before + 1;
            partial += bad ? 1 : 0;
            assertThat(bad).as("abort " + i + ": every listed snapshot verifies").isFalse();
            assertThat(abortAfter(600000, snapshot)).as("re-run " + i).isEqualTo(hudson.model.Result.SUCCESS);
        }
        FIGURES.put("abort snapshot", RUNS + " aborts (" + aborted.get("snapshot") + " ended the step early), partial snapshots visible " + partial + ", re-runs converged "
                + RUNS + "/" + RUNS);

        // switch
        env.deployThroughRouter("1.0.0");
        env.deployThroughRouter("2.0.0");
        Map<String, String> versionOf = Map.of(env.state().current().colour(), "2.0.0", env.state().previous().colour(), "1.0.0");
        String colours = "[colour(name: 'blue', servers: ['127.0.0.1:" + env.bluePort + "']), colour(name: 'green', servers: ['127.0.0.1:"
                + env.greenPort + "'])]";
        for (int i = 0; i < RUNS; i++) {
            String live = assertRouterServesOneCompleteColour("before abort " + i, versionOf);
            String to = live.equals("blue") ? "green" : "blue";
            String sw = "blueGreenSwitch service: '" + env.service + "', to: '" + to + "', router: " + nginxRouterDescribable() + ", colours: " + colours
                    + ", publicUrl: '" + env.publicUrl() + "', expectVersion: '" + versionOf.get(to) + "', keepOldColour: true, samples: 3";
            hudson.model.Result r = abortAfter(1 + random.nextInt(300), sw);
            aborted.merge("switch", r != hudson.model.Result.SUCCESS ? 1 : 0, Integer::sum);
            System.out.println("RELIABILITY faults abort switch " + i + ": " + r);
            assertRouterServesOneCompleteColour("after abort " + i + " of a switch to " + to, versionOf);
            assertThat(abortAfter(600000, sw)).as("re-run " + i).isEqualTo(hudson.model.Result.SUCCESS);
            assertThat(assertRouterServesOneCompleteColour("after re-run " + i, versionOf)).isEqualTo(to);
        }
        FIGURES.put("abort switch", RUNS + " aborts (" + aborted.get("switch") + " ended the step early), inconsistent router states 0, re-runs converged " + RUNS + "/"
                + RUNS);

        // rollback: a build releases 2.0.0 through the router, then its autoRollback is aborted
        for (int i = 0; i < RUNS; i++) {
            release("1.0.0", 200 + i);
            env.awaitServing("1.0.0");
            String liveBefore = env.router().activeColour();
            versionOf = Map.of(liveBefore, "1.0.0", liveBefore.equals("blue") ? "green" : "blue", "2.0.0"); // the build releases 2.0.0 to the other
            String build = "squadDeploy service: '" + env.service + "', image: '" + bed.image("2.0.0") + "', environment: 'test', stateDir: '" + env.stateDir
                    + "', target: dockerTarget(ports: '" + env.ports() + "'), router: " + nginxRouterDescribable() + ", publicUrl: '" + env.publicUrl()
                    + "', keepOldColour: true, samples: 3, healthTimeout: 30, labels: " + DeployTestbed.testLabels().stream().map(l -> "'" + l + "'")
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]")) + "\n";
            long ms = 1 + random.nextInt(400);
            io.jenkins.plugins.squaddeploy.pipeline.PipelineRun r = new io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness().jobName("faults")
                    .buildNumber(300 + i).runScript("node {\n" + build + " timeout(time: " + ms + ", unit: 'MILLISECONDS') {\n  autoRollback reason: 'abort loop'\n }\n}\n");
            assertThat(r.console()).as("released 2.0.0 first").contains("squadDeploy: released test/" + env.service + " 2.0.0").doesNotContain("\tat ");
            aborted.merge("rollback", r.result() == hudson.model.Result.ABORTED ? 1 : 0, Integer::sum);
            System.out.println("RELIABILITY faults abort rollback " + i + ": " + r.result());
            assertRouterServesOneCompleteColour("after abort " + i + " of a rollback (" + ms + " ms)", versionOf);
            Run again = squad(rollbackArgs("re-run after abort " + i));
            assertThat(again.exit()).as(again.out() + again.err()).isZero();
            env.awaitServing("1.0.0");
        }
        FIGURES.put("abort rollback", RUNS + " aborts (" + aborted.get("rollback") + " mid-step), inconsistent router states 0, re-runs converged " + RUNS + "/"
                + RUNS);
    }
}
