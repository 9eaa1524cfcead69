// withDeployCredentials: binds the named credential set of one environment (database, registry, webhook, kubeconfig,
// cloud, ...) through withCredentials for a closure, so every secret is masked in the log; help: vars/withDeployCredentials.txt.
// Without `sets`, each kind has a conventional credentials ID "<environment>-<kind>" and variable names (KINDS below).

def call(Map args = [:], Closure body) {
    for (String key in args.keySet()) {
        if (!['environment', 'kinds', 'sets'].contains(key)) {
            error("withDeployCredentials: unknown parameter '${key}'; accepted: environment, kinds, sets")
        }
    }
    String environment = args.environment
    if (!environment) {
        error("withDeployCredentials: 'environment' is required, e.g. environment: 'production'")
    }
    Map chosen = credentialSet(environment, args.sets, args.kinds)
    if (chosen.error) {
        error("withDeployCredentials: ${chosen.error}")
    }
    Map set = chosen.set
    List bindings = []
    List described = []
    for (String kind in set.keySet()) {
        Map spec = set[kind]
        bindings << bindingFor(spec)
        described << "${kind} (${spec.type} '${spec.credentialsId}' as ${variablesOf(spec).join('/')})"
    }
    echo "withDeployCredentials: ${environment}: ${described.join(', ')}"
    return withCredentials(bindings) {
        body()
    }
}

// kind -> how it is bound by default
@NonCPS
Map conventions() {
    return [
        database  : [type: 'usernamePassword', usernameVariable: 'DB_USERNAME', passwordVariable: 'DB_PASSWORD'],
        registry  : [type: 'usernamePassword', usernameVariable: 'REGISTRY_USERNAME', passwordVariable: 'REGISTRY_PASSWORD'],
        webhook   : [type: 'string', variable: 'WEBHOOK_URL'],
        kubeconfig: [type: 'file', variable: 'KUBECONFIG'],
        cloud     : [type: 'usernamePassword', usernameVariable: 'AWS_ACCESS_KEY_ID', passwordVariable: 'AWS_SECRET_ACCESS_KEY'],
    ]
}

// The set to bind, as [set: kind -> spec] or [error: message]: `sets[environment]` (a kind's defaults fill what an entry
// leaves out), else the conventional set; `kinds` limits it. Every entry validated, errors naming it and the accepted form.
@NonCPS
Map credentialSet(String environment, Object sets, Object kinds) {
    Map kinds0 = conventions()
    Map chosen
    if (sets != null) {
        if (!(sets instanceof Map)) {
            return [error: "'sets' must be a map environment -> [kind: [credentialsId: ..., type: ...]]"]
        }
        if (!sets.containsKey(environment)) {
            return [error: "no credential set for environment '${environment}'; sets exist for ${sets.keySet().join(', ')}"]
        }
        chosen = sets[environment]
    } else {
        chosen = kinds0.collectEntries { k, v -> [(k): [:]] }
    }
    List wanted = kinds == null ? chosen.keySet() as List : (kinds instanceof List ? kinds : kinds.toString().tokenize(',')*.trim())
    Map out = [:]
    for (Object k in wanted) {
        String kind = k.toString()
        if (!chosen.containsKey(kind)) {
            return [error: "kind '${kind}' is not in the set of '${environment}' (${chosen.keySet().join(', ')})"]
        }
        Object given = chosen[kind]
        Map spec = [:]
        if (kinds0.containsKey(kind)) {
            spec.putAll(kinds0[kind])
        }
        if (given instanceof String) {
            spec.credentialsId = given
        } else if (given instanceof Map) {
            spec.putAll(given)
        } else {
            return [error: "${environment}.${kind} must be a credentials ID or a map [credentialsId: ..., type: ...]"]
        }
        if (!spec.credentialsId) {
            spec.credentialsId = "${environment}-${kind}".toString()
        }
        if (!['usernamePassword', 'string', 'file'].contains(spec.type)) {
            return [error: "${environment}.${kind}: type must be usernamePassword, string or file, got '${spec.type}'"]
        }
        for (String v in variablesOf(spec)) {
            if (!(v ==~ /[A-Za-z_][A-Za-z0-9_]*/)) {
                return [error: "${environment}.${kind}: '${v}' is not a variable name (letters, digits, _)"]
            }
        }
        if (variablesOf(spec).isEmpty()) {
            return [error: "${environment}.${kind}: no variable to bind (type ${spec.type} needs " +
                    (spec.type == 'usernamePassword' ? 'usernameVariable and passwordVariable)' : 'variable)')]
        }
        out[kind] = spec
    }
    return [set: out]
}

@NonCPS
List variablesOf(Map spec) {
    return spec.type == 'usernamePassword' ? [spec.usernameVariable, spec.passwordVariable].findAll { it } : [spec.variable].findAll { it }
}

def bindingFor(Map spec) {
    if (spec.type == 'usernamePassword') {
        return usernamePassword(credentialsId: spec.credentialsId, usernameVariable: spec.usernameVariable, passwordVariable: spec.passwordVariable)
    }
    if (spec.type == 'string') {
        return string(credentialsId: spec.credentialsId, variable: spec.variable)
    }
    return file(credentialsId: spec.credentialsId, variable: spec.variable)
}
