package io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * How {@code docker service inspect} is read. The JSON is the shape dockerd 26 prints (recorded from the real swarm of
 * {@code SwarmOrchestratorTest}): {@code PreviousSpec} lacks the defaults Swarm fills into {@code Spec}.
 */
class SwarmClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SPEC_V1 = """
            {"Name":"st_worker","Labels":{"com.docker.stack.namespace":"st"},
             "TaskTemplate":{"ContainerSpec":{"Image":"squad-swarm-fixed:1@sha256:abc","Labels":{"com.docker.stack.namespace":"st"},
               "Env":["RELEASE=6.1.0","PORT=26352"],"Privileges":{"CredentialSpec":null,"SELinuxContext":null,"NoNewPrivileges":false},
               "StopGracePeriod":10000000000,"DNSConfig":{},"Isolation":"default"},"Resources":{},
               "RestartPolicy":{"Condition":"any","Delay":5000000000,"MaxAttempts":0},"Placement":{},"ForceUpdate":0,"Runtime":"container"},
             "Mode":{"Replicated":{"Replicas":1}}}""";
    private static final String PREVIOUS_V1 = """
            {"Name":"st_worker","Labels":{"com.docker.stack.namespace":"st"},
             "TaskTemplate":{"ContainerSpec":{"Image":"squad-swarm-fixed:1","Labels":{"com.docker.stack.namespace":"st"},
               "Env":["PORT=26352","RELEASE=6.1.0"],"Privileges":{"CredentialSpec":null,"SELinuxContext":null,"NoNewPrivileges":false},
               "Isolation":"default"},"Resources":{},"Placement":{},"ForceUpdate":0,"Runtime":"container"},
             "Mode":{"Replicated":{"Replicas":1}}}""";

    @Test
    void aPreviousSpecWithoutSwarmsDefaultsIsTheSameSpecAndAnEnvironmentChangeIsNot() throws Exception {
        String spec = SwarmClient.specKey(JSON.readTree(SPEC_V1));
        assertThat(SwarmClient.specKey(JSON.readTree(PREVIOUS_V1))).isEqualTo(spec);
        assertThat(SwarmClient.specKey(JSON.readTree(PREVIOUS_V1.replace("RELEASE=6.1.0", "RELEASE=6.1.1")))).isNotEqualTo(spec);
        assertThat(SwarmClient.specKey(JSON.readTree(PREVIOUS_V1.replace("\"Replicas\":1", "\"Replicas\":3")))).isNotEqualTo(spec);
        assertThat(SwarmClient.specKey(JSON.readTree(PREVIOUS_V1.replace("\"Resources\":{}", "\"Resources\":{\"Limits\":{\"MemoryBytes\":1}}"))))
                .isNotEqualTo(spec);
    }

    @Test
    void inspectOutputIsParsedWithItsPreviousSpec() throws Exception {
        String inspect = "{\"ID\":\"x1\",\"Version\":{\"Index\":42},\"Spec\":" + SPEC_V1.replace("RELEASE=6.1.0", "RELEASE=6.1.1")
                + ",\"PreviousSpec\":" + PREVIOUS_V1 + ",\"UpdateStatus\":{\"State\":\"completed\",\"StartedAt\":\"t1\",\"Message\":\"update completed\"}}";
        SwarmClient.Service s = SwarmClient.parseService(JSON.readTree(inspect));
        assertThat(s.name()).isEqualTo("st_worker");
        assertThat(s.image()).isEqualTo("squad-swarm-fixed:1@sha256:abc");
        assertThat(s.previousImage()).isEqualTo("squad-swarm-fixed:1");
        assertThat(s.version()).isEqualTo(42);
        assertThat(s.updateState()).isEqualTo("completed");
        assertThat(s.replicas()).isEqualTo(1);
        assertThat(s.previousSpecKey()).isEqualTo(SwarmClient.specKey(JSON.readTree(SPEC_V1)));
        assertThat(s.specKey()).isNotEqualTo(s.previousSpecKey());
        SwarmClient.Service fresh = SwarmClient.parseService(JSON.readTree("{\"ID\":\"x2\",\"Version\":{\"Index\":1},\"Spec\":" + SPEC_V1 + "}"));
        assertThat(fresh.previousSpecKey()).isNull();
        assertThat(fresh.previousImage()).isNull();
        assertThat(fresh.updateState()).isNull();
    }
}
