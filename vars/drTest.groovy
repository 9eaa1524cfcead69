// drTest: the disaster-recovery drill (seed 003: weekly/monthly): restore the newest snapshot of each store into a
// scratch target, run the smoke queries, measure RTO (restore time) and RPO (age of the snapshot), publish the result
// as JUnit XML and HTML for audit, clean up, notify. The restores are dbSnapshot's (Java); help: vars/drTest.txt.
// Call it inside node { } on the agent that holds the store.

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
    double rtoSeconds = args.rtoSeconds == null ? 900 : args.rtoSeconds as double
    double rpoHours = args.rpoHours == null ? 26 : args.rpoHours as double
    String reportDir = args.reportDir ?: 'dr-report'
    String scratchDir = args.scratchDir ?: "${pwd(tmp: true)}/dr-scratch"
    def cases = []
    for (Object s in args.sources) {
        if (!(s instanceof Map) || !s.name || s.source == null) {
            error("drTest: each of 'sources' needs name and source, e.g. [name: 'squad-db', source: postgresSource(...)]; got ${s}")
        }
        cases << drill(args.store, s, scratchDir, rtoSeconds, rpoHours)
    }
    def failed = failedCases(cases)
    String summary = "DR drill of ${args.store}: ${cases.size() - failed.size()} of ${cases.size()} store(s) restored within " +
            "RTO ${rtoSeconds} s and RPO ${rpoHours} h" + (failed ? "; FAILED: ${failed.join('; ')}" : '')
    writeFile file: "${reportDir}/dr-test.xml", text: junitXml(cases, args.store)
    writeFile file: "${reportDir}/dr-test.html", text: html(cases, args.store, summary)
    echo "drTest: report ${reportDir}/dr-test.xml (JUnit) and ${reportDir}/dr-test.html"
    if (args.publish == null || args.publish) {
        junit testResults: "${reportDir}/dr-test.xml", allowEmptyResults: false
        archiveArtifacts artifacts: "${reportDir}/dr-test.*"
    }
    echo "drTest: ${summary}"
    def result = [store: args.store, cases: cases, status: failed ? 'FAILURE' : 'SUCCESS', summary: summary]
    def notifier = args.notify
    if (notifier != null) {
        notifier([status: result.status, message: summary, result: result])
    }
    if (failed) {
        error("drTest: ${summary}")
    }
    return result
}

// One store: find its newest snapshot, restore it into scratch, check, measure, clean up. Never throws: a failure is a failed case.
def drill(String store, Map s, String scratchDir, double rtoSeconds, double rpoHours) {
    def c = [name: s.name.toString(), kind: null, snapshot: null, ok: false, restoreMs: null, ageSeconds: null, checks: [], message: null,
             method: null]
    long started = System.currentTimeMillis()
    try {
        def listing = dbSnapshot(store: store, action: 'list', name: s.name)
        def newest = newestOf(listing.snapshots)
        if (newest == null) {
            c.message = "no snapshot of ${s.name} in ${store}"
            return finish(c, started)
        }
        c.snapshot = newest.id
        c.kind = newest.kind
        if (newest.kind == 'postgres') {
            def r = dbSnapshot(store: store, action: 'verify', name: s.name, source: s.source, snapshot: newest.id, restoreTo: 'scratch',
                               checks: s.checks ?: [])
            c.method = "restore into scratch database ${r.scratchDatabase} (dropped), ${(s.checks ?: []).size()} smoke query(ies)"
            c.restoreMs = r.restoreMs
            c.ageSeconds = r.ageSeconds
            c.checks = r.checks ?: []
            c.rowCounts = r.rowCounts
        } else if (newest.kind == 'files') {
            String target = "${scratchDir}/${s.name}-${newest.id}"
            try {
                def r = dbSnapshot(store: store, action: 'restore', name: s.name, source: s.source, snapshot: newest.id, restoreTo: target,
                                   confirm: true)
                c.restoreMs = r.restoreMs
                c.ageSeconds = ageSeconds(newest.createdAt)
                def count = sh(script: "find '${target}' -type f | wc -l", returnStdout: true).trim()
                c.checks = [[query: "files restored into ${target}", passed: count.toInteger() > 0, answer: count]]
                c.method = "restore into the scratch directory ${target} (removed)"
            } finally {
                dir(target) {
                    deleteDir()
                }
            }
        } else {
            // Redis and RDS restore into a server of their own (Redis: the source server is stopped and its dump.rdb replaced;
            // RDS: a new instance): no scratch target here, so the drill verifies the checksum and says so
            dbSnapshot(store: store, action: 'verify', name: s.name, source: s.source, snapshot: newest.id)
            c.ageSeconds = ageSeconds(newest.createdAt)
            c.method = "checksum verified only: a ${newest.kind} snapshot has no scratch restore here (RTO not measured)"
        }
        c.ok = true
    } catch (InterruptedException aborted) {
        throw aborted // the build was aborted (or timed out): not a drill result
    } catch (err) {
        c.message = err.message
    }
    return judge(c, started, rtoSeconds, rpoHours)
}

