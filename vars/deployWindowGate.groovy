// deployWindowGate: a production deploy only inside the team's deploy windows; outside, it stops with the next
// window's time, unless a hotfix override with a reason and an approval (recorded in the audit). The calendar logic
// is the deployWindow step's (Java); help: vars/deployWindowGate.txt. Call it outside node { } when an override may
// be asked for (the approval waits without an executor there).

def call(Map args = [:]) {
    def accepted = ['windows', 'hotfix', 'reason', 'approvers', 'approvals', 'timeout', 'timeoutUnit', 'at']
    for (String key in args.keySet()) {
        if (!accepted.contains(key)) {
            error("deployWindowGate: unknown parameter '${key}'; accepted: ${accepted.join(', ')}")
        }
    }
    def options = [windows: args.windows, failOutside: false]
    if (args.at) {
        options.at = args.at
    }
    def w = deployWindow(options)
    if (w.inside) {
        squadAudit(type: 'deploy-window', summary: "inside the window: ${w.message}", status: 'OK',
                   title: "inside the deploy window ${w.window}",
                   details: ["window=${w.window}", "closesAt=${w.closesAt}"])
        return w + [override: null]
    }
    if (!(args.hotfix as boolean)) {
        squadAudit(type: 'deploy-window', summary: "stopped: ${w.message}", status: 'FAILED',
                   title: "outside the deploy window: the next one (${w.window}) opens ${w.opensAt}",
                   details: ["nextWindow=${w.window}", "opensAt=${w.opensAt}"])
        error("deployWindow: no deploy now: ${w.message}. A hotfix outside the window needs hotfix: true, a reason and an approval.")
    }
    String reason = (args.reason ?: '').toString().trim()
    if (!reason) {
        error("deployWindowGate: a hotfix outside the deploy window needs 'reason': why it cannot wait (${w.message})")
    }
    if (!args.approvers) {
        error("deployWindowGate: a hotfix outside the deploy window needs 'approvers': who may approve the override")
    }
    def gate = approvalGate(message: "HOTFIX outside the deploy window. ${w.message}. Reason given: ${reason}. Approve the override?",
                            submitters: args.approvers, approvals: args.approvals ?: 1, timeout: args.timeout ?: 60,
                            timeoutUnit: args.timeoutUnit ?: 'MINUTES', onTimeout: 'abort', id: 'WindowOverride')
    def by = gate.approvedBy.join(', ')
    squadAudit(type: 'window-override', summary: "deploy window OVERRIDDEN for a hotfix: '${reason}', approved by ${by}; ${w.message}",
               status: 'WARNING', title: "hotfix outside the deploy window, approved by ${by}", details: ["reason=${reason}", "approvedBy=${by}", "nextWindow=${w.window}", "opensAt=${w.opensAt}"])
    return w + [override: [reason: reason, approvedBy: by, approvals: gate.approvals]]
}
