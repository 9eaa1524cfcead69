// approvalGate: a person (or N distinct people) must approve before the pipeline goes on; help: vars/approvalGate.txt.
// Call it OUTSIDE node { } (Declarative: a stage with `agent none`, or the pipeline with agent none): input waits
// without holding an executor only there.

def call(Map args = [:]) {
    def accepted = ['message', 'summary', 'submitters', 'approvals', 'timeout', 'timeoutUnit', 'onTimeout', 'requireTicket',
                    'ticketPattern', 'id', 'autoApprove']
    for (String key in args.keySet()) {
        if (!accepted.contains(key)) {
            error("approvalGate: unknown parameter '${key}'; accepted: ${accepted.join(', ')}")
        }
    }
    def submitters = args.submitters instanceof List ? args.submitters : (args.submitters ? args.submitters.toString().tokenize(',') : [])
    submitters = trimmed(submitters)
    if (!args.message) {
        error("approvalGate: 'message' is required: the question the approvers answer, e.g. 'Release 2.0.0 to production?'")
    }
    if (submitters.isEmpty() && !args.autoApprove) {
        error("approvalGate: 'submitters' is required: user IDs or group names who may approve, e.g. ['alice', 'release-managers']")
    }
    int needed = args.approvals == null ? 1 : args.approvals as int
    if (needed < 1) {
        error("approvalGate: 'approvals' must be a whole number of 1 or more (distinct approvers needed), got ${args.approvals}")
    }
    String onTimeout = args.onTimeout ?: 'abort'
    if (!['abort', 'proceed', 'skip'].contains(onTimeout)) {
        error("approvalGate: 'onTimeout' must be 'abort' (default), 'proceed' or 'skip', got '${onTimeout}'")
    }
    String unit = args.timeoutUnit ?: 'MINUTES'
    if (!['SECONDS', 'MINUTES', 'HOURS', 'DAYS'].contains(unit)) {
        error("approvalGate: 'timeoutUnit' must be SECONDS, MINUTES, HOURS or DAYS, got '${unit}'")
    }
    long time = args.timeout == null ? 60 : args.timeout as long
    if (time < 1) {
        error("approvalGate: 'timeout' must be 1 or more (${unit}), got ${args.timeout}")
    }
    long timeoutMs = java.util.concurrent.TimeUnit.valueOf(unit).toMillis(time)
    String ticketPattern = args.ticketPattern ?: (args.requireTicket ? /\S+/ : null)
    String starter = startedBy()
    String shown = args.summary ? "${args.message}\n${args.summary}" : args.message.toString()
    def gate = [message: args.message.toString(), shown: shown, needed: needed, submitters: submitters, startedBy: starter,
                onTimeout: onTimeout, approvals: [], approvedBy: [], refused: [], decision: null, approved: false]

    if (args.autoApprove) {
        // for demos and throw-away environments only: no person was asked, and the audit says so in capitals
        echo "approvalGate: *** AUTO-APPROVED (${args.autoApprove}): nobody was asked; never use autoApprove for a real production release ***"
        gate.approvals << [approver: 'AUTO-APPROVAL', at: now(), reason: args.autoApprove.toString(), ticket: null]
        gate.approvedBy << 'AUTO-APPROVAL'
        gate.decision = 'AUTO_APPROVED'
        gate.approved = true
        audit(gate)
        return gate
    }

    echo "approvalGate: waiting for ${needed} approval(s) by distinct people among ${submitters.join(', ')}" +
         (starter ? "; ${starter} started this build and cannot approve it" : '') +
         "; after ${time} ${unit.toLowerCase()} without them: ${onTimeout}"
    long deadline = System.currentTimeMillis() + timeoutMs
    while (gate.approvals.size() < needed) {
        long left = deadline - System.currentTimeMillis()
        if (left <= 0) {
            break
        }
        def answer
        try {
            timeout(time: left, unit: 'MILLISECONDS') {
                answer = input(id: args.id ?: 'ApprovalGate', message: "${shown}\n(approval ${gate.approvals.size() + 1} of ${needed})",
                               ok: 'Approve', submitter: submitters.join(','), submitterParameter: 'APPROVER',
                               parameters: [string(name: 'REASON', defaultValue: '', description: 'Why this may go ahead (kept in the audit).'),
                                            string(name: 'TICKET', defaultValue: '', description: 'The change ticket, e.g. CHG-1234.')])
            }
        } catch (err) {
            if (System.currentTimeMillis() >= deadline) {
                gate.timeoutError = err
                break
            }
            gate.decision = 'REJECTED'
            audit(gate)
            throw err // rejected (Abort) by a submitter: the build is aborted
        }
        String approver = answer.APPROVER
        String reason = (answer.REASON ?: '').trim()
        String ticket = (answer.TICKET ?: '').trim()
        String refusal = null
        if (starter != null && approver == starter) {
            refusal = "${approver} started this build and cannot approve it"
        } else if (approvedBy(gate, approver)) {
            refusal = "${approver} has already approved; ${needed} distinct approvers are needed"
        } else if (!reason) {
            refusal = "${approver} gave no reason; a reason is required"
        } else if (ticketPattern && !(ticket ==~ ticketPattern)) {
            refusal = "${approver} gave the ticket '${ticket}', which does not match ${ticketPattern}"
        }
        if (refusal) {
            echo "approvalGate: REFUSED: ${refusal}"
            gate.refused << [approver: approver, at: now(), why: refusal]
        } else {
            gate.approvals << [approver: approver, at: now(), reason: reason, ticket: ticket ?: null]
            gate.approvedBy << approver
            echo "approvalGate: approval ${gate.approvals.size()} of ${needed} by ${approver}: ${reason}" + (ticket ? " (${ticket})" : '')
        }
    }
    if (gate.approvals.size() >= needed) {
        gate.decision = 'APPROVED'
        gate.approved = true
        audit(gate)
        return gate
    }
    // the time ran out
    def timeoutError = gate.remove('timeoutError')
    if (onTimeout == 'proceed') {
        gate.decision = 'TIMED_OUT_PROCEEDED'
        gate.approved = true
        echo "approvalGate: no ${needed} approval(s) in ${time} ${unit.toLowerCase()}: going ahead as configured (onTimeout: 'proceed')"
        audit(gate)
        return gate
    }
    if (onTimeout == 'skip') {
        gate.decision = 'TIMED_OUT_SKIPPED'
        echo "approvalGate: no ${needed} approval(s) in ${time} ${unit.toLowerCase()}: skipping what needed them (onTimeout: 'skip')"
        audit(gate)
        return gate
    }
    gate.decision = 'TIMED_OUT_ABORTED'
    echo "approvalGate: no ${needed} approval(s) in ${time} ${unit.toLowerCase()}: the build is aborted (onTimeout: 'abort')"
    audit(gate)
    if (timeoutError != null) {
        throw timeoutError
    }
    currentBuild.result = 'ABORTED'
    error("approvalGate: no ${needed} approval(s) in ${time} ${unit.toLowerCase()}")
}

