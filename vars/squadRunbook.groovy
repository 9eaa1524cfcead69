// squadRunbook: a whole release from one config map, as the seed runbooks do it by hand: deploy window, pre-flight
// (health, disk space), snapshot, deploy the idle colour (with migrations), verify it, approval (production), switch,
// watch with metric analysis, clean-up; on failure autoRollback() (as `post { failure { autoRollback() } }`), and
// always the deploy report (archived) and a notification. Every stage is a plain step call with the config's
// sub-map; a stage is off when its key is missing or listed in `skip`, and `before`/`after` closures extend any
// stage. Help: vars/squadRunbook.txt.

def call(Map cfg = [:]) {
    def keys = ['service', 'version', 'environment', 'agent', 'window', 'preflight', 'snapshot', 'deploy', 'verify', 'approval',
                'switch', 'watch', 'cleanup', 'rollback', 'notify', 'skip', 'before', 'after', 'archiveReport']
    for (String key in cfg.keySet()) {
        if (!keys.contains(key)) {
            error("squadRunbook: unknown parameter '${key}'; accepted: ${keys.join(', ')}")
        }
    }
    for (String required in ['service', 'version', 'environment', 'deploy']) {
        if (!cfg[required]) {
            error("squadRunbook: '${required}' is required (service, version, environment and deploy: [image: ..., target: ...])")
        }
    }
    List skip = cfg.skip ?: []
    String label = cfg.agent ?: ''
    boolean production = cfg.environment == 'production'
    def state = [service: cfg.service, version: cfg.version, environment: cfg.environment, stages: [:], release: null]
    echo "squadRunbook: releasing ${cfg.service} ${cfg.version} to ${cfg.environment}"
    try {
        // outside node: an override approval waits without an executor
        runStage('Deploy window', cfg, state, skip) {
            state.window = deployWindowGate(cfg.window)
        }
        node(label) {
            runStage('Pre-flight', cfg, state, skip) {
                Map pre = [:] + cfg.preflight
                def disk = pre.remove('diskSpace')
                if (disk) {
                    state.disk = diskSpace(disk)
                }
                if (pre.checks) {
                    state.preflight = verifyHealth(pre)
                }
            }
            runStage('Snapshot', cfg, state, skip) {
                state.snapshots = []
                for (Object s in (cfg.snapshot instanceof List ? cfg.snapshot : [cfg.snapshot])) {
                    state.snapshots << dbSnapshot([reason: "before deploy ${cfg.version}", release: cfg.version] + s)
                }
            }
            stageIf('Deploy', true, cfg, state, skip) {
                state.release = squadDeploy([service: cfg.service, environment: cfg.environment, version: cfg.version] + cfg.deploy)
                echo "squadRunbook: ${cfg.version} is healthy in ${state.release.colour ?: 'its new containers'}" +
                     (state.release.trafficSwitched ? ' and serves (squadDeploy switched the router)' : '')
            }
            runStage('Verify', cfg, state, skip) {
                state.verify = verifyHealth(valueOf(cfg.verify, state))
            }
        }
        // outside node: people take their time
        if (production && !cfg.approval && !skip.contains('approval')) {
            error("squadRunbook: a production release needs approval: [submitters: [...]] (or skip: ['approval'], stated in the audit)")
        }
        if (production && skip.contains('approval')) {
            squadAudit(type: 'approval', status: 'WARNING', title: "approval SKIPPED: ${cfg.service} ${cfg.version} to ${cfg.environment}",
                       summary: "SKIPPED (skip: ['approval']): ${cfg.service} ${cfg.version} went to ${cfg.environment} without an approval",
                       details: ['decision=SKIPPED', "service=${cfg.service}", "version=${cfg.version}"])
        }
        stageIf('Approval', (production || cfg.approval?.always) && cfg.approval, cfg, state, skip) {
                Map a = [:] + cfg.approval
                a.remove('always')
                if (!a.message) {
                    a.message = "Release ${cfg.service} ${cfg.version} to ${cfg.environment}?"
                }
                if (!a.summary) {
                    a.summary = summaryOf(state)
                }
                state.approval = approvalGate(a)
                if (!state.approval.approved) {
                    state.skipRest = "approval ${state.approval.decision}"
                }
        }
        node(label) {
            boolean needsSwitch = state.release != null && state.release.trafficSwitched == false
            stageIf('Switch', needsSwitch, cfg, state, skip) {
                if (!cfg.switch) {
                    error("squadRunbook: ${cfg.version} waits in ${state.release.colour} without traffic: give switch: [router: ..., colours: ..., " +
                          "publicUrl: ...] (blueGreenSwitch), or deploy.router to let squadDeploy switch")
                }
                state.switched = blueGreenSwitch([service: cfg.service, to: state.release.colour, expectVersion: cfg.version] +
                                                 valueOf(cfg.switch, state))
            }
            runStage('Watch', cfg, state, skip) {
                state.watch = verifyHealth(valueOf(cfg.watch, state))
            }
            runStage('Clean-up', cfg, state, skip) {
                def c = cfg.cleanup
                c(state)
            }
        }
        state.result = state.skipRest ? 'NOT_RELEASED' : 'RELEASED'
    } catch (err) {
        state.result = 'FAILED'
        state.error = firstLine(err.message)
        if (cfg.rollback != false) {
            node(label) {
                stage('Rollback') {
                    Map options = cfg.rollback instanceof Map ? [:] + cfg.rollback : [:]
                    // a database restore in production needs a person: autoRollbackWithApproval asks `approvers`
                    state.rollback = options.approvers ? autoRollbackWithApproval(options) : autoRollback(options)
                    echo "squadRunbook: rollback ${state.rollback.status}" +
                         (state.rollback.database ? ", database ${state.rollback.database.status}" : '')
                }
            }
        }
        throw err
    } finally {
        finish(cfg, state, label)
    }
    return state
}

