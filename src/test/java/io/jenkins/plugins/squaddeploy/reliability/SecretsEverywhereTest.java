package io.jenkins.plugins.squaddeploy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.build.SecretForms;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.cli.SquadCli;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Every secret-bearing step, run with known secrets against endpoints that try hard to leak them: an HTTP service
 * that answers with the credentials it received — raw, base64, URL-encoded, JSON-escaped, as the Authorization header
 * itself, and a multi-line secret line by line —, a "Prometheus" that does the same in a garbage answer, PostgreSQL and
 * Redis with wrong and multi-line passwords, dbSnapshot with the right ones, autoRollback's webhook (its body captured
 * by a local receiver), and the CLI twins. Every console, exception text, webhook body and CLI output is scanned for
 * every secret in every form ({@link SecretForms}); while pg_dump runs, {@code ps -eo args} is sampled to catch a
 * secret on a child tool's command line.
 */
@Timeout(180)
@ExtendWith(TestbedExtension.class)
class SecretsEverywhereTest {
    static PostgresFixture pg;
    static RedisFixture redis;
    static HttpServer http;
    static final List<String> webhookBodies = Collections.synchronizedList(new ArrayList<>());
    static final Map<String, String> secrets = new LinkedHashMap<>();
    static String basicUser = "squad-user";
    static String basic;
    static String bearer;
    static String multiLine;
    static String hook;
    static String pgWrong;
    static Path credentialsDir;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.create();
        redis = RedisFixture.create();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 150000) g");
        }
        basic = TestSecrets.generate("basic");
        bearer = TestSecrets.generate("bearer");
        pgWrong = TestSecrets.generate("pgwrong");
        String l1 = TestSecrets.generate("pemline1");
        String l2 = TestSecrets.generate("pemline2");
        multiLine = "-----BEGIN SQUAD KEY-----\n" + l1 + "\n" + l2 + "\n-----END SQUAD KEY-----";
        secrets.put("basic", basic);
        secrets.put("bearer", bearer);
        secrets.put("multi-line", multiLine);
        secrets.put("pg", pg.password());
        secrets.put("pg-wrong", pgWrong);
        secrets.put("redis", redis.password());
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        http.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            String leaked = switch (path.substring(path.lastIndexOf('/') + 1)) {
                case "header" -> auth;
                case "raw" -> basic;
                case "b64" -> Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8));
                case "url" -> URLEncoder.encode(basic, StandardCharsets.UTF_8);
                case "json" -> "{\"password\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(basic)) + "\"}";
                case "bearer" -> bearer;
                case "multi" -> multiLine;
                case "cut" -> "x".repeat(105) + basic; // the response snippet is cut to 120 characters inside the secret
                case "query" -> "<html>" + auth + "</html>"; // the "Prometheus" answer: garbage holding the token
                default -> "?";
            };
            if (path.startsWith("/hook/")) {
                webhookBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                leaked = "ok";
            }
            byte[] b = ("denied " + leaked).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(path.startsWith("/hook/") ? 200 : 503, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        http.start();
        hook = TestSecrets.register(base() + "/hook/" + Testbed.newSecret(24));
        secrets.put("webhook", hook);
        TestCredentials.add(new TestCredentials.UsernamePassword("basic", basicUser, basic));
        TestCredentials.add(new TestCredentials.StringSecret("bearer", bearer));
        TestCredentials.add(new TestCredentials.StringSecret("multi", multiLine));
        TestCredentials.add(new TestCredentials.UsernamePassword("db", pg.user(), pg.password()));
        TestCredentials.add(new TestCredentials.UsernamePassword("db-wrong", pg.user(), pgWrong));
        TestCredentials.add(new TestCredentials.StringSecret("redis", redis.password()));
        TestCredentials.add(new TestCredentials.StringSecret("hook", hook));
        credentialsDir = Testbed.newWorkDir("secrets");
        write("basic", Map.of("username", basicUser, "password", basic));
        write("bearer", Map.of("secret", bearer));
        write("db", Map.of("username", pg.user(), "password", pg.password()));
        write("db-wrong", Map.of("username", pg.user(), "password", pgWrong));
    }

    private static void write(String id, Map<String, String> parts) throws IOException {
        Path d = Files.createDirectories(credentialsDir.resolve(id));
        for (Map.Entry<String, String> p : parts.entrySet()) {
            Files.writeString(d.resolve(p.getKey()), p.getValue());
        }
    }

    @AfterAll
    static void stop() {
        http.stop(0);
        TestCredentials.clear();
        redis.close();
        pg.close();
        Testbed.deleteRecursively(credentialsDir);
    }

    static String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** ps -eo args, sampled every 20 ms while {@code work} runs. */
    static List<String> sampledCommandLines(Runnable work) throws Exception {
        List<String> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                try {
                    Process p = new ProcessBuilder("ps", "-eo", "args").redirectErrorStream(true).start();
                    samples.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    p.waitFor();
                    Thread.sleep(20);
                } catch (IOException e) {
                    throw new IllegalStateException("ps (package procps) is needed", e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "ps-sampler");
        sampler.start();
        try {
            work.run();
        } finally {
            done.set(true);
            sampler.join(5000);
        }
        return samples;
    }

    record Cli(int exit, String out, String err) {
    }

    static Cli squad(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        System.out.println(out);
        System.out.println(err);
        return new Cli(exit, out.toString(), err.toString());
    }

    /** Every file of the build's deploy report (the workspace copy), added to the outputs; the workspace is deleted. */
    static int reportFiles(PipelineRun run, String what, Map<String, String> outputs) throws IOException {
        Path dir = run.workspace().resolve("squad-deploy-report");
        int n = 0;
        if (Files.isDirectory(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    outputs.put(what + " report " + dir.relativize(f), Files.readString(f, StandardCharsets.UTF_8));
                    n++;
                }
            }
        }
        Path root = run.workspace().getParent().getParent(); // /tmp/squad-pipeline-…/workspace/<job>
        Testbed.deleteRecursively(root.getFileName().toString().startsWith("squad-pipeline-") ? root : run.workspace());
        return n;
    }

    @Test
    void noSecretInAnyConsoleExceptionWebhookCliOutputOrCommandLine() throws Exception {
        Map<String, String> outputs = new LinkedHashMap<>();
        String leak = base() + "/leak/";
        PipelineRun verify = new PipelineHarness().jobName("secrets").keepWorkspace(true).runScript("node {\n try {\n"
                + "  verifyHealth checks: [httpCheck(name: 'header', url: '" + leak + "header', credentialsId: 'basic'),\n"
                + "    httpCheck(name: 'raw', url: '" + leak + "raw', credentialsId: 'basic'),\n"
                + "    httpCheck(name: 'b64', url: '" + leak + "b64', credentialsId: 'basic'),\n"
                + "    httpCheck(name: 'url', url: '" + leak + "url', credentialsId: 'basic'),\n"
                + "    httpCheck(name: 'json', url: '" + leak + "json', credentialsId: 'basic'),\n"
                + "    httpCheck(name: 'bearer', url: '" + leak + "bearer', credentialsId: 'bearer'),\n"
                + "    httpCheck(name: 'multi', url: '" + leak + "multi', credentialsId: 'bearer'),\n"
                + "    httpCheck(name: 'cut', url: '" + leak + "cut', credentialsId: 'basic'),\n"
                + "    httpCheck(name: 'multi-header', url: '" + leak + "header', credentialsId: 'multi'),\n"
                + "    prometheusCheck(name: 'prom', url: '" + base() + "', query: 'up', min: 1, credentialsId: 'bearer'),\n"
                + "    postgresCheck(name: 'db', host: '127.0.0.1', port: " + pg.port() + ", database: 'app', credentialsId: 'db-wrong'),\n"
                + "    redisCheck(name: 'cache', host: '127.0.0.1', port: " + redis.port() + ", credentialsId: 'multi')], attempts: 1\n"
                + " } catch (e) {\n"
                + "  echo \"caught: ${e.message}\"\n"
                + "  autoRollback webhookCredentialsId: 'hook', reason: 'verify failed'\n"
                + "  throw e\n"
                + " }\n}\n");
        assertThat(verify.result()).as(verify.console()).isEqualTo(Result.FAILURE);
        assertThat(verify.console()).contains("caught: verifyHealth failed").contains("autoRollback: webhook notified");
        outputs.put("verifyHealth + autoRollback console", verify.console());
        int reports = reportFiles(verify, "verify build", outputs);
        assertThat(reports).as("deploy report files of the build (squad-deploy-report/)").isPositive();
        System.out.println(verify.console());
        assertThat(webhookBodies).as("the webhook was called").isNotEmpty();
        for (int i = 0; i < webhookBodies.size(); i++) {
            outputs.put("webhook body " + i, webhookBodies.get(i));
            System.out.println("webhook body: " + webhookBodies.get(i));
        }

        Path store = Testbed.newWorkDir("secrets-store");
        PipelineRun[] snap = new PipelineRun[1];
        List<String> ps = sampledCommandLines(() -> snap[0] = new PipelineHarness().jobName("secrets").keepWorkspace(true).runScript("node {\n"
                + " dbSnapshot store: '" + store + "', source: postgresSource(database: 'app', host: '127.0.0.1', port: " + pg.port()
                + ", credentialsId: 'db')\n"
                + " dbSnapshot store: '" + store + "', source: postgresSource(database: 'app', host: '127.0.0.1', port: " + pg.port()
                + ", credentialsId: 'db-wrong')\n}\n"));
        assertThat(snap[0].result()).as(snap[0].console()).isEqualTo(Result.FAILURE);
        assertThat(snap[0].console()).contains("dbSnapshot: created").containsIgnoringCase("password authentication failed");
        outputs.put("dbSnapshot console", snap[0].console());
        reports += reportFiles(snap[0], "snapshot build", outputs);
        System.out.println(snap[0].console());

        List<String> cliPs = new ArrayList<>();
        Cli[] cli = new Cli[3];
        cliPs.addAll(sampledCommandLines(() -> {
            cli[0] = squad("verify", "--http", leak + "header", "--http-credentials", "basic", "--credentials-dir", credentialsDir.toString(), "--attempts", "1");
            cli[1] = squad("snapshot", "create", "--store", store.toString(), "--kind", "postgres", "--host", "127.0.0.1", "--port", Integer.toString(pg.port()),
                    "--database", "app", "--credentials", "db", "--credentials-dir", credentialsDir.toString());
            cli[2] = squad("snapshot", "create", "--store", store.toString(), "--kind", "postgres", "--host", "127.0.0.1", "--port", Integer.toString(pg.port()),
                    "--database", "app", "--credentials", "db-wrong", "--credentials-dir", credentialsDir.toString());
        }));
        assertThat(cli[0].exit()).isEqualTo(1);
        assertThat(cli[1].exit()).as(cli[1].err()).isZero();
        assertThat(cli[2].exit()).isNotZero();
        for (int i = 0; i < cli.length; i++) {
            outputs.put("CLI run " + i + " stdout", cli[i].out());
            outputs.put("CLI run " + i + " stderr", cli[i].err());
        }
        ps.addAll(cliPs);
        assertThat(String.join("\n", ps)).as("ps saw pg_dump running (the sampling caught the child tool)").contains("pg_dump");
        for (int i = 0; i < ps.size(); i++) {
            outputs.put("ps -eo args sample " + i, ps.get(i));
        }

        int forms = 0;
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            Map<String, String> f = SecretForms.of(s.getValue());
            forms += f.size();
            for (Map.Entry<String, String> form : f.entrySet()) {
                for (Map.Entry<String, String> o : outputs.entrySet()) {
                    if (o.getValue().contains(form.getValue())) {
                        leaks.add(s.getKey() + " (" + form.getKey() + ") in " + o.getKey());
                    }
                }
            }
        }
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            for (Map.Entry<String, String> form : SecretForms.of(s.getValue()).entrySet()) {
                String f = form.getValue();
                for (int k = f.length() - 1; k >= 8; k--) {
                    String head = f.substring(0, k) + "…";
                    for (Map.Entry<String, String> o : outputs.entrySet()) {
                        if (o.getValue().contains(head)) {
                            leaks.add(s.getKey() + " (" + form.getKey() + ", first " + k + " characters, cut short) in " + o.getKey());
                        }
                    }
                }
            }
        }
        long masked = outputs.values().stream().mapToLong(o -> o.split("\\*\\*\\*\\*", -1).length - 1).sum();
        System.out.println("RELIABILITY secrets: " + outputs.size() + " outputs (consoles, exception texts, " + reports + " deploy report files, "
                + webhookBodies.size() + " webhook bodies, CLI "
                + "stdout/stderr, " + ps.size() + " ps samples) scanned for " + secrets.size() + " secrets in " + forms + " forms; " + masked
                + " masked values seen; leaks: " + leaks.size() + " " + leaks);
        assertThat(leaks).as("secrets found").isEmpty();
        assertThat(masked).as("the endpoints' echoes were printed, masked").isGreaterThan(5);
        Testbed.deleteRecursively(store);
    }
}
