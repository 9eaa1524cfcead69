// squadAudit: records one audit event (approval, deploy window, override) where people look for it: a line in the
// build description (currentBuild.description, shown on the build page) and in the console (help: vars/squadAudit.txt).

def call(Map event = [:]) {
    if (!event.type || !event.summary) {
        error("squadAudit: 'type' and 'summary' are required, e.g. squadAudit(type: 'approval', summary: 'approved by alice')")
    }
    def line = "[${event.type}] ${event.summary}"
    def before = currentBuild.description
    currentBuild.description = before ? "${before}\n${line}" : line
    echo "audit: ${line}"
    return event
}
