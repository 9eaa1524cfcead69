package io.jenkins.plugins.squaddeploy.demo;

import com.cloudbees.plugins.credentials.TestCredentials;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleServiceImage;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./squad demo}: starts the local testbed (PostgreSQL, Redis, nginx as the service's router on a free port, and
 * the sample service images {@code squad-sample:2.0.0} and {@code 2.1.0}, built locally; everything on
 * 127.0.0.1), registers the credentials {@code app-db} and {@code redis-password}, and runs, through the pipeline
 * harness, with the console printed as a Jenkins build log: {@code Jenkinsfile.example} twice (build #1 releases 2.0.0,
 * promoted to production with an approval given automatically for the demo and marked so; build #2 releases a bad 2.1.0,
 * its containers run with ERROR_RATE=50: healthy healthcheck, every second API request answers 500, which the Verify
 * stage's watch catches through nginx, and the post-failure {@code autoRollback()} switches nginx back to 2.0.0), then
 * the nightly backup job ({@code docs/examples/squad-api-backup.Jenkinsfile}: scheduledBackup) and the DR drill
 * ({@code docs/examples/dr-drill.Jenkinsfile}: drTest). It asks nginx once which version serves, prints the time to
 * restore and where the reports are ({@code target/demo-reports/}: each build's deploy report, the DR drill's JUnit XML and
 * HTML), and stops and removes everything it started. Exit code 0 when build #1 is SUCCESS, build #2 is FAILURE and rolled
 * back, 2.0.0 serves through nginx, and the backup and the drill are SUCCESS; 1 otherwise; 2 when the demo could not run.
 */
public final class DemoMain {
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");
    /** The Jenkinsfile's line after autoRollback. */
    private static final Pattern RESTORED = Pattern.compile("Rollback: (\\S+) \\((\\w+)\\) → (\\S+) \\((\\w+)\\); time to restore (\\d+) ms.*");
    /** The bad release: healthy healthcheck, every second request on / and /api answers 500. */
    private static final String BAD_ENV = "ERROR_RATE=50";
    private static final int WATCH_SECONDS = 10;

    private DemoMain() {
    }

    public static void main(String[] args) {
        System.setProperty("slf4j.internal.verbosity", "ERROR"); // json-path finds no SLF4J binding; not worth a warning here
        int code;
        try {
            code = run(List.of(args));
        } catch (Exception e) {
            System.err.println("demo: could not run: " + e);
            e.printStackTrace();
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(List<String> args) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println("usage: ./squad demo\n  Starts PostgreSQL, Redis, nginx and the sample service images 2.0.0 and 2.1.0 (Docker) on 127.0.0.1,\n"
                    + "  runs Jenkinsfile.example twice through the pipeline harness (2.0.0 promoted with an AUTO-APPROVAL for the\n"
                    + "  demo; then a bad 2.1.0 whose API fails half its requests: the watch catches it and autoRollback puts 2.0.0\n"
                    + "  back), then the nightly backup job and the DR drill (docs/examples/), asks nginx which version serves,\n"
                    + "  prints the time to restore, leaves the reports in target/demo-reports/ and removes everything it started.");
            return 0;
        }
        if (!args.isEmpty()) {
            System.err.println("demo: unknown argument(s) " + args + "; see ./squad demo --help");
            return 2;
        }
        long t0 = System.nanoTime();
        Path repo = PipelineHarness.defaultRepoRoot();
        Path jenkinsfile = repo.resolve("Jenkinsfile.example");
        if (!Files.isRegularFile(jenkinsfile)) {
            throw new IllegalStateException(jenkinsfile + " not found; run from the repository (./squad demo)");
        }
        // a name of this run only, so a demo never meets the containers of another one (the testbed reaps squadtest-* leftovers)
        String service = "squadtest-demo-" + Testbed.newSecret(6).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
        int[] ports = {FreePorts.next(), FreePorts.next()};
        say("starting the testbed on 127.0.0.1: PostgreSQL, Redis, nginx (the router), the sample images squad-sample:2.0.0 and 2.1.0");
        DockerFixture docker = DockerFixture.get();
        Path dir = Testbed.newWorkDir("demo");
        try (PostgresFixture postgres = PostgresFixture.create();
             RedisFixture redis = RedisFixture.create();
             NginxFixture nginx = startNginx(dir, service)) {
            SampleServiceImage.ensure(docker, "2.0.0");
            SampleServiceImage.ensure(docker, "2.1.0");
            Path upstream = dir.resolve("conf.d").resolve(service + "-upstream.conf");
            say("PostgreSQL 127.0.0.1:" + postgres.port() + " (database " + postgres.database() + "), Redis 127.0.0.1:" + redis.port()
                    + ", nginx " + nginx.baseUrl() + " proxying to the upstream " + service + " in " + upstream + " (no release yet: 502)");
            say("the service is called " + service + " here (the team's squad-api), its colours blue=" + ports[0] + " and green=" + ports[1]);
            postgres.executeAsSuperuser("ALTER ROLE " + postgres.user() + " CREATEDB"); // the DR drill restores into a scratch database
            TestCredentials.add(new TestCredentials.UsernamePassword("app-db", postgres.user(), postgres.password()));
            TestCredentials.add(new TestCredentials.StringSecret("redis-password", redis.password()));
            say("credentials: app-db (Username with password, role '" + postgres.user() + "'), redis-password (Secret text)");

            Path reports = repo.resolve("target/demo-reports");
            Testbed.deleteRecursively(reports);
            Files.createDirectories(reports);
            Path configDir = Files.createDirectories(dir.resolve("squad-api/config"));
            Files.writeString(configDir.resolve("settings.yml"), "rate_limit_per_minute: 60\n");
            int calls = 0;
            boolean ok = true;
            Matcher restored = null;
            for (int build = 1; build <= 2 && ok; build++) {
                String version = build == 1 ? "2.0.0" : "2.1.0";
                boolean bad = build == 2;
                say("running " + repo.relativize(jenkinsfile) + " as build #" + build + " of squad-api-release with VERSION=" + version
                        + (build == 1 ? " AUTO_APPROVE=... (the approval is given automatically FOR THE DEMO; a real release waits for a person)"
                                : " CONTAINER_ENV=" + BAD_ENV + " WATCH_SECONDS=" + WATCH_SECONDS
                                        + " (a bad release: its healthcheck passes, half its API requests fail; expected: FAILURE and a rollback to 2.0.0)")
                        + "\n");
                PipelineRun run = new PipelineHarness()
                        .echo(System.out)
                        .jobName("squad-api-release")
                        .buildNumber(build)
                        .user("demo")
                        .artifactsDir(reports.resolve("squad-api-release-" + build))
                        .param("VERSION", version)
                        .param("SERVICE", service)
                        .param("PORTS", "blue=" + ports[0] + ",green=" + ports[1])
                        .param("COMPOSE_FILE", repo.resolve("docs/examples/squad-api.docker-compose.yml").toString())
                        .param("PUBLIC_URL", nginx.baseUrl())
                        .param("ROUTER_CONFIG", upstream.toString())
                        .param("NGINX", Binaries.nginx().toString())
                        .param("NGINX_ARGS", "-p " + nginx.dir() + " -e " + nginx.dir().resolve("logs/error.log") + " -c " + nginx.configFile())
                        .param("POSTGRES", "127.0.0.1:" + postgres.port())
                        .param("POSTGRES_DB", postgres.database())
                        .param("REDIS", "127.0.0.1:" + redis.port())
                        .param("BACKUP_STORE", dir.resolve("backups").toString())
                        .param("HEALTH_ATTEMPTS", "10")
                        .param("CONTAINER_ENV", bad ? BAD_ENV : "")
                        .param("WATCH_SECONDS", bad ? String.valueOf(WATCH_SECONDS) : "0")
                        .param("AUTO_APPROVE", "./squad demo: no person can click here")
                        .run(jenkinsfile);
                System.out.println();
                calls += run.channel().calls();
                say("build #" + build + " " + run.result() + " in " + run.duration().toMillis() + " ms" + (bad ? " (expected: FAILURE)" : ""));
                say("deploy report of build #" + build + ": " + reports.resolve("squad-api-release-" + build + "/squad-deploy-report/report.html").toUri()
                        + " (archived by the build)");
                if (bad) {
                    restored = run.consoleLines().stream().map(String::strip).map(RESTORED::matcher).filter(Matcher::find)
                            .findFirst().orElse(null);
                    ok = run.result() == Result.FAILURE && restored != null;
                    if (restored == null) {
                        say("build #2 was NOT rolled back (no \"Rollback: ... time to restore\" line)");
                    } else {
                        for (String line : run.consoleLines()) {
                            String l = line.strip();
                            if (l.startsWith("trigger:") || l.startsWith("measured:") || l.startsWith("time to restore:")) {
                                say("  " + l);
                            }
                        }
                    }
                } else {
                    ok = run.result() == Result.SUCCESS;
                }
            }

            // the nightly backup job and the DR drill, against the same PostgreSQL and the store the releases backed up into
            for (String job : List.of("squad-api-backup", "dr-drill")) {
                if (!ok) {
                    break;
                }
                Path file = repo.resolve("docs/examples/" + job + ".Jenkinsfile");
                say("running " + repo.relativize(file) + " (" + (job.equals("dr-drill") ? "the weekly DR drill: restore the newest snapshots into scratch, "
                        + "smoke query, RTO/RPO, JUnit XML + HTML" : "the nightly backup: snapshot, verify, prune, freshness") + ")\n");
                PipelineRun run = new PipelineHarness()
                        .echo(System.out)
                        .jobName(job)
                        .buildNumber(1)
                        .user("timer")
                        .artifactsDir(reports.resolve(job + "-1"))
                        .param("STORE", dir.resolve("backups").toString())
                        .param("POSTGRES", "127.0.0.1:" + postgres.port())
                        .param("POSTGRES_DB", postgres.database())
                        .param("CONFIG_DIR", dir.resolve("squad-api").toString())
                        .param("SMOKE_QUERY", "SELECT count(*) > 0 FROM pg_class")
                        .run(file);
                System.out.println();
                calls += run.channel().calls();
                say(job + " " + run.result() + " in " + run.duration().toMillis() + " ms");
                ok = run.result() == Result.SUCCESS;
            }

            // a graceful reload lets nginx's old worker take new connections for a moment (~0.1 s here): ask once it is gone
            awaitOneWorkerGeneration(nginx);
            String serving = curl(nginx.baseUrl() + "/health");
            boolean v2 = ok && serving.equals("2.0.0 200");
            say(calls + " callables went to the agent through the serializing channel; " + (v2 ? "2.0.0 serves through nginx again" : "2.0.0 does NOT serve"));
            say("reports left in " + repo.relativize(reports) + "/: each build's deploy report (squad-deploy-report/report.html, report.json) "
                    + "and the DR drill's dr-report/dr-test.xml (JUnit) and dr-test.html");
            if (restored != null) {
                say("the bad release " + restored.group(1) + " (" + restored.group(2) + ") was rolled back to " + restored.group(3) + " ("
                        + restored.group(4) + "): time to restore " + restored.group(5) + " ms from the first failed measurement");
            }
            say("total " + (System.nanoTime() - t0) / 1_000_000 + " ms; removing the containers and stopping the testbed");
            return v2 ? 0 : 1;
        } finally {
            TestCredentials.clear();
            io.jenkins.plugins.squaddeploy.testbed.ReleaseContainers.remove(docker, service);
            // squadDeploy tagged the outgoing image as squad-sample:previous (as the runbooks do); the demo leaves no tag behind
            docker.run(Duration.ofSeconds(30), "rmi", SampleServiceImage.REPOSITORY + ":previous");
            Testbed.deleteRecursively(dir);
        }
    }

    /** nginx in front of the service: its include exists before the first release but routes nowhere (squadDeploy replaces it). */
    private static NginxFixture startNginx(Path dir, String service) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path upstream = Files.createDirectories(dir.resolve("conf.d")).resolve(service + "-upstream.conf");
        Files.writeString(upstream, "# " + service + ": no release yet\nupstream " + service + " { server 127.0.0.1:1 down; }\n");
        return NginxFixture.create(String.join("\n",
                "include " + upstream + ";",
                "server {",
                "    listen 127.0.0.1:@PORT@;",
                "    location / { proxy_pass http://" + service + "; proxy_http_version 1.1; proxy_set_header Connection \"\"; "
                        + "proxy_next_upstream error timeout; }",
                "}"));
    }

    /** Waits (up to 10 s) until the nginx master has one worker again (worker_processes 1): the old generation has exited. */
    private static void awaitOneWorkerGeneration(NginxFixture nginx) {
        ProcessHandle master = ProcessHandle.of(nginx.pid()).orElseThrow();
        Poll.until("nginx's old worker generation to exit", Duration.ofSeconds(10), () -> master.children().count() <= 1);
    }

    /** One GET, printed as {@code curl} would show it; returns "<version> <status>" ("- ..." when none). */
    private static String curl(String url) {
        say("curl " + url);
        try {
            Http.Response r = Http.get(url, Duration.ofSeconds(5));
            System.out.println("HTTP " + r.status() + " " + r.body().strip());
            Matcher m = VERSION.matcher(r.body());
            String v = m.find() ? m.group(1) : "-";
            say("nginx answers HTTP " + r.status() + ": version " + v + " serves");
            return v + " " + r.status();
        } catch (IOException e) {
            say("nginx did not answer: " + e.getMessage());
            return "- no answer";
        }
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
