package io.jenkins.plugins.squaddeploy.engine.spi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Collects a command's output, keeping only the last {@value #LIMIT} bytes (the end says what
 * failed), and kills commands that outlive their timeout. Shared by every {@link CommandRunner}.
 */
public final class OutputTail extends ByteArrayOutputStream {
    public static final int LIMIT = 64 * 1024;
    private static final ScheduledExecutorService KILLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "squad-command-timeout");
        t.setDaemon(true);
        return t;
    });

    private boolean cut;

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        super.write(b, off, len);
        trim();
    }

    @Override
    public synchronized void write(int b) {
        super.write(b);
        trim();
    }

    private void trim() {
        if (count > LIMIT * 2) {
            byte[] keep = Arrays.copyOfRange(buf, count - LIMIT, count);
            reset();
            super.write(keep, 0, keep.length);
            cut = true;
        }
    }

    /** The kept output as text, marked when its beginning was dropped. */
    public synchronized String text() {
        String s = toString(StandardCharsets.UTF_8);
        if (s.length() > LIMIT) {
            s = s.substring(s.length() - LIMIT);
            cut = true;
        }
        return cut ? "[…earlier output cut…]\n" + s : s;
    }

    /** Runs {@code kill} once {@code timeout} has passed, unless cancelled first. */
    public static Deadline killAfter(Duration timeout, Runnable kill) {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> f = KILLER.schedule(() -> {
            fired.set(true);
            kill.run();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Deadline(f, fired);
    }

    /** A pending kill. */
    public static final class Deadline {
        private final ScheduledFuture<?> future;
        private final AtomicBoolean fired;

        Deadline(ScheduledFuture<?> future, AtomicBoolean fired) {
            this.future = future;
            this.fired = fired;
        }

        public void cancel() {
            future.cancel(false);
        }

        public boolean fired() {
            return fired.get();
        }
    }
}
