package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm.SwarmSpec;
import io.jenkins.plugins.squaddeploy.engine.rollback.Deployment;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackOptions;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackReport;
import io.jenkins.plugins.squaddeploy.engine.rollback.Rollbacker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The orchestrated-target seam without an orchestrator: the record, its round trips, the request checks and the rollback dispatch. */
class OrchestratedSeamTest {
    static OrchestratedRelease release(String kind, String version, String previous) {
        return new OrchestratedRelease(kind, "20261122T050000Z-abcdef", "shop", "test", version, "squad-api:" + version, "rolling",
                "2026-11-22T05:00:00Z", "http://ci/job/shop/7/", Map.of("services", List.of("shop_api", "shop_worker")),
                List.of(new OrchestratedRelease.Unit("shop_api", "service", "squad-api:" + version, "squad-api:" + previous, "12", "9", true),
                        new OrchestratedRelease.Unit("shop_worker", "service", "squad-worker:1", "squad-worker:1", "5", "5", false)),
                List.of("shop_worker already ran squad-worker:1"));
    }

    @Test
    void aRecordedReleaseSurvivesTheBuildRecordAndJavaSerialisation() throws Exception {
        OrchestratedRelease r = release("swarm", "2.0.0", "1.0.0");
        Deployment d = Deployment.fromMap(new Deployment.Orchestrated(r, Instant.parse("2026-11-22T05:00:01Z")).toMap());
        assertThat(d).isInstanceOf(Deployment.Orchestrated.class);
        OrchestratedRelease back = ((Deployment.Orchestrated) d).release();
        assertThat(back).isEqualTo(r);
        assertThat(back.changedUnits()).extracting(OrchestratedRelease.Unit::name).containsExactly("shop_api");
        assertThat(r.toMap()).containsEntry("target", "swarm").containsEntry("version", "2.0.0");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayList<>(List.of(r)));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(((List<?>) in.readObject()).get(0)).isEqualTo(r);
        }
    }

    @Test
    void twoReleasesInOneBuildRollBackToWhatRanBeforeTheFirst() {
        OrchestratedRelease first = release("swarm", "2.0.0", "1.0.0");
        OrchestratedRelease second = release("swarm", "3.0.0", "2.0.0");
        OrchestratedRelease merged = second.since(first);
        assertThat(merged.unit("shop_api").image()).isEqualTo("squad-api:3.0.0");
        assertThat(merged.unit("shop_api").previousImage()).isEqualTo("squad-api:1.0.0");
        assertThat(merged.unit("shop_api").previousRevision()).isEqualTo("9");
    }

    @Test
    void theRequestNamesTheBadCommonParameter() {
        SwarmSpec spec = SwarmSpec.of(Map.of("services", List.of("shop_api")), "target");
        assertThatThrownBy(() -> OrchestratedRequest.of("Shop!", null, "squad-api:2.0.0", null, null, null, null, null, spec))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'service'");
        assertThatThrownBy(() -> OrchestratedRequest.of("shop", null, "squad-api:2.0.0", "2.0 beta", null, null, null, null, spec))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'version'");
        assertThatThrownBy(() -> OrchestratedRequest.of("shop", null, "squad-api:2.0.0", null, List.of("shop_api"), null, null, null, spec))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'images[0]'").hasMessageContaining("unit=image");
        assertThatThrownBy(() -> OrchestratedRequest.of("shop", null, "squad-api:2.0.0", null, null, null, 0, null, spec))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'healthTimeout'");
        OrchestratedRequest ok = OrchestratedRequest.of("shop", "prod", "squad-api:2.0.0", null, List.of("shop_worker=squad-worker:2.0.0"), null, null,
                "http://ci/1/", spec);
        assertThat(ok.version()).isEqualTo("2.0.0");
        assertThat(ok.imageOf("shop_worker")).isEqualTo("squad-worker:2.0.0");
        assertThat(ok.imageOf("shop_api")).isEqualTo("squad-api:2.0.0");
        assertThat(Orchestrators.factory("swarm").spec(spec.toMap(), "target")).isEqualTo(spec);
    }

    @Test
    void autoRollbackReachesTheOrchestratorByKindAndReportsAnUnknownOne() throws Exception {
        Deployment d = new Deployment.Orchestrated(release("nosuchkind", "2.0.0", "1.0.0"), Instant.now());
        RollbackReport r = new Rollbacker(null, null, null, null, null, null).rollBack(List.of(d), null, RollbackOptions.defaults());
        assertThat(r.status()).isEqualTo(RollbackReport.Status.FAILED);
        assertThat(r.units()).hasSize(1);
        assertThat(r.units().get(0).action()).contains("nosuchkind").contains("nothing was changed");
        assertThat(r.units().get(0).fromVersion()).isEqualTo("2.0.0");
        assertThat(r.units().get(0).toVersion()).isEqualTo("1.0.0");
    }

    @Test
    void swarmParametersAreValidatedWithTheirAcceptedForms() {
        record Bad(Map<String, Object> params, String parameter, String form) {
        }
        List<Bad> bad = List.of(
                new Bad(map(), "target.services", "services: ['shop_api']"),
                new Bad(map("services", List.of("shop api")), "target.services[0]", "letters, digits"),
                new Bad(map("services", List.of("a"), "stackFile", "s.yml", "stack", "x"), "target.services", "either services"),
                new Bad(map("stackFile", "s.yml"), "target.stack", "a stack name"),
                new Bad(map("services", List.of("a"), "updateParallelism", -1), "target.updateParallelism", "0 (all at once) to 1000"),
                new Bad(map("services", List.of("a"), "updateDelay", "5 sec"), "target.updateDelay", "'500ms'"),
                new Bad(map("services", List.of("a"), "updateMonitor", "2h"), "target.updateMonitor", "at most 1h"),
                new Bad(map("services", List.of("a"), "failureAction", "retry"), "target.failureAction", "'rollback' (default), 'pause' or 'continue'"),
                new Bad(map("services", List.of("a"), "maxFailureRatio", "1.5"), "target.maxFailureRatio", "from 0 to 1"),
                new Bad(map("stackFile", "s.yml", "stack", "shop", "updateDelay", "5s"), "target.updateDelay", "deploy.update_config"),
                new Bad(map("stackFile", "s.yml", "stack", "shop", "imageVariable", "1X"), "target.imageVariable", "${IMAGE}"));
        for (Bad b : bad) {
            assertThatThrownBy(() -> SwarmSpec.of(b.params(), "target")).as(b.toString()).isInstanceOf(ParameterException.class)
                    .hasMessageContaining("'" + b.parameter() + "'").hasMessageContaining(b.form());
        }
        SwarmSpec ok = SwarmSpec.of(map("services", List.of("shop_api"), "updateParallelism", 2, "updateDelay", 3, "updateMonitor", "1m30s",
                "failureAction", "PAUSE", "maxFailureRatio", "0.25"), "target");
        assertThat(ok.updateDelay()).isEqualTo("3s");
        assertThat(ok.failureAction()).isEqualTo("pause");
        assertThat(ok.maxFailureRatio()).isEqualTo("0.25");
        assertThat(ok.stackRollback()).isTrue();
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
