package io.jenkins.plugins.squaddeploy.engine.health;

import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One health check, validated and ready to run. Built by {@link CheckSpecs} from step or CLI
 * parameters; serialisable because the Jenkins adapter sends network checks to the agent.
 */
public sealed interface CheckSpec extends Serializable {
    /** The name shown in progress lines, the result table and error messages. */
    String name();

    /** http, tcp, postgres, redis or command. */
    String kind();

    /** Where the check goes, without any secret (e.g. {@code http://127.0.0.1:8080/health}). */
    String target();

    /** The credential this check uses, or null. */
    default Credential credential() {
        return null;
    }

    record Http(String name, URI url, Set<Integer> expectedStatus, List<JsonExpectation> expectations,
                Map<String, String> headers, Credential credential, int maxBodyBytes) implements CheckSpec {
        public Http {
            expectedStatus = Set.copyOf(expectedStatus);
            expectations = List.copyOf(expectations);
            headers = Map.copyOf(headers);
        }

        @Override
        public String kind() {
            return "http";
        }

        @Override
        public String target() {
            return url.toString();
        }
    }

    record Tcp(String name, String host, int port) implements CheckSpec {
        @Override
        public String kind() {
            return "tcp";
        }

        @Override
        public String target() {
            return host + ":" + port;
        }
    }

    record Postgres(String name, String host, int port, String database, Credential credential) implements CheckSpec {
        @Override
        public String kind() {
            return "postgres";
        }

        @Override
        public String target() {
            return "postgresql://" + host + ":" + port + "/" + database;
        }
    }

    record Redis(String name, String host, int port, Credential credential) implements CheckSpec {
        @Override
        public String kind() {
            return "redis";
        }

        @Override
        public String target() {
            return "redis://" + host + ":" + port;
        }
    }

    /**
     * An instant PromQL query through Prometheus' HTTP API, compared with {@code min} and/or {@code max}.
     * {@code noData} says what an empty result (or NaN, e.g. no traffic in a rate) counts as.
     */
    record Prometheus(String name, URI server, String query, Double min, Double max, NoData noData,
                      Credential credential) implements CheckSpec {
        public enum NoData { FAIL, PASS, INCONCLUSIVE }

        @Override
        public String kind() {
            return "prometheus";
        }

        @Override
        public String target() {
            return server + " " + query;
        }

        /** The thresholds as a person reads them, e.g. {@code <= 0.05}. */
        public String threshold() {
            if (min != null && max != null) {
                return "between " + Probes.number(min) + " and " + Probes.number(max);
            }
            return max != null ? "<= " + Probes.number(max) : ">= " + Probes.number(min);
        }
    }

    record Command(String name, List<String> argv, Map<String, String> env) implements CheckSpec {
        public Command {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }

        @Override
        public String kind() {
            return "command";
        }

        @Override
        public String target() {
            return String.join(" ", argv);
        }
    }
}
