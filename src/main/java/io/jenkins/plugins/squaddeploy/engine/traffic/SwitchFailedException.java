package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.IOException;

/**
 * The new colour did not serve the expected version through the router in time. The message says what the
 * samples saw and whether traffic was switched back ({@link #switchedBack()}); when switching back failed too,
 * it says so first, because then a person has to act.
 */
public class SwitchFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean switchedBack;

    public SwitchFailedException(String message, boolean switchedBack) {
        super(message);
        this.switchedBack = switchedBack;
    }

    public boolean switchedBack() {
        return switchedBack;
    }
}