@NonCPS
Map finish(Map c, long started) {
    c.durationMs = System.currentTimeMillis() - started
    return c
}

@NonCPS
Map judge(Map c, long started, double rtoSeconds, double rpoHours) {
    finish(c, started)
    if (!c.ok) {
        return c
    }
    def failedChecks = c.checks.findAll { !it.passed }
    if (failedChecks) {
        c.ok = false
        c.message = "smoke check(s) failed: ${failedChecks.collect { "${it.query} -> ${it.answer}" }.join('; ')}"
    } else if (c.restoreMs != null && c.restoreMs > rtoSeconds * 1000) {
        c.ok = false
        c.message = "RTO ${c.restoreMs / 1000} s is over the objective of ${rtoSeconds} s"
    } else if (c.ageSeconds != null && c.ageSeconds > rpoHours * 3600) {
        c.ok = false
        c.message = "RPO ${String.format(java.util.Locale.ROOT, '%.1f', c.ageSeconds / 3600d)} h is over the objective of ${rpoHours} h"
    }
    return c
}

@NonCPS
List failedCases(List cases) {
    return cases.findAll { !it.ok }.collect { "${it.name}: ${it.message}".toString() }
}

@NonCPS
Map newestOf(List snapshots) {
    return snapshots ? snapshots.max { it.createdAt.toString() } : null
}

@NonCPS
long ageSeconds(Object createdAt) {
    return java.time.Duration.between(java.time.Instant.parse(createdAt.toString()), java.time.Instant.now()).seconds
}

@NonCPS
String xml(Object s) {
    return s == null ? '' : s.toString().replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')
}

@NonCPS
String junitXml(List cases, String store) {
    def failures = cases.count { !it.ok }
    double total = cases.sum { (it.durationMs ?: 0) as double } / 1000d
    def out = new StringBuilder('<?xml version="1.0" encoding="UTF-8"?>\n')
    out << "<testsuite name=\"dr-drill\" tests=\"${cases.size()}\" failures=\"${failures}\" errors=\"0\" skipped=\"0\" time=\"${total}\">\n"
    out << "  <properties><property name=\"store\" value=\"${xml(store)}\"/></properties>\n"
    for (c in cases) {
        out << "  <testcase classname=\"dr-drill.${xml(c.kind ?: 'unknown')}\" name=\"${xml(c.name)}\" time=\"${(c.durationMs ?: 0) / 1000d}\">\n"
        out << "    <system-out>snapshot ${xml(c.snapshot)}; ${xml(c.method)}; RTO ${c.restoreMs == null ? 'not measured' : "${c.restoreMs} ms"}; " +
               "RPO ${c.ageSeconds == null ? 'unknown' : "${c.ageSeconds} s"}</system-out>\n"
        if (!c.ok) {
            out << "    <failure message=\"${xml(c.message)}\">${xml(c.message)}</failure>\n"
        }
        out << '  </testcase>\n'
    }
    out << '</testsuite>\n'
    return out.toString()
}

@NonCPS
String html(List cases, String store, String summary) {
    def out = new StringBuilder('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>DR drill</title>')
    out << '<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px 8px}.ok{color:#060}.fail{color:#b00}</style></head><body>\n'
    out << "<h1>DR drill: ${xml(store)}</h1>\n<p>${xml(summary)}</p>\n<p>Run at ${java.time.Instant.now()}</p>\n"
    out << '<table><tr><th>Store</th><th>Kind</th><th>Snapshot</th><th>Result</th><th>RTO (restore)</th><th>RPO (snapshot age)</th><th>How</th><th>Checks</th></tr>\n'
    for (c in cases) {
        def checks = c.checks.collect { "${it.passed ? 'passed' : 'FAILED'}: ${xml(it.query)} &rarr; ${xml(it.answer)}" }.join('<br>')
        out << "<tr><td>${xml(c.name)}</td><td>${xml(c.kind)}</td><td>${xml(c.snapshot)}</td>" +
               "<td class=\"${c.ok ? 'ok' : 'fail'}\">${c.ok ? 'PASSED' : 'FAILED: ' + xml(c.message)}</td>" +
               "<td>${c.restoreMs == null ? 'not measured' : "${c.restoreMs} ms"}</td><td>${c.ageSeconds == null ? '' : "${c.ageSeconds} s"}</td>" +
               "<td>${xml(c.method)}</td><td>${checks}</td></tr>\n"
    }
    out << '</table>\n</body></html>\n'
    return out.toString()
}
