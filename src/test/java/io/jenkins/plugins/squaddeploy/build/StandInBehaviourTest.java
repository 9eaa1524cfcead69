package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.TestCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.model.Action;
import hudson.model.InvisibleAction;
import hudson.model.Job;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import hudson.util.FormValidation;
import hudson.util.Secret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jenkins.MasterToSlaveFileCallable;
import jenkins.model.RunAction2;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.StepExecutions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in's bodies work well enough for local step tests (no Jenkins controller). */
class StandInBehaviourTest {

    @TempDir
    Path tmp;

    @AfterEach
    void clearCredentials() {
        TestCredentials.clear();
    }

    // ------------------------------------------------------------------------------------------ hudson

    @Test
    void envVarsExpandsAndOverridesLikeJenkins() {
        EnvVars env = new EnvVars("HOME", "/home/squad", "PATH", "/usr/bin");
        assertThat(env.get("home")).as("case-insensitive").isEqualTo("/home/squad");
        assertThat(env.expand("${HOME}/x $HOME $$HOME $MISSING")).isEqualTo("/home/squad/x /home/squad $HOME $MISSING");
        env.override("PATH+TOOLS", "/opt/tools");
        assertThat(env.get("PATH")).isEqualTo("/opt/tools" + File.pathSeparator + "/usr/bin");
        env.overrideAll(java.util.Map.of("HOME", ""));
        assertThat(env).doesNotContainKey("HOME");
        env.putIfNotNull("A", null);
        assertThat(env.get("A", "dflt")).isEqualTo("dflt");
        assertThatThrownBy(() -> env.put("B", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void filePathWorksLocally() throws Exception {
        FilePath ws = new FilePath(tmp.toFile());
        FilePath file = ws.child("a/./b/../c/report.txt");
        assertThat(file.getRemote()).isEqualTo(tmp.resolve("a/c/report.txt").toString());
        assertThat(file.getName()).isEqualTo("report.txt");
        assertThat(file.getParent().getRemote()).isEqualTo(tmp.resolve("a/c").toString());
        assertThat(file.exists()).isFalse();
        file.write("héllo", "UTF-8");
        assertThat(file.exists()).isTrue();
        assertThat(file.length()).isEqualTo(6);
        try (InputStream in = file.read()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        }
        try (OutputStream out = ws.child("d/e.bin").write()) {
            out.write(new byte[] {1, 2, 3});
        }
        assertThat(ws.list()).extracting(FilePath::getName).containsExactly("a", "d");
        assertThat(ws.child("a").isDirectory()).isTrue();
        FilePath tempFile = ws.createTempFile("pre", ".txt");
        assertThat(tempFile.getName()).startsWith("pre").endsWith(".txt");
        FilePath tempDir = ws.createTempDir("work", null);
        assertThat(tempDir.getName()).startsWith("work.tmp");
        assertThat(tempDir.isDirectory()).isTrue();
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        file.copyTo(copy);
        assertThat(copy.toString(StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(file.delete()).isTrue();
        ws.child("a").deleteRecursive();
        assertThat(ws.child("a").exists()).isFalse();
        assertThat(new FilePath(new File("/")).getParent()).isNull();
    }

    /** A channel that serializes every callable, like remoting does between controller and agent. */
    static final class SerializingChannel implements VirtualChannel {
        int calls;

        @Override
        @SuppressWarnings("unchecked")
        public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T, InterruptedException {
            calls++;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(callable);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return ((Callable<V, T>) in.readObject()).call();
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void close() {
        }

        @Override
        public void join() {
        }

        @Override
        public void join(long timeout) {
        }

        @Override
        public <T> T export(Class<T> type, T instance) {
            return instance;
        }

        @Override
        public void syncLocalIO() {
        }
    }

    static final class Touch extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String invoke(File f, VirtualChannel channel) throws IOException {
            Files.writeString(f.toPath(), "touched");
            return f.getName();
        }
    }

    static final class Interrupted extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;

        @Override
        public Void invoke(File f, VirtualChannel channel) throws InterruptedException {
            throw new InterruptedException("stop");
        }
    }

    @Test
    void filePathGoesThroughTheChannel() throws Exception {
        SerializingChannel agent = new SerializingChannel();
        FilePath ws = new FilePath(agent, tmp.toString());
        assertThat(ws.child("t.txt").act(new Touch())).isEqualTo("t.txt");
        assertThat(Files.readString(tmp.resolve("t.txt"))).isEqualTo("touched");
        try (OutputStream out = ws.child("sub/w.txt").write()) {
            out.write("remote".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(ws.child("sub/w.txt").readToString()).isEqualTo("remote");
        assertThat(ws.child("sub").list()).extracting(FilePath::getName).containsExactly("w.txt");
        assertThat(agent.calls).isGreaterThanOrEqualTo(4);
        assertThatThrownBy(() -> ws.act(new Interrupted())).isInstanceOf(InterruptedException.class);
    }

    @Test
    void launcherHandsTheStarterToLaunch() throws Exception {
        List<Launcher.ProcStarter> started = new ArrayList<>();
        Launcher launcher = new Launcher() {
            @Override
            public Proc launch(ProcStarter starter) {
                started.add(starter);
                return new Proc() {
                    @Override
                    public boolean isAlive() {
                        return false;
                    }

                    @Override
                    public void kill() {
                    }

                    @Override
                    public int join() {
                        return 3;
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
                };
            }
        };
        assertThat(launcher.getListener()).isSameAs(TaskListener.NULL);
        int code = launcher.launch().cmds("kubectl", "apply").envs(java.util.Map.of("K", "V")).pwd(tmp.toFile())
                .quiet(true).masks(false, true).join();
        assertThat(code).isEqualTo(3);
        Launcher.ProcStarter s = started.get(0);
        assertThat(s.cmds()).containsExactly("kubectl", "apply");
        assertThat(s.envs()).containsExactly("K=V");
        assertThat(s.pwd().getRemote()).isEqualTo(tmp.toString());
        assertThat(s.quiet()).isTrue();
        assertThat(s.masks()).containsExactly(false, true);
        assertThat(s.stderr()).as("null = merged into stdout").isNull();
    }

    @Test
    void taskListenerErrorsArePrefixed() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        TaskListener listener = () -> ps;
        listener.error("bad %s", "thing");
        listener.fatalError("worse");
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("ERROR: bad thing\nFATAL: worse\n".replace("\n", System.lineSeparator()));
    }

    // ------------------------------------------------------------------------------------------ hudson.model / util

    static final class TestJob extends Job<TestJob, TestRun> {
        TestRun last;

        @Override
        public String getName() {
            return "deploy";
        }

        @Override
        public TestRun getLastBuild() {
            return last;
        }
    }

    static final class TestRun extends Run<TestJob, TestRun> {
        final TestJob job;
        final int number;
        final TestRun previous;
        boolean building = true;

        TestRun(TestJob job, int number, TestRun previous) {
            this.job = job;
            this.number = number;
            this.previous = previous;
        }

        @Override
        public TestJob getParent() {
            return job;
        }

        @Override
        public int getNumber() {
            return number;
        }

        @Override
        public TestRun getPreviousBuild() {
            return previous;
        }

        @Override
        public boolean isBuilding() {
            return building;
        }
    }

    static final class Attached extends InvisibleAction implements RunAction2 {
        Run<?, ?> attachedTo;

        @Override
        public void onAttached(Run<?, ?> r) {
            attachedTo = r;
        }

        @Override
        public void onLoad(Run<?, ?> r) {
        }
    }

    @Test
    void runsAndJobsWorkFromOverriddenGetters() throws Exception {
        TestJob job = new TestJob();
        TestRun first = new TestRun(job, 1, null);
        first.setResult(Result.UNSTABLE);
        first.building = false;
        TestRun second = new TestRun(job, 2, first);
        job.last = second;

        second.setResult(Result.FAILURE);
        second.setResult(Result.SUCCESS);
        assertThat(second.getResult()).as("can only get worse").isSameAs(Result.FAILURE);
        assertThat(job.getLastSuccessfulBuild()).isSameAs(first);
        assertThat(job.getBuildByNumber(1)).isSameAs(first);
        assertThat(second.getPreviousSuccessfulBuild()).as("UNSTABLE is not SUCCESS").isNull();
        assertThat(second.getFullDisplayName()).isEqualTo("deploy #2");
        assertThat(second.getExternalizableId()).isEqualTo("deploy#2");
        assertThat(second.getUrl()).isEqualTo("job/deploy/2/");
        assertThat(second.getRootDir()).isDirectory();
        assertThat(second.getEnvironment(TaskListener.NULL)).containsEntry("BUILD_NUMBER", "2")
                .containsEntry("JOB_NAME", "deploy").containsEntry("BUILD_TAG", "jenkins-deploy-2");
        assertThatThrownBy(() -> first.setResult(Result.FAILURE)).isInstanceOf(IllegalStateException.class);

        Attached action = new Attached();
        second.addAction(action);
        assertThat(action.attachedTo).isSameAs(second);
        Attached replacement = new Attached();
        assertThat(second.addOrReplaceAction(replacement)).isTrue();
        assertThat(second.getActions(Attached.class)).containsExactly(replacement);
        assertThat(second.getAction(Attached.class)).isSameAs(replacement);
        assertThat(second.removeAction(replacement)).isTrue();
        assertThat(second.getAllActions()).isEmpty();
        Action nothing = second.getAction(Attached.class);
        assertThat(nothing).isNull();
    }

    @Test
    void resultOrderingAndSerialization() throws Exception {
        assertThat(Result.combine(Result.UNSTABLE, Result.FAILURE)).isSameAs(Result.FAILURE);
        assertThat(Result.SUCCESS.isBetterThan(Result.UNSTABLE)).isTrue();
        assertThat(Result.fromString("aborted")).isSameAs(Result.ABORTED);
        assertThat(Result.fromString("nonsense")).isSameAs(Result.FAILURE);
        assertThat(Result.NOT_BUILT.isCompleteBuild()).isFalse();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(Result.UNSTABLE);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isSameAs(Result.UNSTABLE);
        }
    }

    @Test
    void secretsRoundTripAndDoNotPrintThemselves() {
        Secret s = Secret.fromString("hunter2");
        assertThat(s.getPlainText()).isEqualTo("hunter2");
        assertThat(s.getEncryptedValue()).doesNotContain("hunter2");
        assertThat(Secret.fromString(s.getEncryptedValue()).getPlainText()).isEqualTo("hunter2");
        assertThat(Secret.toString(null)).isEmpty();
        assertThatThrownBy(() -> String.valueOf(s)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void formValidationEscapesMessages() {
        FormValidation v = FormValidation.error("bad <value>");
        assertThat(v.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(v.getMessage()).isEqualTo("bad &lt;value&gt;");
        assertThat(v.renderHtml()).isEqualTo("<div class=\"error\">bad &lt;value&gt;</div>");
        assertThat(FormValidation.warning((String) null)).isSameAs(FormValidation.ok());
    }

    @Test
    void credentialsAreFoundByIdAndType() {
        TestCredentials.add(new TestCredentials.UsernamePassword("db", "admin", "s3cret"));
        TestCredentials.add(new TestCredentials.StringSecret("token", "abc"));
        TestRun run = new TestRun(new TestJob(), 1, null);
        StandardUsernamePasswordCredentials db =
                CredentialsProvider.findCredentialById(" db ", StandardUsernamePasswordCredentials.class, run);
        assertThat(db.getPassword().getPlainText()).isEqualTo("s3cret");
        assertThat(db.toString()).doesNotContain("s3cret");
        assertThat(CredentialsProvider.findCredentialById("db", StringCredentials.class, run)).isNull();
        assertThat(CredentialsProvider.findCredentialById("nope", StringCredentials.class, run)).isNull();
        assertThat(CredentialsProvider.findCredentialById("token", StringCredentials.class, run).getSecret()
                .getPlainText()).isEqualTo("abc");
    }

    // ------------------------------------------------------------------------------------------ workflow steps

    /** Records the outcome of a step. */
    static final class RecordingContext extends StepContext {
        private static final long serialVersionUID = 1L;
        final transient CompletableFuture<Object> outcome = new CompletableFuture<>();

        @Override
        public <T> T get(Class<T> key) {
            return null;
        }

        @Override
        public void onSuccess(Object result) {
            outcome.complete(result);
        }

        @Override
        public void onFailure(Throwable t) {
            outcome.completeExceptionally(t);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public ListenableFuture<Void> saveState() {
            return Futures.immediateFuture(null);
        }

        @Override
        public void setResult(Result r) {
        }

        @Override
        public BodyInvoker newBodyInvoker() {
            throw new IllegalStateException("no body");
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        Throwable failure() throws InterruptedException {
            try {
                outcome.get(10, TimeUnit.SECONDS);
                throw new AssertionError("expected a failure");
            } catch (java.util.concurrent.ExecutionException e) {
                return e.getCause();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no outcome", e);
            }
        }
    }

    public static final class EchoStep extends Step {
        @Override
        public StepExecution start(StepContext context) {
            return StepExecutions.synchronousNonBlocking(context, c -> "echo:" + Thread.currentThread().isDaemon());
        }

        @Extension
        public static final class DescriptorImpl extends StepDescriptor {
            @Override
            public Set<? extends Class<?>> getRequiredContext() {
                return Set.of(TaskListener.class);
            }

            @Override
            public String getFunctionName() {
                return "echoSquad";
            }
        }
    }

    public static final class NoDescriptorStep extends Step {
        @Override
        public StepExecution start(StepContext context) {
            return null;
        }
    }

    @Test
    void stepsFindTheirExtensionDescriptorAndRunInTheBackground() throws Exception {
        EchoStep step = new EchoStep();
        assertThat(step.getDescriptor().getFunctionName()).isEqualTo("echoSquad");
        assertThat(step.getDescriptor().getDisplayName()).isEqualTo("EchoStep");
        assertThatThrownBy(() -> new NoDescriptorStep().getDescriptor())
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("no Jenkins here");
        RecordingContext context = new RecordingContext();
        assertThat(step.start(context).start()).as("asynchronous").isFalse();
        assertThat(context.outcome.get(10, TimeUnit.SECONDS)).isEqualTo("echo:true");
        assertThat(context.hasBody()).isFalse();
    }

    static final class BlockingExecution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        final transient CountDownLatch running = new CountDownLatch(1);
        final transient CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

        BlockingExecution(StepContext context) {
            super(context);
        }

        @Override
        public boolean start() {
            run(() -> {
                running.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                    throw e;
                }
            });
            return false;
        }
    }

    @Test
    void generalNonBlockingExecutionReportsFailuresAndStops() throws Exception {
        RecordingContext failing = new RecordingContext();
        GeneralNonBlockingStepExecution boom = new GeneralNonBlockingStepExecution(failing) {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean start() {
                run(() -> {
                    throw new IOException("boom");
                });
                return false;
            }
        };
        boom.start();
        assertThat(failing.failure()).isInstanceOf(IOException.class).hasMessage("boom");

        RecordingContext stopped = new RecordingContext();
        BlockingExecution execution = new BlockingExecution(stopped);
        execution.start();
        assertThat(execution.running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(execution.getStatus()).startsWith("running in thread: ");
        Exception cause = new Exception("aborted by user");
        execution.stop(cause);
        assertThat(stopped.failure()).isSameAs(cause);
        assertThat(execution.interrupted.get(10, TimeUnit.SECONDS)).isTrue();
    }
}
