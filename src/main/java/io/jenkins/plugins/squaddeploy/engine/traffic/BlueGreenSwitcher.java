package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;

/**
 * Switches a router to a new colour and verifies it through the router's public address; switches back
 * and fails when the new colour does not serve the expected version in time. Used by the blueGreenSwitch
 * step and by squadDeploy's blue-green strategy.
 */
public final class BlueGreenSwitcher {
    private final TrafficRouter router;
    private final ConsoleLog log;
    private final Masker masker;

    public BlueGreenSwitcher(TrafficRouter router, ConsoleLog log, Masker masker) {
        this.router = router;
        this.log = log;
        this.masker = masker == null ? new Masker() : masker;
    }

    public SwitchResult switchTo(SwitchRequest request) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
