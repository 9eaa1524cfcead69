package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Move {@code service}'s traffic to {@code toColour}, then prove it through the router's public address:
 * sample {@code publicHealthUrl} until {@code consecutiveSamples} responses in a row report
 * {@code expectedVersion} at {@code versionJsonPath}, within {@code verifyDeadline}; otherwise switch back.
 */
public record SwitchRequest(String service, String toColour, List<TrafficRouter.Upstream> upstreams, URI publicHealthUrl,
                            String expectedVersion, String versionJsonPath, Duration verifyDeadline, int consecutiveSamples)
        implements Serializable {
    public SwitchRequest {
        upstreams = List.copyOf(upstreams);
    }
}
