package io.jenkins.plugins.squaddeploy.pipeline;

import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The "agent's" launcher: runs each {@link Launcher.ProcStarter} for real with {@link ProcessBuilder} on this
 * machine. As Jenkins' local launcher does, the process inherits this JVM's environment overlaid by
 * {@code envs()}, runs in {@code pwd()}, gets {@code stdin()} (then end of input), and its output is copied to
 * {@code stdout()}, with stderr merged into it unless {@code stderr()} is set. Unless {@code quiet}, the command line
 * is printed as {@code $ cmd args} (masked elements as {@code ********}).
 */
public final class LocalLauncher extends Launcher {
    private final TaskListener listener;
    private final VirtualChannel channel;

    LocalLauncher(TaskListener listener, VirtualChannel channel) {
        this.listener = listener;
        this.channel = channel;
    }

    @Override
    public TaskListener getListener() {
        return listener;
    }

    @Override
    public VirtualChannel getChannel() {
        return channel;
    }

    @Override
    public Proc launch(ProcStarter starter) throws IOException {
        List<String> cmds = starter.cmds();
        if (cmds.isEmpty()) {
            throw new IOException("no command to launch");
        }
        if (!starter.quiet()) {
            listener.getLogger().println("$ " + display(cmds, starter.masks()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmds);
        Map<String, String> env = pb.environment();
        for (String kv : starter.envs()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        FilePath pwd = starter.pwd();
        if (pwd != null) {
            pb.directory(new File(pwd.getRemote()));
        }
        OutputStream err = starter.stderr();
        pb.redirectErrorStream(err == null);
        Process p = pb.start();
        return new LocalProc(p, starter.stdin(), starter.stdout(), err, String.join(" ", cmds));
    }

    private static String display(List<String> cmds, boolean[] masks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cmds.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(masks != null && i < masks.length && masks[i] ? "********" : cmds.get(i));
        }
        return sb.toString();
    }

    /** A running local process and the threads that copy its streams. */
    static final class LocalProc extends Proc {
        private final Process process;
        private final Thread in;
        private final Thread out;
        private final Thread err;

        LocalProc(Process process, InputStream stdin, OutputStream stdout, OutputStream stderr, String name) {
            this.process = process;
            this.in = pump(stdin, process.getOutputStream(), true, "stdin of " + name);
            this.out = pump(process.getInputStream(), stdout, false, "stdout of " + name);
            this.err = stderr == null ? null : pump(process.getErrorStream(), stderr, false, "stderr of " + name);
        }

        private static Thread pump(InputStream from, OutputStream to, boolean closeTo, String name) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    if (from != null) {
                        int n;
                        while ((n = from.read(buf)) >= 0) {
                            if (to != null) {
                                to.write(buf, 0, n);
                                to.flush();
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended or was killed; join() reports the exit code
                } finally {
                    if (closeTo) {
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // nothing more to send
                        }
                    }
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void kill() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            drain();
        }

        @Override
        public int join() throws InterruptedException {
            int code = process.waitFor();
            drain();
            return code;
        }

        /** Waits at most {@code nanos} for the process to end; true if it did (its output is then fully copied). */
        boolean join(long nanos) throws InterruptedException {
            if (!process.waitFor(nanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
            drain();
            return true;
        }

        int exitValue() {
            return process.exitValue();
        }

        private void drain() throws InterruptedException {
            out.join(TimeUnit.SECONDS.toMillis(10));
            if (err != null) {
                err.join(TimeUnit.SECONDS.toMillis(10));
            }
            in.interrupt();
        }

        @Override
        public InputStream getStdout() {
            return null;
        }

        @Override
        public InputStream getStderr() {
            return null;
        }

        @Override
        public OutputStream getStdin() {
            return null;
        }
    }
}
