package io.jenkins.plugins.squaddeploy.engine.report;

import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.health.CheckResult;
import io.jenkins.plugins.squaddeploy.engine.health.HealthReport;
import io.jenkins.plugins.squaddeploy.engine.rollback.Incident;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackReport;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A release that went wrong, as the steps report it, built from the engine's own result types: snapshot, deploy,
 * health, an approval, switch, a failing watch window (Prometheus error rate 0.31 against {@code <= 0.05}), the rollback
 * with its time to restore, and a var's note carrying a secret (which the report must mask).
 */
final class SampleReport {
    static final String SECRET = TestSecrets.register(TestSecrets.generate("report"));
    static final int EVENTS = 8;

    private SampleReport() {
    }

    /** Writes the sample into {@code dir} through {@link ReportFiles}, one event at a time as the steps do. */
    static void write(Path dir) throws IOException {
        Masker masker = new Masker().add(SECRET);
        Instant t0 = Instant.parse("2026-11-22T04:10:00.000Z");
        for (ReportEvent e : events(t0)) {
            ReportFiles.add(dir, "shop #7", "http://127.0.0.1:8080/job/shop/7/", e, masker);
        }
    }

    static List<ReportEvent> events(Instant t0) {
        List<ReportEvent> es = new ArrayList<>();
        Map<String, Object> snap = new LinkedHashMap<>();
        snap.put("id", "squad-api-db-20261122T041000Z");
        snap.put("kind", "postgres");
        snap.put("source", "postgres 127.0.0.1:5432/squad_api");
        snap.put("size", 4_812_331L);
        snap.put("sha256", "9f2c4b1e0d7a6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c");
        snap.put("durationMs", 1840L);
        snap.put("path", "/var/backups/squad-api/squad-api-db-20261122T041000Z");
        snap.put("store", "/var/backups/squad-api");
        snap.put("reason", "before release 2.0.0");
        snap.put("release", "2.0.0");
        es.add(ReportEvents.snapshot("dbSnapshot", t0, "create", snap).finishedAt(t0.plusMillis(1900)).finish());

        ReleaseRecord previous = new ReleaseRecord("r-1", "squad-api", "production", "1.0.0", "squad-api:1.0.0", "sha256:aa11", null, "blueGreen",
                "docker", "blue", List.of(), "2026-11-21T10:00:00Z", null, true, null, null);
        ReleaseRecord rec = new ReleaseRecord("r-2", "squad-api", "production", "2.0.0", "squad-api:2.0.0", "sha256:bb22cc33dd44", null, "blueGreen",
                "docker", "green", List.of(new ReleaseRecord.Instance("squad-api-green", 8002, "c0ffee")), "2026-11-22T04:10:02Z",
                "http://127.0.0.1:8080/job/shop/7/", false, "/srv/squad-api/state.json", previous);
        es.add(ReportEvents.deployed("squadDeploy", t0.plusMillis(2000), rec)
                .output("docker (3 command(s))", "$ docker pull squad-api:2.0.0\n2.0.0: Pulling from squad-api\nStatus: Image is up to date\n"
                        + "$ docker run -d --name squad-api-green --network host squad-api:2.0.0\nc0ffee\n")
                .finishedAt(t0.plusMillis(9400)).finish());

        HealthReport healthy = new HealthReport(true, List.of(
                new CheckResult("api", "http", "http://127.0.0.1:8002/health", "PASSED", 2, 14, "HTTP 200, $.status == 'healthy'", 1200, null, null, 0, 0, 0,
                        List.of()),
                new CheckResult("db", "postgres", "127.0.0.1:5432/squad_api", "PASSED", 1, 9, "SELECT 1 ok", 30, null, null, 0, 0, 0, List.of())), 1250);
        es.add(ReportEvents.health("verifyHealth", t0.plusMillis(9500), healthy, false, "").finishedAt(t0.plusMillis(10_750)).finish());

        es.add(ReportEvent.of("approval", "squadReport", t0.plusMillis(11_000)).title("release 2.0.0 to production").status("OK")
                .approval("alice", t0.plusMillis(11_000), "release 2.0.0 to production").detail("ticket", "CHG-1042").finishedAt(t0.plusMillis(11_000)).finish());

        es.add(ReportEvents.switched("blueGreenSwitch", t0.plusMillis(11_200), "squad-api", "nginx /etc/nginx/conf.d/squad-api.conf",
                new SwitchResult("blue", "green", t0.plusMillis(12_900), 1700), "2.0.0").finishedAt(t0.plusMillis(12_900)).finish());

        List<CheckResult.Sample> samples = List.of(new CheckResult.Sample(1000, "PASSED", 0.01), new CheckResult.Sample(2000, "FAILED", 0.22),
                new CheckResult.Sample(3000, "FAILED", 0.31));
        HealthReport watch = new HealthReport(false, List.of(
                new CheckResult("error-rate", "prometheus", "http://127.0.0.1:9090", "FAILED", 3, 21,
                        "2 failed measurements in a row, failureThreshold 2; last: 0.31 > 0.05", 3100, 0.31, "<= 0.05", 2, 0, 0, samples),
                new CheckResult("api", "http", "http://127.0.0.1:8080/api", "STOPPED", 3, 8, "stopped early: another check failed", 3100, null, null, 0, 0, 0,
                        List.of())), 3100);
        es.add(ReportEvents.health("verifyHealth", t0.plusMillis(13_000), watch, true, "").finishedAt(t0.plusMillis(16_100)).finish());

        Incident incident = new Incident("verifyHealth failed: error-rate (prometheus http://127.0.0.1:9090): FAILED: 2 failed measurements in a row",
                List.of(new Incident.Measurement("error-rate", "prometheus", "http://127.0.0.1:9090", "FAILED", "0.31 > 0.05", 0.31, "<= 0.05",
                        List.of(0.01, 0.22, 0.31))), t0.plusMillis(15_000), t0.plusMillis(16_100));
        RollbackReport rb = new RollbackReport(RollbackReport.Status.ROLLED_BACK, List.of(new RollbackReport.Unit("squad-api", "production", "blueGreen",
                RollbackReport.Status.ROLLED_BACK, "2.0.0", "green", "1.0.0", "blue",
                "nginx routes squad-api to blue (1.0.0) again, verified through http://127.0.0.1:8080/health; green stopped", t0.plusMillis(18_300),
                List.of())), incident, t0.plusMillis(16_200), t0.plusMillis(18_400), null, List.of());
        es.add(ReportEvents.rollback("autoRollback", rb).finish());

        es.add(ReportEvent.of("note", "notifyTeam", t0.plusMillis(18_500)).title("posted the incident to #releases").status("INFO")
                .detail("webhook", "https://hooks.example.invalid/services/" + SECRET)
                .output("curl", "> POST /services/" + SECRET + " HTTP/1.1\n< HTTP/1.1 200 OK\nok\n").finishedAt(t0.plusMillis(18_700)).finish());
        return es;
    }
}
