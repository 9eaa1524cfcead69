package io.jenkins.plugins.squaddeploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jenkins.security.MasterToSlaveCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "agent" of the harness: the serializing channel behind the workspace, the local launcher, the step context. */
class TestBuildTest {
    @TempDir
    Path tmp;

    /** Holds a thread: cannot cross a channel. */
    static final class Unserializable extends MasterToSlaveCallable<String, RuntimeException> {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("unused")
        private final Object lock = new Thread();

        @Override
        public String call() {
            return "ran";
        }
    }

    static final class Echo extends MasterToSlaveCallable<String, RuntimeException> {
        private static final long serialVersionUID = 1L;
        private final String text;

        Echo(String text) {
            this.text = text;
        }

        @Override
        public String call() {
            return text + " from the agent";
        }
    }

    @Test
    void everyCallableCrossesTheChannelAsBytes() throws Exception {
        TestBuild build = new TestBuild("job", 1, null, null, tmp);
        FilePath ws = build.workspace();
        assertThat(ws.act(new Echo("hello"))).isEqualTo("hello from the agent");
        ws.child("a.txt").write("text", "UTF-8");
        assertThat(ws.child("a.txt").readToString()).isEqualTo("text");
        assertThat(build.channel().calls()).isEqualTo(3);
        assertThatThrownBy(() -> ws.act(new Unserializable()))
                .isInstanceOf(NotSerializableException.class)
                .hasMessage("java.lang.Thread (in the callable sent to the agent)");
    }

    @Test
    void theLauncherRunsTheCommandWithEnvironmentDirectoryAndStreams() throws Exception {
        TestBuild build = new TestBuild("job", 1, null, null, tmp);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = build.launcher().launch().cmds("sh", "-c", "pwd; echo \"$GREETING\"; cat; echo oops >&2; exit 4")
                .envs(new EnvVars("GREETING", "hi")).pwd(build.workspace()).stdin(new ByteArrayInputStream("piped\n".getBytes(StandardCharsets.UTF_8)))
                .stdout(out).stderr(err).quiet(true).join();
        assertThat(code).isEqualTo(4);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(build.workspaceDir() + "\nhi\npiped\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");

        build.launcher().launch().cmds("echo", "shown").stdout(build.console()).join();
        assertThat(build.console().text()).isEqualTo("$ echo shown\nshown\n");
    }

    @Test
    void theStepContextHasTheNodeOnlyInsideOne() throws Exception {
        TestBuild build = new TestBuild("job", 3, null, null, tmp);
        EnvVars env = build.environment();
        assertThat(env).containsEntry("BUILD_NUMBER", "3").containsEntry("JOB_NAME", "job");
        TestStepContext inNode = build.context(env, true);
        assertThat(inNode.get(TaskListener.class)).isSameAs(build.console());
        assertThat(inNode.get(Run.class)).isSameAs(build.run());
        assertThat(inNode.get(FilePath.class).getRemote()).isEqualTo(build.workspaceDir().toString());
        assertThat(inNode.get(Launcher.class)).isSameAs(build.launcher());
        TestStepContext noNode = build.context(env, false);
        assertThat(noNode.get(FilePath.class)).isNull();
        assertThat(noNode.get(Launcher.class)).isNull();
        noNode.onSuccess("done");
        assertThat(noNode.outcome()).isCompletedWithValue("done");
        assertThat(noNode.saveState().isDone()).isTrue();
    }
}
