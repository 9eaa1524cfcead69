// autoRollbackWithApproval: autoRollback, plus the approval a production database restore needs
// (help: vars/autoRollbackWithApproval.txt). A step cannot ask a person — only pipeline code can call input —
// so the asking happens here, between two autoRollback calls; the step does all the rest.

def call(Map args = [:]) {
    def options = [:]
    options.putAll(args)
    def approvers = options.remove('approvers')
    def r = autoRollback(options)
    if (r != null && r.database != null && r.database.needsApproval) {
        def answer
        try {
            answer = input(message: "autoRollback: restore the database from snapshot ${r.database.snapshot}? ${r.database.message}",
                           ok: 'Restore the database', submitter: approvers, submitterParameter: 'approver')
        } catch (err) {
            echo "autoRollback: the database restore was not approved; the database was not touched"
            throw err
        }
        // Jenkins returns the submitter alone when it is the only value; some versions return a map
        options.databaseApprovedBy = answer instanceof Map ? answer.approver : answer
        options.database = r.database.snapshot // exactly the snapshot the question named
        r = autoRollback(options)
    }
    return r
}
