package hudson;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Stand-in for {@code hudson.Proc}: a running process started through a {@link Launcher}. */
public abstract class Proc {
    protected Proc() {
    }

    public abstract boolean isAlive() throws IOException, InterruptedException;

    public abstract void kill() throws IOException, InterruptedException;

    public abstract int join() throws IOException, InterruptedException;

    public abstract InputStream getStdout();

    public abstract InputStream getStderr();

    public abstract OutputStream getStdin();
}
