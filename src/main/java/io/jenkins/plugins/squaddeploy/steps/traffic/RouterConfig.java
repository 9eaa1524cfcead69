package io.jenkins.plugins.squaddeploy.steps.traffic;

import hudson.model.Describable;
import hudson.model.Descriptor;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import java.io.Serializable;

/**
 * The {@code router} of {@code blueGreenSwitch}: {@code nginxRouter(…)} or {@code haproxyRouter(…)}. Each only
 * translates its parameters into an engine {@link RouterSpec}; validation happens there.
 */
public abstract class RouterConfig implements Describable<RouterConfig>, Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @param parameter where the router stands in the step ({@code router}), for error messages
     * @param service   the service the step switches (HAProxy's default backend name)
     */
    public abstract RouterSpec toSpec(String parameter, String service);

    /** Base of the router descriptors, so the Snippet Generator lists them together. */
    public abstract static class RouterConfigDescriptor extends Descriptor<RouterConfig> {
    }
}
