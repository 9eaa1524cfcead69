package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchRequest;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stands in for the router and the switcher (blueGreenSwitch's engine, tested on its own with real nginx and
 * HAProxy): remembers the live colour and every handover, and runs a check at the moment of each handover, so a
 * test can prove what was true before traffic moved.
 */
final class RecordingRouter implements TrafficRouter {
    volatile String active;
    final List<SwitchRequest> handovers = Collections.synchronizedList(new ArrayList<>());
    volatile Runnable atHandover = () -> { };

    @Override
    public String kind() {
        return "recording";
    }

    @Override
    public String activeColour() {
        return active;
    }

    @Override
    public void route(String colour, List<Upstream> upstreams) {
        active = colour;
    }

    @Override
    public void restorePrevious() {
    }

    SquadDeployer.Handover handover() {
        return r -> {
            atHandover.run();
            handovers.add(r);
            String from = active;
            route(r.toColour(), r.upstreams());
            return new SwitchResult(from, r.toColour(), Instant.now(), 1);
        };
    }
}
