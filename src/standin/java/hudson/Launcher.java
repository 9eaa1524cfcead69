package hudson;

import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Stand-in for {@code hudson.Launcher}: starts processes, possibly on an agent.
 * <p>Jenkins' constructors ({@code protected Launcher(TaskListener, VirtualChannel)} and
 * {@code protected Launcher(Launcher)}) are not in signatures.txt, so this class declares none. A test launcher
 * extends it (implicit constructor) and overrides {@link #getListener()} / {@link #getChannel()}; by default the
 * listener is {@link TaskListener#NULL} and the channel is {@code null} (local).
 */
public abstract class Launcher {

    private TaskListener listener = TaskListener.NULL;
    private VirtualChannel channel;

    /** Package-private wiring (Jenkins sets these in its constructors). */
    void init(TaskListener listener, VirtualChannel channel) {
        this.listener = listener;
        this.channel = channel;
    }

    public VirtualChannel getChannel() {
        return channel;
    }

    public TaskListener getListener() {
        return listener;
    }

    public final ProcStarter launch() {
        return new ProcStarter();
    }

    public abstract Proc launch(ProcStarter starter) throws IOException;

    public boolean isUnix() {
        return File.pathSeparatorChar == ':';
    }

    /** Builder for a process launch; every setter returns {@code this}. */
    public final class ProcStarter {
        private List<String> commands = new ArrayList<>();
        protected boolean[] masks;
        private boolean quiet;
        protected FilePath pwd;
        protected OutputStream stdout = OutputStream.nullOutputStream();
        protected OutputStream stderr;
        protected InputStream stdin = InputStream.nullInputStream();
        protected String[] envs;

        public ProcStarter cmds(String... args) {
            return cmds(Arrays.asList(args));
        }

        public ProcStarter cmds(File program, String... args) {
            List<String> all = new ArrayList<>(args.length + 1);
            all.add(program.getPath());
            all.addAll(Arrays.asList(args));
            return cmds(all);
        }

        public ProcStarter cmds(List<String> args) {
            commands = new ArrayList<>(args);
            return this;
        }

        public List<String> cmds() {
            return commands;
        }

        public ProcStarter masks(boolean... masks) {
            this.masks = masks;
            return this;
        }

        public boolean[] masks() {
            return masks;
        }

        public ProcStarter quiet(boolean quiet) {
            this.quiet = quiet;
            return this;
        }

        public boolean quiet() {
            return quiet;
        }

        public ProcStarter pwd(FilePath workDir) {
            this.pwd = workDir;
            return this;
        }

        public ProcStarter pwd(File workDir) {
            return pwd(new FilePath(workDir));
        }

        public ProcStarter pwd(String workDir) {
            return pwd(new File(workDir));
        }

        public FilePath pwd() {
            return pwd;
        }

        public ProcStarter stdout(OutputStream out) {
            this.stdout = out;
            return this;
        }

        public ProcStarter stdout(TaskListener out) {
            this.stdout = out.getLogger();
            return this;
        }

        public OutputStream stdout() {
            return stdout;
        }

        /** {@code null} (the default) means stderr is merged into stdout. */
        public ProcStarter stderr(OutputStream err) {
            this.stderr = err;
            return this;
        }

        public OutputStream stderr() {
            return stderr;
        }

        public ProcStarter stdin(InputStream in) {
            this.stdin = in;
            return this;
        }

        public InputStream stdin() {
            return stdin;
        }

        /** Sets the environment overrides as {@code KEY=VALUE} strings. */
        public ProcStarter envs(Map<String, String> overrides) {
            List<String> list = new ArrayList<>(overrides.size());
            for (Map.Entry<String, String> e : overrides.entrySet()) {
                list.add(e.getKey() + '=' + e.getValue());
            }
            return envs(list.toArray(new String[0]));
        }

        public ProcStarter envs(String... overrides) {
            this.envs = overrides.clone();
            return this;
        }

        public String[] envs() {
            return envs != null ? envs.clone() : new String[0];
        }

        public Proc start() throws IOException {
            return launch(this);
        }

        public int join() throws IOException, InterruptedException {
            return start().join();
        }
    }
}
