package io.jenkins.plugins.squaddeploy.engine.rollback;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One autoRollback call, the same for the Jenkins step, {@code verifyHealth(rollbackOnFailure: true)} and
 * {@code squad rollback}: the application ({@link Rollbacker}), then — only when asked — the database
 * ({@link DatabaseRollback}), then the incident summary and the summary line in the log, then the webhook.
 *
 * @param database  null: the database is not touched (the default)
 * @param snapshots where the database snapshots are; needed with {@code database}
 * @param webhook   the Slack-compatible webhook URL, checked by {@link WebhookNotifier#check} (a secret: registered with the masker
 *                  by the caller), or null
 * @param build     this build, for the message (e.g. {@code shop #42})
 */
public record AutoRollback(List<Deployment> deployments, Incident incident, RollbackOptions options, DatabaseRollback database,
                           SnapshotCatalog snapshots, String webhook, String build) {

    public RollbackReport run(Rollbacker rollbacker, ConsoleLog log, Masker masker, Clock clock) throws InterruptedException {
        RollbackReport report = rollbacker.rollBack(deployments, incident, options);
        if (database != null) {
            report = report.withDatabase(database(report, log, clock));
        }
        for (String line : report.incidentLines()) {
            log.info(line);
        }
        if (report.status() == RollbackReport.Status.FAILED) {
            log.warn(report.summaryLine());
        } else {
            log.info(report.summaryLine());
        }
        if (webhook != null) {
            try {
                String answer = new WebhookNotifier(masker).post(URI.create(webhook), WebhookNotifier.message(report, build));
                log.info("autoRollback: webhook notified (" + answer + ")");
            } catch (IOException e) {
                log.warn("autoRollback: the webhook was not notified: " + masker.mask(e.getMessage()));
            }
        }
        return report;
    }

    private DatabaseOutcome database(RollbackReport report, ConsoleLog log, Clock clock) throws InterruptedException {
        if (report.status() == RollbackReport.Status.FAILED) {
            String msg = "not restored: the application rollback did not succeed, so the database was not touched";
            log.warn("autoRollback: database: " + msg);
            return new DatabaseOutcome(DatabaseOutcome.Status.FAILED, null, null, null, null, database.approvedBy(), msg);
        }
        if (snapshots == null) {
            return new DatabaseOutcome(DatabaseOutcome.Status.FAILED, null, null, null, null, database.approvedBy(),
                    "no snapshot store was given (snapshotStore and databaseSource); the database was not touched");
        }
        Set<String> ids = new LinkedHashSet<>();
        String environment = null;
        for (Deployment d : deployments) {
            if (d instanceof Deployment.Released r && (options.service() == null || options.service().equals(r.service()))) {
                ids.add(r.record().version());
                ids.add(r.record().releaseId());
                environment = r.environment();
            } else if (d instanceof Deployment.Orchestrated r && (options.service() == null || options.service().equals(r.service()))) {
                ids.add(r.release().version());
                if (r.release().releaseId() != null) {
                    ids.add(r.release().releaseId());
                }
                environment = r.environment();
            }
        }
        // Without a recorded release the environment is unknown: treat it as production (ask first).
        return database.run(snapshots, environment == null ? "production" : environment, ids, clock.instant(), log);
    }
}