// The user who started the build (Cause$UserIdCause), or null when a timer, SCM or upstream build started it.
def startedBy() {
    def causes = currentBuild.getBuildCauses('hudson.model.Cause$UserIdCause')
    return causes ? causes[0].userId : null
}

@NonCPS
List trimmed(List values) {
    return values.collect { it.toString().trim() }.findAll { it }
}

@NonCPS
boolean approvedBy(Map gate, String user) {
    return gate.approvedBy.contains(user)
}

@NonCPS
String now() {
    return java.time.Instant.now().toString()
}

@NonCPS
String auditLine(Map gate) {
    def who = gate.approvals.collect { a ->
        "${a.approver} at ${a.at}" + (a.reason ? " ('${a.reason}'" + (a.ticket ? ", ${a.ticket}" : '') + ')' : '')
    }
    def refused = gate.refused.collect { r -> "${r.approver} (${r.why})" }
    return "${gate.decision}: '${gate.message}'; ${gate.approvals.size()} of ${gate.needed} approval(s)" +
           (who ? ": ${who.join('; ')}" : '') + (refused ? "; refused: ${refused.join('; ')}" : '') +
           (gate.startedBy ? "; started by ${gate.startedBy}" : '')
}

def audit(Map gate) {
    String status = gate.decision == 'APPROVED' ? 'OK' : (gate.decision in ['REJECTED', 'TIMED_OUT_ABORTED'] ? 'FAILED' : 'WARNING')
    squadAudit(type: 'approval', summary: auditLine(gate), title: "approval ${gate.decision}: ${gate.message}", status: status,
               what: gate.message, approvals: gate.approvals, details: auditDetails(gate))
}

// What the report keeps beside the approval records: the decision, what the approvers saw, refusals, the starter.
@NonCPS
List auditDetails(Map gate) {
    def out = ["decision=${gate.decision}", "needed=${gate.needed}", "submitters=${gate.submitters.join(',')}",
               "shown=${gate.shown}", "startedBy=${gate.startedBy ?: ''}", "onTimeout=${gate.onTimeout}"]
    gate.refused.eachWithIndex { r, i -> out << "refused${i + 1}=${r.approver} at ${r.at}: ${r.why}" }
    return out.collect { it.toString() }
}
