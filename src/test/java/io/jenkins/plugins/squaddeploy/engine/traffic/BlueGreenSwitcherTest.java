package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The switch's logic with a scripted router and scripted samples: what happens on every path, and what it says. */
@Timeout(30)
class BlueGreenSwitcherTest {

    /** A router that records calls and can be told to fail. */
    static final class FakeRouter implements TrafficRouter {
        String active = "blue";
        String previous;
        final List<String> calls = new ArrayList<>();
        IOException routeFails;
        IOException restoreFails;

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public String activeColour() {
            return active;
        }

        @Override
        public void route(String colour, List<Upstream> upstreams) throws IOException {
            calls.add("route " + colour + " " + upstreams);
            if (routeFails != null) {
                throw routeFails;
            }
            previous = active;
            active = colour;
        }

        @Override
        public void restorePrevious() throws IOException {
            calls.add("restore");
            if (restoreFails != null) {
                throw restoreFails;
            }
            active = previous;
        }
    }

    /** Samples answered from a script; the last entry repeats. */
    static final class Samples extends LocalRouterHostStub {
        final Deque<Supplier<VersionSample>> script = new ArrayDeque<>();
        int count;

        Samples then(int times, VersionSample s) {
            for (int i = 0; i < times; i++) {
                script.add(() -> s);
            }
            return this;
        }

        @Override
        public VersionSample sample(String url, String versionPath, Duration timeout) throws InterruptedException {
            count++;
            Supplier<VersionSample> next = script.size() > 1 ? script.poll() : script.peek();
            return next.get();
        }
    }

    /** Only sampling is used by the switcher; the rest must not be called. */
    abstract static class LocalRouterHostStub implements RouterHost {
        @Override
        public String readFile(String path) {
            throw new AssertionError("not used");
        }

        @Override
        public FileBackup installFile(String path, String content) {
            throw new AssertionError("not used");
        }

        @Override
        public void restoreFiles(String path, FileBackup backup) {
            throw new AssertionError("not used");
        }

        @Override
        public String adminCommand(String socket, String command, Duration timeout) {
            throw new AssertionError("not used");
        }
    }

    static final VersionSample OLD = new VersionSample(200, "1.0.0", null, 1);
    static final VersionSample NEW = new VersionSample(200, "2.0.0", null, 1);
    static final VersionSample SICK = new VersionSample(503, "2.0.0", null, 1);

    private static SwitchRequest request(int deadlineMillis, int samples) {
        return new SwitchRequest("api", "green", List.of(new TrafficRouter.Upstream("127.0.0.1", 8002)), URI.create("http://127.0.0.1:8080/health"),
                "2.0.0", "$.version", Duration.ofMillis(deadlineMillis), samples);
    }

    @Test
    void oldAnswersDuringTheReloadResetTheCountUntilEnoughNewOnesFollow() throws Exception {
        FakeRouter router = new FakeRouter();
        Samples samples = new Samples().then(3, OLD).then(2, NEW).then(1, OLD).then(5, NEW);
        RecordingLog log = new RecordingLog();
        Instant stepStart = Instant.now().minusMillis(1500);

        SwitchResult r = new BlueGreenSwitcher(router, samples, log, new Masker()).switchTo(request(10_000, 5),
                SwitchOptions.defaults().withStartedAt(stepStart).withSettle(Duration.ZERO));

        assertThat(r.from()).isEqualTo("blue");
        assertThat(r.to()).isEqualTo("green");
        assertThat(r.switchMillis()).as("counted from the step's start").isGreaterThanOrEqualTo(1500);
        assertThat(samples.count).isEqualTo(11);
        assertThat(router.calls).containsExactly("route green [127.0.0.1:8002]");
        assertThat(log.text()).contains("now served by green: 5 sample(s) in a row reported 2.0.0 (11 sample(s)");
    }

    /**
     * nginx after a graceful reload: new workers answer at once, but for a moment an old worker still accepts a new
     * connection and answers from the old colour. Quick samples would all have reached new workers and called the
     * switch verified; paced over the settle time, the old answer is seen, resets the count, and the switch is
     * verified only by a run that starts after the old workers stopped.
     */
    @Test
    void aSwitchIsVerifiedOnlyByARunThatSpansTheSettleTimeSoAnOldWorkerIsSeen() throws Exception {
        long[] first = {0};
        java.util.List<String> seen = new java.util.ArrayList<>();
        RouterHost sampler = new LocalRouterHostStub() {
            @Override
            public VersionSample sample(String url, String versionPath, Duration timeout) {
                long now = System.nanoTime();
                if (first[0] == 0) {
                    first[0] = now;
                }
                long ms = (now - first[0]) / 1_000_000;
                VersionSample s = ms >= 80 && ms < 180 ? OLD : NEW; // an old worker accepts between 80 and 180 ms
                seen.add(s.version());
                return s;
            }
        };
        long t0 = System.nanoTime();
        SwitchResult r = new BlueGreenSwitcher(new FakeRouter(), sampler, new RecordingLog(), new Masker()).switchTo(request(10_000, 5),
                SwitchOptions.defaults().withSettle(NginxRouter.SETTLE));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.switched()).isTrue();
        assertThat(seen).as("the old worker's answer was sampled").contains("1.0.0");
        assertThat(seen.subList(seen.lastIndexOf("1.0.0") + 1, seen.size())).as("the verifying run came after it").hasSizeGreaterThanOrEqualTo(5)
                .containsOnly("2.0.0");
        assertThat(elapsedMs).as("a run of 0.3 s that started after the old worker's last answer").isGreaterThanOrEqualTo(180 + 300);

