package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeClients;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandAudit;
import io.jenkins.plugins.squaddeploy.testbed.FakeKubectl;
import io.jenkins.plugins.squaddeploy.testbed.KubeMockCluster;
import io.jenkins.plugins.squaddeploy.testbed.PostgresFixture;
import io.jenkins.plugins.squaddeploy.testbed.RedisFixture;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * dbSnapshot through {@code kubectl exec} into a database pod. There is no Kubernetes cluster here and fabric8's mock
 * server cannot serve an exec stream, so {@code kubectl} is a FAKE ({@link FakeKubectl}) that records its argv and runs
 * the command after {@code --} on this machine; what runs there is real: pg_dump, psql and pg_restore against the
 * testbed's PostgreSQL, redis-cli against its Redis. The pod of a label selector is found through fabric8's mock API
 * server ({@link KubeMockCluster}, CRUD mode) holding pods in different phases.
 */
@Timeout(60)
@ExtendWith(TestbedExtension.class)
class KubeExecSnapshotTest {
    static PostgresFixture pg;
    static RedisFixture redis;
    static KubeMockCluster cluster;
    static String kubeconfig;

    @TempDir
    Path tmp;
    Path state;
    final AtomicInteger fileLookups = new AtomicInteger();
    final Masker masker = new Masker();
    final SecretSource secrets = new SecretSource() {
        @Override
        public Credential lookup(String id, String parameter, boolean needsUsername) {
            throw new AssertionError("not used");
        }

        @Override
        public String lookupFile(String id, String parameter) {
            fileLookups.incrementAndGet();
            return id.equals("prod-kube") ? kubeconfig : "just: text\n";
        }

        @Override
        public Masker masker() {
            return masker;
        }
    };

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.create();
        pg.executeAsSuperuser("ALTER ROLE app CREATEDB");
        try (var c = pg.connect(); var s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)");
            s.execute("INSERT INTO notes (body) SELECT 'Notiz Nr. ' || g || ' — ünïcödé' FROM generate_series(1, 3000) g");
        }
        // redis-cli --rdb waits repl-diskless-sync-delay (5 s by default) for more replicas; not what is tested here
        redis = RedisFixture.create("repl-diskless-sync-delay 0");
        redis.command("AUTH", redis.password());
        cluster = KubeMockCluster.start();
        // the mock's kubeconfig has a current-context pointing nowhere; this one uses the mock server
        kubeconfig = cluster.kubeconfig().replace("current-context: other", "current-context: mock");
        for (String[] p : new String[][] {{"redis-a", "Pending", "redis"}, {"redis-b", "Running", "redis"}, {"redis-c", "Running", "redis"},
                {"a-other", "Running", "other"}}) {
            Pod pod = new PodBuilder().withNewMetadata().withName(p[0]).withNamespace("shop").addToLabels("app", p[2]).endMetadata()
                    .withNewSpec().addNewContainer().withName("redis").withImage("redis:7").endContainer().endSpec()
                    .withNewStatus().withPhase(p[1]).endStatus().build();
            cluster.client().pods().inNamespace("shop").resource(pod).create();
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
        redis.close();
        pg.close();
    }

    @BeforeEach
    void fake() throws Exception {
        state = Files.createDirectories(tmp.resolve("kubectl-state"));
        FakeKubectl.install(tmp.resolve("fake-bin"));
    }

    SnapshotTesting testing(String... secrets) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", tmp.resolve("fake-bin") + ":" + System.getenv("PATH"));
        env.put("FAKE_KUBECTL_STATE", state.toString());
        return new SnapshotTesting(secrets).withEnv(env);
    }

    List<String> log(String name) throws Exception {
        Path f = state.resolve(name);
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    SnapshotSource.Postgres postgres() throws Exception {
        return SnapshotSources.postgres("source", "127.0.0.1", pg.port(), "app", null, new Credential("app-db", pg.user(), pg.password()),
                SnapshotSources.exec("source", null, null, null, null, null, "postgres-0", "shop", "postgres", "prod-kube", secrets),
                null, null, null, pg.binDir().toString(), null);
    }

    @Test
    void pgDumpRunsThroughKubectlExecAndTheSnapshotVerifiesAndRestoresIntoAScratchDatabaseThroughIt() throws Exception {
        List<CommandAudit.Entry> audit = Collections.synchronizedList(new ArrayList<>());
        Consumer<CommandAudit.Entry> listener = audit::add;
        CommandAudit.addListener(listener);
        SnapshotTesting t = testing(pg.password(), cluster.token());
        Path store = tmp.resolve("store");
        SnapshotSource.Postgres src = postgres();
        try {
            Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(src));
            assertThat(created.get("source").toString()).endsWith("(kubectl exec into pod postgres-0 container postgres in namespace shop)");
            Map<String, Object> verified = t.run(SnapshotRequest.builder(store.toString()).action("verify").source(src).restoreTo("scratch")
                    .checks(List.of("SELECT count(*) = 3000 FROM notes")));
            assertThat(verified).containsEntry("ok", true);
            assertThat(verified.get("rowCounts")).isEqualTo(Map.of("public.notes", 3000L));
        } finally {
            CommandAudit.removeListener(listener);
        }

        // the kubeconfig went to kubectl as a 0600 file of exactly the credential's content, deleted afterwards
        List<String> files = log("files.log");
        assertThat(files).isNotEmpty().allSatisfy(l -> assertThat(l).contains(" mode=600 sha=" + sha256(kubeconfig)));
        List<String> paths = files.stream().map(l -> l.substring(5, l.indexOf(" mode="))).distinct().toList();
        assertThat(paths).hasSize(2).allSatisfy(p -> {
            assertThat(p).startsWith(PasswordFiles.dir() + "/");
            assertThat(Path.of(p)).doesNotExist();
        });

        // the exact command kubectl got for the dump: password on stdin to the constant wrapper, never in argv
        String pgDump = pg.binDir() + "/pg_dump";
        assertThat(t.invocations).filteredOn(i -> i.argv().contains(pgDump) && i.argv().contains("-Fc")).singleElement()
                .satisfies(i -> assertThat(i.argv()).containsExactly("kubectl", "--kubeconfig", paths.get(0), "--namespace", "shop", "exec", "-i",
                        "postgres-0", "-c", "postgres", "--", "sh", "-c", ExecPrefix.STDIN_ENV_SCRIPT, "sh", pgDump, "-Fc", "-Z", "1",
                        "-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", "app", "-d", "app"));
        assertThat(log("calls.log")).contains(String.join("|", List.of("--kubeconfig", paths.get(0), "--namespace", "shop", "exec", "-i",
                "postgres-0", "-c", "postgres", "--", "sh", "-c", ExecPrefix.STDIN_ENV_SCRIPT, "sh", pgDump, "-Fc", "-Z", "1",
                "-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", "app", "-d", "app")) + "|");
        // pg_restore --list (verify), psql (scratch database, checks) and pg_restore went through kubectl exec as well
        assertThat(log("calls.log")).anySatisfy(l -> assertThat(l).contains("|pg_restore|--list|".replace("|pg_restore", "|" + pg.binDir() + "/pg_restore")))
                .anySatisfy(l -> assertThat(l).contains("/pg_restore|--single-transaction|"))
                .anySatisfy(l -> assertThat(l).contains("/psql|"));
        assertThat(log("env.log")).isNotEmpty().allSatisfy(l -> assertThat(l).isEqualTo("secret-variables=0"));

        // no secret on any command line: the snapshot runner's own record and the process-wide argv audit
        t.assertNoSecretOnAnyCommandLine(pg.password(), cluster.token(), kubeconfig);
        assertThat(audit).filteredOn(e -> e.argv().get(0).endsWith("kubectl")).hasSizeGreaterThan(5);
        assertThat(audit).allSatisfy(e -> assertThat(String.join(" ", e.argv())).doesNotContain(pg.password()).doesNotContain(cluster.token()));
        assertThat(t.console()).doesNotContain(pg.password()).doesNotContain(cluster.token());
        assertThat(masker.mask("token " + cluster.token())).isEqualTo("token ****");
        assertThat(SnapshotTesting.passwordFiles()).as("password and kubeconfig files left").isEmpty();
    }

    @Test
    void aLabelSelectorIsResolvedToTheFirstRunningPodThroughTheApiAndRedisCliRunsThereWithItsPasswordOnStdin() throws Exception {
        SnapshotTesting t = testing(redis.password(), cluster.token());
        Path store = tmp.resolve("store");
        SnapshotSource.Redis src = SnapshotSources.redis("source", "127.0.0.1", redis.port(), new Credential("cache", null, redis.password()),
                SnapshotSources.exec("source", null, null, null, null, null, "app=redis", "shop", null, "prod-kube", secrets), "rdb", null, null, null);
        Map<String, Object> created = t.run(SnapshotRequest.builder(store.toString()).source(src));

        assertThat(t.console()).contains("dbSnapshot: kubernetesPod app=redis → pod redis-b (the first of 2 Running pods in namespace shop, by name)");
        assertThat(created.get("source").toString()).endsWith("(kubectl exec into a Running pod with app=redis in namespace shop)");
        String kc = log("files.log").get(0).substring(5, log("files.log").get(0).indexOf(" mode="));
        assertThat(t.invocations).filteredOn(i -> i.argv().contains("--rdb")).singleElement()
                .satisfies(i -> assertThat(i.argv()).containsExactly("kubectl", "--kubeconfig", kc, "--namespace", "shop", "exec", "-i", "redis-b",
                        "--", "sh", "-c", ExecPrefix.STDIN_ENV_SCRIPT, "sh", "redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(redis.port()),
                        "--no-auth-warning", "--rdb", "-"));
        assertThat(SnapshotTesting.ids(store)).hasSize(1);
        assertThat(Files.readString(store.resolve(SnapshotTesting.ids(store).get(0)).resolve(RedisProvider.FILE), StandardCharsets.ISO_8859_1)).startsWith("REDIS");
        t.assertNoSecretOnAnyCommandLine(redis.password(), cluster.token());
        assertThat(log("env.log")).allSatisfy(l -> assertThat(l).isEqualTo("secret-variables=0"));

        // restoring Redis into a pod is refused before anything runs
        int calls = log("calls.log").size();
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("restore").source(src).confirm(true)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'source.kubernetesPod'").hasMessageContaining("not supported");
        assertThat(log("calls.log")).hasSize(calls);

        // a selector that matches no Running pod fails naming the pods it saw, and writes nothing
        SnapshotSource.Redis none = SnapshotSources.redis("source", "127.0.0.1", redis.port(), null,
                SnapshotSources.exec("source", null, null, null, null, null, "app=nothing", "shop", null, "prod-kube", secrets), "rdb", null, null, null);
        Path empty = tmp.resolve("empty");
        assertThatThrownBy(() -> testing().run(SnapshotRequest.builder(empty.toString()).source(none)))
                .hasMessageContaining("no Running pod matches kubernetesPod app=nothing in namespace shop (no pod has these labels)");
        assertThat(SnapshotTesting.ids(empty)).isEmpty();
        KubeClients.forget(src.exec().kube().connection());
    }

    @Test
    void badKubernetesParametersAreRejectedNamingTheParameterBeforeAnythingRuns() throws Exception {
        record Bad(String param, String form, Runnable call) {
        }
        List<Bad> bad = List.of(
                new Bad("source.kubernetesPod", "one of container", () -> exec("postgres-0", null, null, null, "db")),
                new Bad("source.kubernetesPod", "a pod name such as 'postgres-0'", () -> exec("Postgres_0", null, null, null, null)),
                new Bad("source.kubernetesPod", "key=value terms", () -> exec("app=bad value", null, null, null, null)),
                new Bad("source.kubernetesNamespace", "a namespace name", () -> exec("postgres-0", "Shop", null, null, null)),
                new Bad("source.kubernetesNamespace", "together with kubernetesNamespace", () -> exec(null, "shop", null, null, null)),
                new Bad("source.kubernetesContainer", "a container of the pod", () -> exec("postgres-0", null, "Postgres", null, null)),
                new Bad("source.kubeconfigCredentialsId", "'Secret file' credential", () -> exec("postgres-0", null, null, "bad id!", null)));
        for (Bad b : bad) {
            assertThatThrownBy(b.call::run).as(b.param).isInstanceOf(ParameterException.class)
                    .hasMessageContaining("'" + b.param + "'").hasMessageContaining(b.form);
        }
        assertThat(fileLookups).as("credential read before the parameters were checked").hasValue(0);
        // a file credential that is no kubeconfig
        assertThatThrownBy(() -> exec("postgres-0", null, null, "not-kube", null)).isInstanceOf(ParameterException.class)
                .hasMessageContaining("'source.kubeconfigCredentialsId'").hasMessageContaining("is not a kubeconfig");
        // the directory format cannot run in a pod
        SnapshotSource.Exec ok = SnapshotSources.exec("source", null, null, null, null, null, "postgres-0", null, null, null, secrets);
        assertThatThrownBy(() -> SnapshotSources.postgres("source", null, null, "app", "app", null, ok, "directory", 2, null, null, null))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'source.format'");
        assertThat(ok.kube().connection().namespace()).isEqualTo("default");
        // the CLI's map form knows the same parameters
        SnapshotSource.Postgres fromMap = (SnapshotSource.Postgres) SnapshotSources.fromMap("source", Map.of("kind", "postgres", "database", "app",
                "kubernetesPod", "app=postgres", "kubernetesNamespace", "shop", "kubeconfigCredentialsId", "prod-kube"), secrets);
        assertThat(fromMap.exec().kube().selector()).isEqualTo("app=postgres");
        assertThat(fromMap.exec().toString()).doesNotContain(cluster.token());
        assertThat(fromMap.details()).containsEntry("kubernetesPod", "app=postgres").containsEntry("kubeconfigCredentialsId", "prod-kube");
        // a password with a line break cannot travel through the stdin wrapper: refused before the tool starts
        assertThatThrownBy(() -> testing().tools.run(List.of("kubectl", "version"), Map.of(ToolRunner.STDIN_VARIABLES, "PGPASSWORD",
                "PGPASSWORD", "first\nsecond"), null, java.time.Duration.ofSeconds(10)))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("the value of PGPASSWORD holds a line break").hasMessageNotContaining("second");
        assertThat(log("calls.log")).as("kubectl calls").isEmpty();
    }

    void exec(String pod, String namespace, String container, String credentialsId, String dockerContainer) {
        try {
            SnapshotSources.exec("source", dockerContainer, null, null, null, null, pod, namespace, container, credentialsId, secrets);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
