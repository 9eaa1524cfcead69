package hudson.remoting;

import java.io.IOException;

/**
 * Stand-in for remoting's {@code VirtualChannel}.
 * <p>{@code callAsync} is left out: in remoting it returns {@code hudson.remoting.Future} (same package, not
 * {@code java.util.concurrent.Future}), a type that is not part of the stand-in.
 */
public interface VirtualChannel {
    <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T, InterruptedException;

    void close() throws IOException;

    void join() throws InterruptedException;

    void join(long timeout) throws InterruptedException;

    <T> T export(Class<T> type, T instance);

    void syncLocalIO() throws InterruptedException;
}
