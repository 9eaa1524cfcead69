package io.jenkins.plugins.squaddeploy.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import io.jenkins.plugins.squaddeploy.pipeline.TestBuild;
import io.jenkins.plugins.squaddeploy.pipeline.TestStepContext;
import io.jenkins.plugins.squaddeploy.steps.health.HttpCheck;
import io.jenkins.plugins.squaddeploy.testbed.DockerFixture;
import io.jenkins.plugins.squaddeploy.testbed.FreePorts;
import io.jenkins.plugins.squaddeploy.testbed.Poll;
import io.jenkins.plugins.squaddeploy.testbed.SampleService;
import io.jenkins.plugins.squaddeploy.testbed.TestbedExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * verifyHealth waiting across a controller restart: the execution is serialised while it waits (as Jenkins
 * saves it), the old thread dies, and the copy read back resumes with only the time left before the deadline.
 */
@Timeout(120)
@ExtendWith(TestbedExtension.class)
class VerifyHealthResumeTest {
    @TempDir
    Path tmp;

    private static byte[] save(StepExecution e) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        return bytes.toByteArray();
    }

    private static StepExecution load(byte[] saved) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(saved))) {
            return (StepExecution) in.readObject();
        }
    }

    private VerifyHealthStep step(String url, int deadline) {
        HttpCheck check = new HttpCheck(url);
        check.setName("api");
        check.setExpect(List.of("$.status == 'healthy'"));
        VerifyHealthStep step = new VerifyHealthStep(List.of(check));
        step.setAttempts(1000);
        step.setInterval(1);
        step.setTimeout(1);
        step.setDeadline(deadline);
        return step;
    }

    @Test
    void resumesAfterRestartAndPassesOnceTheServiceIsUp() throws Exception {
        int port = FreePorts.next();
        TestBuild before = new TestBuild("resume", 1, null, System.out, tmp.resolve("before"));
        TestStepContext first = before.context(new EnvVars(), true);
        StepExecution running = step("http://127.0.0.1:" + port + "/health", 60).start(first);
        assertThat(running.start()).as("asynchronous: the CPS thread is not held").isFalse();
        Poll.until("first failed attempt", Duration.ofSeconds(20), () -> before.console().text().contains("verifyHealth: 1 check(s)"));
        byte[] saved = save(running);
        running.stop(new InterruptedException("controller shutting down"));

        TestBuild after = new TestBuild("resume", 1, null, System.out, tmp.resolve("after"));
        TestStepContext resumed = after.context(new EnvVars(), true);
        first.resumeAs(resumed);
        StepExecution restored = load(saved);
        try (SampleService api = SampleService.run(DockerFixture.get(), "3.1.0", port, Map.of())) {
            restored.onResume();
            Object result = resumed.outcome().get(60, TimeUnit.SECONDS);
            assertThat(result).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) result).get("healthy")).isEqualTo(true);
            assertThat(after.console().text()).contains("verifyHealth: all 1 check(s) passed");
        }
    }

    @Test
    void failsSayingSoWhenTheDeadlinePassedDuringTheRestart() throws Exception {
        TestBuild before = new TestBuild("resume", 2, null, System.out, tmp.resolve("before"));
        TestStepContext first = before.context(new EnvVars(), true);
        StepExecution running = step("http://127.0.0.1:" + FreePorts.next() + "/health", 2).start(first);
        running.start();
        byte[] saved = save(running);
        running.stop(new InterruptedException("controller shutting down"));
        assertThatThrownBy(() -> first.outcome().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        long savedAt = System.nanoTime();
        Poll.until("the 2 s deadline to pass", Duration.ofSeconds(10), () -> System.nanoTime() - savedAt > TimeUnit.MILLISECONDS.toNanos(2100));
        TestBuild after = new TestBuild("resume", 2, null, System.out, tmp.resolve("after"));
        TestStepContext resumed = after.context(new EnvVars(), true);
        first.resumeAs(resumed);
        load(saved).onResume();
        assertThatThrownBy(() -> resumed.outcome().get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(AbortException.class)
                .hasMessage("verifyHealth: the deadline of 2 s passed while Jenkins was restarting");
    }
}
