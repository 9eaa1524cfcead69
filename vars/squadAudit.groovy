// squadAudit: records one audit event of a release (an approval, a deploy-window decision, an override) where people
// look for it: a line in the build description (currentBuild.description), the console, and the deploy report
// (squadReport: each approval as an approval record: who, when, what); help: vars/squadAudit.txt.

def call(Map event = [:]) {
    if (!event.type || !event.summary) {
        error("squadAudit: 'type' and 'summary' are required, e.g. squadAudit(type: 'approval', summary: 'approved by alice')")
    }
    String line = "[${event.type}] ${event.summary}"
    String before = currentBuild.description
    currentBuild.description = before ? "${before}\n${line}" : line
    echo "audit: ${line}"
    String what = oneLine(event.what ?: event.summary)
    for (Object a in (event.approvals ?: [])) {
        squadReport event: what, type: 'approval', status: 'OK', approvedBy: a.approver.toString(), approvedAt: a.at.toString(),
                    details: approvalDetails(a)
    }
    squadReport event: oneLine(event.title ?: event.summary), type: event.type, status: event.status ?: 'INFO',
                details: lines(event.details ?: [])
    return event
}

@NonCPS
String oneLine(Object text) {
    String s = String.valueOf(text).replaceAll(/\s*\R\s*/, ' / ')
    return s.length() > 300 ? s.substring(0, 300) + '…' : s
}

@NonCPS
List lines(List details) {
    return details.collect { oneLine(it) }
}

@NonCPS
List approvalDetails(Map a) {
    return ["approvedAt=${a.at}", "reason=${oneLine(a.reason ?: '')}", "ticket=${a.ticket ?: ''}"].collect { it.toString() }
}
