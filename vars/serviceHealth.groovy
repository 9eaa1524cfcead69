// serviceHealth: the Squad API /health contract as one verifyHealth call (help: vars/serviceHealth.txt).
// Thin on purpose: it only checks its keys and builds the call; the verifyHealth step does all the work.

def call(Map args = [:]) {
    checkKeys('serviceHealth', args, ['url', 'postgres', 'redis', 'attempts', 'interval', 'deadline'])
    if (!args.url) {
        error "serviceHealth: 'url' is required: the service's /health endpoint, e.g. http://127.0.0.1:8000/health"
    }
    // The runbooks' contract: {"status": "healthy", "services": {"postgres": "connected", "redis": "connected"}}.
    // A degraded service answers 503 with the JSON body: verifyHealth still reads the body, so the failure
    // says what is degraded ("HTTP 503, expected 200; $.status == 'healthy' failed: actual 'degraded'").
    def checks = [httpCheck(name: 'app', url: args.url,
                            expect: ["\$.status == 'healthy'", "\$.services.* in ['connected', 'healthy']"])]
    if (args.postgres != null) {
        checkKeys('serviceHealth postgres', args.postgres, ['host', 'port', 'database', 'credentialsId'])
        checks << postgresCheck([name: 'postgres'] + args.postgres)
    }
    if (args.redis != null) {
        checkKeys('serviceHealth redis', args.redis, ['host', 'port', 'credentialsId'])
        checks << redisCheck([name: 'redis'] + args.redis)
    }
    def options = [checks: checks]
    for (String key : ['attempts', 'interval', 'deadline']) {
        if (args.containsKey(key)) {
            options[key] = args[key]
        }
    }
    return verifyHealth(options)
}

/** Fails with the accepted keys when {@code given} is not a map or has a key that is not one of them. */
def checkKeys(String where, Object given, List<String> accepted) {
    if (!(given instanceof Map)) {
        error "${where}: expected a map with the keys ${accepted.join(', ')}, got ${given}"
    }
    def keys = given.keySet() as List
    for (int i = 0; i < keys.size(); i++) {
        if (!accepted.contains(keys[i])) {
            error "${where}: unknown parameter '${keys[i]}'; accepted: ${accepted.join(', ')}"
        }
    }
}
