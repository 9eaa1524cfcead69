package io.jenkins.plugins.squaddeploy.demo;

import com.cloudbees.plugins.credentials.TestCredentials;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./squad demo}: starts the local testbed (PostgreSQL, Redis, and the sample service in Docker, all on
 * 127.0.0.1), registers the credentials {@code app-db} and {@code redis-password}, runs {@code Jenkinsfile.example}
 * through the pipeline harness with its console printed as a Jenkins build log, then stops everything.
 * Exit code 0 when the build is SUCCESS, 1 otherwise, 2 when the demo itself could not run.
 * <p>{@code --degraded}: the sample service reports {@code "status": "degraded"}, to watch the gate fail.
 */
public final class DemoMain {
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
            System.out.println("usage: ./squad demo [--degraded]\n  Starts PostgreSQL, Redis and the sample service (Docker) on 127.0.0.1, "
                    + "runs Jenkinsfile.example\n  through the pipeline harness and stops them. --degraded: the service reports 'degraded'.");
            return 0;
        }
        boolean degraded = args.contains("--degraded");
        Path repo = PipelineHarness.defaultRepoRoot();
        Path jenkinsfile = repo.resolve("Jenkinsfile.example");
        if (!Files.isRegularFile(jenkinsfile)) {
            throw new IllegalStateException(jenkinsfile + " not found; run from the repository (./squad demo)");
        }
        say("starting the testbed: PostgreSQL, Redis and the sample service (Docker), on 127.0.0.1");
        try (PostgresFixture postgres = PostgresFixture.create();
             RedisFixture redis = RedisFixture.create();
             SampleService app = SampleService.run(DockerFixture.get(), "1.0.0", 0,
                     degraded ? Map.of("HEALTH_STATUS", "degraded") : Map.of())) {
            say("PostgreSQL 127.0.0.1:" + postgres.port() + " (database " + postgres.database() + "), Redis 127.0.0.1:" + redis.port()
                    + ", sample service " + app.baseUrl() + (degraded ? " (reporting degraded)" : ""));
            TestCredentials.add(new TestCredentials.UsernamePassword("app-db", postgres.user(), postgres.password()));
            TestCredentials.add(new TestCredentials.StringSecret("redis-password", redis.password()));
            say("credentials: app-db (Username with password, role '" + postgres.user() + "'), redis-password (Secret text)");
            say("running " + repo.relativize(jenkinsfile) + " as build #1 of squad-api-health-gate\n");
            PipelineRun run = new PipelineHarness()
                    .echo(System.out)
                    .jobName("squad-api-health-gate")
                    .param("SERVICE_URL", app.baseUrl())
                    .param("POSTGRES", "127.0.0.1:" + postgres.port())
                    .param("POSTGRES_DB", postgres.database())
                    .param("REDIS", "127.0.0.1:" + redis.port())
                    .param("HEALTH_ATTEMPTS", degraded ? "2" : "10")
                    .run(jenkinsfile);
            System.out.println();
            say("build " + run.result() + " in " + run.duration().toMillis() + " ms; " + run.channel().calls()
                    + " callables went to the agent through the serializing channel; stopping the testbed");
            return run.result() == Result.SUCCESS ? 0 : 1;
        } finally {
            TestCredentials.clear();
        }
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
