package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;
import java.util.List;

/**
 * One colour of a service: its servers behind the router and, optionally, how to stop it once it no longer
 * receives traffic ({@code stopper} null: blueGreenSwitch never stops it).
 */
public record ColourSpec(String name, List<TrafficRouter.Upstream> servers, ColourStopper stopper) implements Serializable {
    public ColourSpec {
        servers = List.copyOf(servers);
    }
}
