package io.jenkins.plugins.squaddeploy.steps.deploy;

import hudson.model.Describable;
import hudson.model.Descriptor;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import java.io.Serializable;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Where squadDeploy releases to: {@code composeTarget(...)} or {@code dockerTarget(...)}. Each only passes its
 * parameters on to the engine's {@link DeployRequest.Builder}; validation happens there. Both take the ports of
 * the instances (host networking gives every instance its own port) and the variable that tells the container its port.
 */
public abstract class DeployTarget implements Describable<DeployTarget>, Serializable {
    private static final long serialVersionUID = 1L;

    private String ports;
    private String portVariable = DeployRequest.DEFAULT_PORT_VARIABLE;

    public String getPorts() {
        return ports;
    }

    /** blueGreen {@code 'blue=8001,green=8002'}, rolling {@code '8001-8004'}, recreate {@code '8001'} or nothing. */
    @DataBoundSetter
    public void setPorts(String ports) {
        this.ports = ports == null || ports.isBlank() ? null : ports.strip();
    }

    public String getPortVariable() {
        return portVariable;
    }

    @DataBoundSetter
    public void setPortVariable(String portVariable) {
        this.portVariable = portVariable == null || portVariable.isBlank() ? DeployRequest.DEFAULT_PORT_VARIABLE : portVariable.strip();
    }

    /** Puts this target's parameters into the request. */
    public void applyTo(DeployRequest.Builder b) {
        b.ports(ports).portVariable(portVariable);
        applyOwn(b);
    }

    protected abstract void applyOwn(DeployRequest.Builder b);

    /** Base of the target descriptors, so the Snippet Generator lists them together. */
    public abstract static class DeployTargetDescriptor extends Descriptor<DeployTarget> {
    }
}
