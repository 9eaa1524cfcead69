package hudson.remoting;

import java.io.Serializable;
import org.jenkinsci.remoting.RoleSensitive;

/**
 * Stand-in for remoting's {@code Callable}. The default methods {@code getChannelOrFail()} and
 * {@code getOpenChannelOrFail()} need {@code Channel}/{@code ChannelStateException}, which are not declared here.
 */
public interface Callable<V, T extends Throwable> extends Serializable, RoleSensitive {
    V call() throws T;
}
