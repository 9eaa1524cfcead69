package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * How {@link BlueGreenSwitcher} behaves beyond the request itself.
 *
 * @param force          switch (re-render, validate, reload, verify) even when the router already routes to the colour
 * @param startedAt      when the step started, for {@code switchMillis} (step start → verified); null: when switchTo was called
 * @param sampleTimeout  limit of one sample request (cut to the time left before the verify deadline)
 * @param pauseAfterMiss pause after a sample that did not report the expected version (matching samples follow each other at once)
 * @param progressEvery  how often a progress line is printed while verifying
 * @param settle         the shortest time the run of matching samples must span (null: the router's
 *                       {@link TrafficRouter#settle()}): after a graceful reload nginx's old workers still accept new
 *                       connections for about 0.1 s, so a run of quick samples could all reach new workers while a new
 *                       client still reaches the old colour; matching samples are paced to span it
 */
public record SwitchOptions(boolean force, Instant startedAt, Duration sampleTimeout, Duration pauseAfterMiss, Duration progressEvery,
                            Duration settle)
        implements Serializable {

    public SwitchOptions {
        sampleTimeout = positive(sampleTimeout, Duration.ofSeconds(5));
        pauseAfterMiss = pauseAfterMiss == null || pauseAfterMiss.isNegative() ? Duration.ofMillis(25) : pauseAfterMiss;
        progressEvery = positive(progressEvery, Duration.ofSeconds(5));
        settle = settle == null || settle.isNegative() ? null : settle;
    }


    public static SwitchOptions defaults() {
        return new SwitchOptions(false, null, null, null, null, null);
    }

    public SwitchOptions withForce(boolean f) {
        return new SwitchOptions(f, startedAt, sampleTimeout, pauseAfterMiss, progressEvery, settle);
    }

    public SwitchOptions withStartedAt(Instant t) {
        return new SwitchOptions(force, t, sampleTimeout, pauseAfterMiss, progressEvery, settle);
    }

    public SwitchOptions withProgressEvery(Duration d) {
        return new SwitchOptions(force, startedAt, sampleTimeout, pauseAfterMiss, d, settle);
    }

    public SwitchOptions withSettle(Duration d) {
        return new SwitchOptions(force, startedAt, sampleTimeout, pauseAfterMiss, progressEvery, d);
    }

    private static Duration positive(Duration d, Duration fallback) {
        return d == null || d.isNegative() || d.isZero() ? fallback : d;
    }
}