// One stage, on when its key is configured.
def runStage(String name, Map cfg, Map state, List skip, Closure body) {
    def value = cfg[stageKey(name)]
    stageIf(name, value != null && value != false, cfg, state, skip, body)
}

// One stage: off when `on` is false, listed in skip, or after a declined approval; `before`/`after` closures around it.
def stageIf(String name, Object on, Map cfg, Map state, List skip, Closure body) {
    String key = stageKey(name)
    boolean configured = on as boolean
    stage(name) {
        if (!configured || skip.contains(key) || skip.contains(name) || state.skipRest) {
            String why = state.skipRest ?: (skip.contains(key) || skip.contains(name) ? 'switched off (skip)' : 'not configured')
            echo "squadRunbook: ${name}: skipped, ${why}"
            state.stages[name] = 'SKIPPED'
            return
        }
        def before = cfg.before ? cfg.before[name] : null
        if (before != null) {
            before(state)
        }
        body()
        def after = cfg.after ? cfg.after[name] : null
        if (after != null) {
            after(state)
        }
        state.stages[name] = 'DONE'
    }
}

// Always: the deploy report archived with the build, and the notification.
def finish(Map cfg, Map state, String label) {
    String summary = "${cfg.service} ${cfg.version} to ${cfg.environment}: ${state.result ?: 'FAILED'}" +
            (state.error ? " (${state.error})" : '') + (state.rollback ? "; rollback ${state.rollback.status}" : '')
    if (cfg.archiveReport != false) {
        node(label) {
            squadReport event: "squadRunbook ${summary}", type: 'note', status: state.result == 'RELEASED' ? 'OK' : 'WARNING'
            archiveArtifacts artifacts: 'squad-deploy-report/**', allowEmptyArchive: true
        }
    }
    echo "squadRunbook: ${summary}"
    def notifier = cfg.notify
    if (notifier != null) {
        notifier([status: state.result ?: 'FAILED', message: summary, state: state])
    }
}

// A stage's config: a map, or a closure that makes it from the state (e.g. the port of the colour just deployed).
def valueOf(Object config, Map state) {
    return config instanceof Closure ? config(state) : config
}

@NonCPS
String firstLine(Object text) {
    return text == null ? null : text.toString().readLines().find { it.trim() }
}

@NonCPS
String stageKey(String name) {
    return [
        'Deploy window': 'window', 'Pre-flight': 'preflight', 'Snapshot': 'snapshot', 'Deploy': 'deploy', 'Verify': 'verify',
        'Approval': 'approval', 'Switch': 'switch', 'Watch': 'watch', 'Clean-up': 'cleanup',
    ][name]
}

@NonCPS
String summaryOf(Map state) {
    def parts = []
    if (state.release) {
        parts << "${state.release.version} is healthy in ${state.release.colour}" + (state.release.previous ? "; ${state.release.previous.version} serves now" : '')
    }
    if (state.verify) {
        parts << "verify: ${state.verify.checks.size()} check(s) passed"
    }
    if (state.snapshots) {
        parts << "snapshots: ${state.snapshots.collect { it.id }.join(', ')}"
    }
    return parts.join('; ')
}

// Free space on the agent: fails the stage when a path has less than minFreeGb.
def diskSpace(Map d) {
    if (!d.path || d.minFreeGb == null) {
        error("squadRunbook: preflight.diskSpace needs path and minFreeGb, e.g. [path: '/var/lib/docker', minFreeGb: 5]")
    }
    String out = sh(script: "df -Pk -- '${d.path}'", returnStdout: true)
    double freeGb = freeGbOf(out)
    String line = "disk space: ${String.format(java.util.Locale.ROOT, '%.1f', freeGb)} GB free on ${d.path} (minimum ${d.minFreeGb} GB)"
    if (freeGb < (d.minFreeGb as double)) {
        error("squadRunbook: pre-flight failed: ${line}")
    }
    echo "squadRunbook: ${line}"
    return [path: d.path, freeGb: freeGb]
}

@NonCPS
double freeGbOf(String df) {
    def fields = df.trim().readLines()[-1].trim().split(/\s+/)
    return (fields[3] as long) / 1024d / 1024d
}
