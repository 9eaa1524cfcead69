package jenkins;

import jenkins.agents.ControllerToAgentFileCallable;

/** Stand-in for {@code jenkins.MasterToSlaveFileCallable}: a file callable meant to run on an agent. */
public abstract class MasterToSlaveFileCallable<T> implements ControllerToAgentFileCallable<T> {
    private static final long serialVersionUID = 1L;
}
