package jenkins.agents;

import hudson.remoting.Callable;
import org.jenkinsci.remoting.RoleChecker;

/** Stand-in for {@code jenkins.agents.ControllerToAgentCallable}. Role checking is a no-op here (no remoting). */
public interface ControllerToAgentCallable<V, T extends Throwable> extends Callable<V, T> {
    default void checkRoles(RoleChecker checker) throws SecurityException {
    }
}
