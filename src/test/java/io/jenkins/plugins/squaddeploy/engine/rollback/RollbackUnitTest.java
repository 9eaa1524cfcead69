package io.jenkins.plugins.squaddeploy.engine.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.DockerColourStopper;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parts of autoRollback that need no server: what is recorded and read back, how it is grouped, the database rules, the webhook URL. */
class RollbackUnitTest {
    static DeployRequest request(String service, String strategy, String ports) {
        return DeployRequest.builder().service(service).environment("production").image("registry.example.com/shop/api:2.0.0").strategy(strategy)
                .docker(List.of("LOG_LEVEL=info"), null, List.of("/srv/cfg:/cfg:ro")).ports(ports).stateDir("/srv/state").labels(List.of("team=shop"))
                .switchSettings(new DeployRequest.SwitchSettings(URI.create("http://127.0.0.1:8080/health"), "$.version", Duration.ofSeconds(30), 5))
                .build();
    }

    static ReleaseRecord record(String id, String version, String colour, ReleaseRecord previous, Boolean switched) {
        return new ReleaseRecord(id, "api", "production", version, "registry.example.com/shop/api:" + version, "sha256:" + "a".repeat(64), null, "blueGreen",
                "docker", colour, List.of(new ReleaseRecord.Instance("api-" + colour, colour.equals("blue") ? 8001 : 8002, "c0ffee")), "2026-11-22T10:00:00Z",
                "http://jenkins/job/api/7/", switched, "/srv/state/api.json", previous);
    }

    static Deployment.Switched switched(String service, int toPort) {
        return new Deployment.Switched(service, NginxRouterSpec.of("router", "/etc/nginx/conf.d/api.conf", "/usr/sbin/nginx", List.of("-c", "/etc/nginx/nginx.conf"), null),
                List.of(new ColourSpec("blue", List.of(new TrafficRouter.Upstream("127.0.0.1", 8001)), new DockerColourStopper("docker", List.of("api-blue"), null, null, 10)),
                        new ColourSpec("green", List.of(new TrafficRouter.Upstream("127.0.0.1", toPort)), null)),
                URI.create("http://127.0.0.1:8080/health"), "$.version", Duration.ofSeconds(30), 5, "blue", "green", "2.0.0", Instant.parse("2026-11-22T10:01:00Z"));
    }

