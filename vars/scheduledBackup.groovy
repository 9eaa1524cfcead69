// scheduledBackup: the nightly backup job (seed 000: "0 2 * * *"): snapshot every configured store, verify each new
// snapshot's checksum, prune by retention, then fail (and notify) when the newest verified snapshot of a store is
// older than the limit (dbSnapshot action 'freshness'). All the work is dbSnapshot's (Java); help:
// vars/scheduledBackup.txt. Call it inside node { } on the agent that holds the store.

def call(Map args = [:]) {
    def accepted = ['store', 'sources', 'keepLast', 'keepDaily', 'keepWeekly', 'maxAgeHours', 'reason', 'notify']
    for (String key in args.keySet()) {
        if (!accepted.contains(key)) {
            error("scheduledBackup: unknown parameter '${key}'; accepted: ${accepted.join(', ')}")
        }
    }
    if (!args.store) {
        error("scheduledBackup: 'store' is required: the snapshot directory on this agent, e.g. '/opt/backups/squad-api'")
    }
    if (!(args.sources instanceof List) || args.sources.isEmpty()) {
        error("scheduledBackup: 'sources' is required: a list of [name: 'squad-db', source: postgresSource(...)] (redisSource, filesSource, rdsSource)")
    }
    for (Object s in args.sources) {
        if (!(s instanceof Map) || !s.name || s.source == null) {
            error("scheduledBackup: each of 'sources' needs name and source, e.g. [name: 'squad-db', source: postgresSource(...)]; got ${s}")
        }
    }
    double maxAgeHours = args.maxAgeHours == null ? 26 : args.maxAgeHours as double
    String reason = args.reason ?: 'scheduled backup'
    def created = [:]
    def failures = []
    for (Object s in args.sources) {
        try {
            def snap = dbSnapshot(store: args.store, name: s.name, source: s.source, reason: reason)
            dbSnapshot(store: args.store, action: 'verify', name: s.name, source: s.source, snapshot: snap.id)
            created[s.name] = [id: snap.id, size: snap.size, sha256: snap.sha256, durationMs: snap.durationMs]
        } catch (InterruptedException aborted) {
            throw aborted // the build was aborted (or timed out): not a backup result
        } catch (err) {
            failures << "${s.name}: ${err.message}"
            created[s.name] = [error: err.message]
            echo "scheduledBackup: ${s.name} FAILED: ${err.message} (going on with the other stores)"
        }
    }
    def pruned = dbSnapshot(store: args.store, action: 'prune', keepLast: args.keepLast ?: 7, keepDaily: args.keepDaily ?: 7,
                            keepWeekly: args.keepWeekly ?: 4)
    def freshness = []
    for (Object s in args.sources) {
        try {
            freshness.addAll(dbSnapshot(store: args.store, action: 'freshness', name: s.name, maxAgeHours: maxAgeHours).series)
        } catch (InterruptedException aborted) {
            throw aborted
        } catch (err) {
            failures << err.message
            freshness << [series: s.name, ok: false, line: err.message]
        }
    }
    def result = [store: args.store, snapshots: created, deleted: pruned.deleted, freshness: freshness, failures: failures,
                  status: failures ? 'FAILURE' : 'SUCCESS']
    String summary = failures ? "backup of ${args.store} FAILED: ${failures.join('; ')}" :
            "backup of ${args.store}: ${created.size()} snapshot(s) created and verified, ${pruned.deleted.size()} pruned"
    echo "scheduledBackup: ${summary}"
    def notifier = args.notify
    if (notifier != null) {
        notifier([status: result.status, message: summary, result: result])
    }
    if (failures) {
        error("scheduledBackup: ${summary}")
    }
    return result
}