        // the same without a settle time: five quick samples all reach new workers, and the old worker is never seen
        seen.clear();
        first[0] = 0;
        new BlueGreenSwitcher(new FakeRouter(), sampler, new RecordingLog(), new Masker()).switchTo(request(10_000, 5),
                SwitchOptions.defaults().withSettle(Duration.ZERO));
        assertThat(seen).containsOnly("2.0.0").hasSize(5);
    }

    @Test
    void theFailureSaysWhatTheSamplesSawMostCommonFirstAndTrafficGoesBack() {
        FakeRouter router = new FakeRouter();
        Samples samples = new Samples().then(2, OLD).then(2, NEW).then(1, new VersionSample(0, null, "connection refused (127.0.0.1:8080)", 0))
                .then(1, SICK);
        RecordingLog log = new RecordingLog();

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, samples, log, new Masker()).switchTo(request(300, 3),
                SwitchOptions.defaults().withProgressEvery(Duration.ofMillis(100)).withSettle(Duration.ZERO)))
                .isInstanceOf(SwitchFailedException.class)
                .hasMessageMatching("blueGreenSwitch: api: green did not serve 2\\.0\\.0 through http://127\\.0\\.0\\.1:8080/health within 0\\.3 s: "
                        + "\\d+ of \\d+ sample\\(s\\) answered HTTP 503 version '2\\.0\\.0', 2 answered HTTP 200 version '1\\.0\\.0', "
                        + "1 got connection refused \\(127\\.0\\.0\\.1:8080\\); 2 reported 2\\.0\\.0 with HTTP 2xx \\(at most 2 in a row, 3 needed\\)\\. "
                        + "Switched back to blue\\.")
                .satisfies(e -> assertThat(((SwitchFailedException) e).switchedBack()).isTrue());
        assertThat(router.calls).containsExactly("route green [127.0.0.1:8002]", "restore");
        assertThat(router.active).isEqualTo("blue");
        assertThat(log.text()).contains("verifying green: 0/3 in a row report 2.0.0");
    }

    @Test
    void whenSwitchingBackFailsTooTheMessageSaysSoFirst() {
        FakeRouter router = new FakeRouter();
        router.restoreFails = new RouterException("nginx -s reload failed: exit 1");
        Samples samples = new Samples().then(1, SICK);

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, samples, new RecordingLog(), new Masker()).switchTo(request(100, 3)))
                .isInstanceOf(SwitchFailedException.class)
                .hasMessageContaining("SWITCHING BACK TO blue FAILED: nginx -s reload failed: exit 1 — the router may still send traffic to the new colour")
                .satisfies(e -> assertThat(((SwitchFailedException) e).switchedBack()).isFalse());
    }

    @Test
    void aRouterThatRefusesTheChangeIsNotSwitchedBack() {
        FakeRouter router = new FakeRouter();
        router.routeFails = new RouterException("nginx -t rejected the configuration");

        assertThatThrownBy(() -> new BlueGreenSwitcher(router, new Samples().then(1, NEW), new RecordingLog(), new Masker()).switchTo(request(1000, 1)))
                .isInstanceOf(RouterException.class).hasMessage("nginx -t rejected the configuration");
        assertThat(router.calls).containsExactly("route green [127.0.0.1:8002]");
    }

    @Test
    void anInterruptWhileVerifyingSwitchesBackAndKeepsTheInterrupt() throws Exception {
        FakeRouter router = new FakeRouter();
        CompletableFuture<Void> sampling = new CompletableFuture<>();
        Samples samples = new Samples();
        samples.script.add(() -> {
            sampling.complete(null);
            return OLD;
        });
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                new BlueGreenSwitcher(router, samples, new RecordingLog(), new Masker()).switchTo(request(60_000, 3));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        sampling.get(10, TimeUnit.SECONDS);
        t.interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(router.calls).containsExactly("route green [127.0.0.1:8002]", "restore");
        assertThat(router.active).isEqualTo("blue");
    }

    @Test
    void secretsInAnswersAreMasked() throws ExecutionException, InterruptedException {
        FakeRouter router = new FakeRouter();
        Samples samples = new Samples().then(1, new VersionSample(200, "s3cr3t-token", null, 1));
        Masker masker = new Masker().add("s3cr3t-token");
        RecordingLog log = new RecordingLog();
        assertThatThrownBy(() -> new BlueGreenSwitcher(router, samples, log, masker).switchTo(request(100, 1)))
                .hasMessageContaining("version '****'").hasMessageNotContaining("s3cr3t");
        assertThat(log.text()).doesNotContain("s3cr3t");
    }
}
