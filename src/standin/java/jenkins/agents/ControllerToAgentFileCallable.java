package jenkins.agents;

import hudson.FilePath;
import org.jenkinsci.remoting.RoleChecker;

/** Stand-in for {@code jenkins.agents.ControllerToAgentFileCallable}. Role checking is a no-op here (no remoting). */
public interface ControllerToAgentFileCallable<T> extends FilePath.FileCallable<T> {
    default void checkRoles(RoleChecker checker) throws SecurityException {
    }
}
