// drTest: the disaster-recovery drill (seed 003: weekly/monthly): for each store, dbSnapshot action 'drill' restores
// its newest snapshot into a scratch target, runs the smoke queries, judges RTO (restore time) and RPO (snapshot age)
// against the objectives, cleans up and merges the result into the JUnit XML + HTML audit report; this var publishes
// the report (junit, archiveArtifacts), notifies and fails when a store failed. All the work is Java; help:
// vars/drTest.txt. Call it inside node { } on the agent that holds the store.

def call(Map args = [:]) {
    def accepted = ['store', 'sources', 'rtoSeconds', 'rpoHours', 'reportDir', 'scratchDir', 'publish', 'notify']
    for (String key in args.keySet()) {
        if (!accepted.contains(key)) {
            error("drTest: unknown parameter '${key}'; accepted: ${accepted.join(', ')}")
        }
    }
    if (!args.store) {
        error("drTest: 'store' is required: the snapshot directory on this agent")
    }
    if (!(args.sources instanceof List) || args.sources.isEmpty()) {
        error("drTest: 'sources' is required: a list of [name: 'squad-db', source: postgresSource(...), checks: ['SELECT ...']]")
    }
    for (Object s in args.sources) {
        if (!(s instanceof Map) || !s.name || s.source == null) {
            error("drTest: each of 'sources' needs name and source, e.g. [name: 'squad-db', source: postgresSource(...)]; got ${s}")
        }
    }
    double rtoSeconds = args.rtoSeconds == null ? 900 : args.rtoSeconds as double
    double rpoHours = args.rpoHours == null ? 26 : args.rpoHours as double
    String reportDir = args.reportDir ?: 'dr-report'
    String scratchDir = args.scratchDir ?: "${pwd(tmp: true)}/dr-scratch"
    dir(reportDir) {
        deleteDir() // one drill job, one report: results of an earlier build are not merged into this one
    }
    def cases = []
    def failed = []
    for (Object s in args.sources) {
        def drill = [store: args.store, action: 'drill', name: s.name, source: s.source, checks: s.checks ?: [],
                     rtoSeconds: Math.ceil(rtoSeconds) as int, maxAgeHours: rpoHours, reportDir: reportDir, restoreTo: scratchDir]
        try {
            cases << dbSnapshot(drill)
        } catch (InterruptedException aborted) {
            throw aborted // the build was aborted (or timed out): not a drill result
        } catch (err) {
            failed << (err.message - 'dbSnapshot drill failed: ')
        }
    }
    int total = args.sources.size()
    String summary = "DR drill of ${args.store}: ${total - failed.size()} of ${total} store(s) restored within " +
            "RTO ${rtoSeconds} s and RPO ${rpoHours} h" + (failed ? "; FAILED: ${failed.join('; ')}" : '')
    if (args.publish == null || args.publish) {
        junit testResults: "${reportDir}/dr-test.xml", allowEmptyResults: false
        archiveArtifacts artifacts: "${reportDir}/dr-test.*"
    }
    echo "drTest: ${summary}"
    def result = [store: args.store, cases: cases, failures: failed, status: failed ? 'FAILURE' : 'SUCCESS', summary: summary]
    def notifier = args.notify
    if (notifier != null) {
        notifier([status: result.status, message: summary, result: result])
    }
    if (failed) {
        error("drTest: ${summary}")
    }
    return result
}
