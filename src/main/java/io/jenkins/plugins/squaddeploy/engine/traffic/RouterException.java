package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.IOException;

/** The router refused a change (its config check failed, reload failed); the previous config still serves. */
public class RouterException extends IOException {
    private static final long serialVersionUID = 1L;

    public RouterException(String message) {
        super(message);
    }

    public RouterException(String message, Throwable cause) {
        super(message, cause);
    }
}