    /** Only what XStream and CPS can carry: strings, numbers, booleans, lists, maps, null. */
    static void assertPlain(Object o) {
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                assertThat(k).isInstanceOf(String.class);
                assertPlain(v);
            });
        } else if (o instanceof List<?> l) {
            l.forEach(RollbackUnitTest::assertPlain);
        } else if (o != null) {
            assertThat(o).isInstanceOfAny(String.class, Number.class, Boolean.class);
        }
    }

    @Test
    void recordedDeploymentsAreReadBackFromPlainMaps() {
        ReleaseRecord prev = record("r1", "1.0.0", "blue", null, true);
        Deployment.Released rel = new Deployment.Released(request("api", "blueGreen", "blue=8001,green=8002"), record("r2", "2.0.0", "green", prev, false),
                HaproxyRouterSpec.of("router", "api", "/run/haproxy.sock", null, "/etc/haproxy/haproxy.cfg", null, null, null), Instant.parse("2026-11-22T10:00:30Z"));
        Deployment.Switched sw = switched("api", 8002);
        for (Deployment d : List.of(rel, sw)) {
            Map<String, Object> m = d.toMap();
            assertPlain(m);
            Deployment back = Deployment.fromMap(m);
            assertThat(back.toMap()).isEqualTo(m);
        }
        Deployment.Released back = (Deployment.Released) Deployment.fromMap(rel.toMap());
        assertThat(back.request().target()).isEqualTo(rel.request().target());
        assertThat(back.request().ports()).isEqualTo(rel.request().ports());
        assertThat(back.record().previous().version()).isEqualTo("1.0.0");
        assertThat(back.router()).isEqualTo(rel.router());
        assertThat(((Deployment.Switched) Deployment.fromMap(sw.toMap())).colour("blue").stopper()).isEqualTo(sw.colour("blue").stopper());
        assertThatThrownBy(() -> Deployment.fromMap(Map.of("kind", "helm"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSwitchBelongsToTheReleaseOfItsServiceOrOfTheColourAndPortItSwitchedTo() {
        ReleaseRecord prev = record("r1", "1.0.0", "blue", null, true);
        Deployment.Released rel = new Deployment.Released(request("squad-api", "blueGreen", "blue=8001,green=8002"), record("r2", "2.0.0", "green", prev, false), null,
                Instant.parse("2026-11-22T10:00:30Z"));
        List<Rollbacker.UnitPlan> plans = Rollbacker.plan(List.of(rel, switched("api", 8002)));
        assertThat(plans).singleElement().satisfies(p -> {
            assertThat(p.releases()).containsExactly(rel);
            assertThat(p.switches()).hasSize(1);
        });
        // a switch of another service to another port is its own unit, and the newest is undone first
        List<Rollbacker.UnitPlan> two = Rollbacker.plan(List.of(rel, switched("web", 9002)));
        assertThat(two).hasSize(2);
        assertThat(two.get(0).releases()).isEmpty();
        assertThat(two.get(1).switches()).isEmpty();
    }

    @Test
    void aReleaseSquadDeploySwitchedItselfWithoutARecordedRouterIsNeverStopped() throws Exception {
        ReleaseRecord prev = record("r1", "1.0.0", "blue", null, true);
        Deployment.Released rel = new Deployment.Released(request("api", "blueGreen", "blue=8001,green=8002"), record("r2", "2.0.0", "green", prev, true), null,
                Instant.now());
        RollbackReport r = new Rollbacker(null, null, null, null, ConsoleLog.SILENT, new Masker()).rollBack(List.of(rel), null, RollbackOptions.defaults());
        assertThat(r.status()).isEqualTo(RollbackReport.Status.FAILED);
        assertThat(r.units().get(0).action()).startsWith("squadDeploy switched traffic to green (2.0.0) itself, but its router was not recorded")
                .contains("nothing was changed").contains("blueGreenSwitch to: 'blue'");
    }

    /** A snapshot store in memory. */
    static final class FakeCatalog implements SnapshotCatalog {
        final List<Snapshot> snapshots = new ArrayList<>();
        final List<String> restored = new ArrayList<>();

        @Override
        public String describe() {
            return "/var/backups/api";
        }

        @Override
        public List<Snapshot> list() {
            return snapshots;
        }

        @Override
        public Map<String, Object> restore(String id) {
            restored.add(id);
            return Map.of("target", "postgresql://127.0.0.1:5432/app", "restoreMs", 1234);
        }
    }

    @Test
    void theDatabaseIsRestoredFromTheReleaseSnapshotAndInProductionOnlyWithAnApproval() throws Exception {
        FakeCatalog c = new FakeCatalog();
        Instant now = Instant.parse("2026-11-22T12:00:00Z");
        c.snapshots.add(new SnapshotCatalog.Snapshot("20261122T080000.000Z-postgres-app", "postgres-app", "2.0.0", "api #6", Instant.parse("2026-11-22T08:00:00Z")));
        c.snapshots.add(new SnapshotCatalog.Snapshot("20261122T110000.000Z-postgres-app", "postgres-app", "2.0.0", "api #7", Instant.parse("2026-11-22T11:00:00Z")));
        c.snapshots.add(new SnapshotCatalog.Snapshot("20261122T113000.000Z-postgres-app", "postgres-app", "2.1.0", "api #8", Instant.parse("2026-11-22T11:30:00Z")));
        Set<String> failed = Set.of("2.0.0", "20261122T100000Z-abc123");

        DatabaseOutcome ask = DatabaseRollback.of("release", null, "api #7").run(c, "production", failed, now, ConsoleLog.SILENT);
        assertThat(ask.status()).isEqualTo(DatabaseOutcome.Status.NEEDS_APPROVAL);
        assertThat(ask.snapshot()).isEqualTo("20261122T110000.000Z-postgres-app");
        assertThat(ask.dataLossSeconds()).isEqualTo(3600);
        assertThat(ask.message()).contains("needs an approval (data-loss window 60 min 0 s: everything written to the database after 2026-11-22T11:00:00Z is lost)");
        assertThat(c.restored).as("nothing restored without the approval").isEmpty();

        DatabaseOutcome ok = DatabaseRollback.of(ask.snapshot(), "ops-lead", "api #7").run(c, "production", failed, now, ConsoleLog.SILENT);
        assertThat(ok.status()).isEqualTo(DatabaseOutcome.Status.RESTORED);
        assertThat(ok.message()).contains("restored 20261122T110000.000Z-postgres-app into postgresql://127.0.0.1:5432/app in 1234 ms").contains("approved by ops-lead");
        assertThat(c.restored).containsExactly("20261122T110000.000Z-postgres-app");

        assertThat(DatabaseRollback.of("release", null, "api #9").run(c, "staging", failed, now, ConsoleLog.SILENT).status())
                .as("outside production at once").isEqualTo(DatabaseOutcome.Status.RESTORED);
        DatabaseOutcome none = DatabaseRollback.of("release", null, "api #9").run(c, "staging", Set.of("3.0.0"), now, ConsoleLog.SILENT);
        assertThat(none.status()).isEqualTo(DatabaseOutcome.Status.FAILED);
        assertThat(none.message()).startsWith("no snapshot in /var/backups/api was taken for release 3.0.0 or by api #9; the database was not touched");

        assertThat(DatabaseRollback.of(null, null, "x")).isNull();
        assertThatThrownBy(() -> DatabaseRollback.of("latest", null, "x")).isInstanceOf(ParameterException.class).hasMessageContaining("'database'");
        assertThatThrownBy(() -> DatabaseRollback.of(null, "ops", "x")).isInstanceOf(ParameterException.class).hasMessageContaining("'databaseApprovedBy'");
        assertThat(List.of("production", "prod", "PROD", "prod-eu", "production_2")).allMatch(DatabaseRollback::isProduction);
        assertThat(List.of("staging", "test", "preprod", "products", "")).noneMatch(DatabaseRollback::isProduction);
    }

    @Test
    void theWebhookUrlIsCheckedWithoutShowingIt() {
        String secret = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX";
        assertThat(WebhookNotifier.check("slack", secret)).isEqualTo(secret);
        assertThatThrownBy(() -> WebhookNotifier.check("slack", "xoxb-not-a-url"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'slack' does not hold an http(s) URL").hasMessageNotContaining("xoxb");
        assertThat(WebhookNotifier.escape("a < b & c > d")).isEqualTo("a &lt; b &amp; c &gt; d");
    }
}
