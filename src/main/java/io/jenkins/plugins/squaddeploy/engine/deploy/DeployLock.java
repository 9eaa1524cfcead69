package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One deploy per environment and service at a time: {@code <stateDir>/<service>.lock} (see
 * {@link DeployFiles#tryLock}). A second deploy waits up to its lock timeout, saying who holds the lock (build URL,
 * host, pid, since when), and fails cleanly when the time is up; nothing is changed by a deploy that did not get the
 * lock. While held, the lock's lease is renewed every {@value #RENEW_S} seconds.
 */
public final class DeployLock implements AutoCloseable {
    static final int RENEW_S = 15;
    private static final ScheduledExecutorService RENEWER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "squad-deploy-lock-renewal");
        t.setDaemon(true);
        return t;
    });

    private final DeployFiles files;
    private final String lockFile;
    private final String token;
    private final ScheduledFuture<?> renewal;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final ConsoleLog log;

    private DeployLock(DeployFiles files, String lockFile, String token, ConsoleLog log) {
        this.files = files;
        this.lockFile = lockFile;
        this.token = token;
        this.log = log;
        this.renewal = RENEWER.scheduleWithFixedDelay(() -> {
            try {
                files.renewLock(lockFile, token);
            } catch (IOException | RuntimeException e) {
                if (lost.compareAndSet(false, true)) {
                    log.warn("squadDeploy: could not renew the deploy lock " + lockFile + ": " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, RENEW_S, RENEW_S, TimeUnit.SECONDS);
    }

    /**
     * Takes the lock, waiting up to {@code timeout} (0: do not wait).
     *
     * @param what   e.g. {@code production/shop}, for messages
     * @param holder who is asking: buildUrl, version, strategy (host, pid and since are added where the lock is taken)
     */
    public static DeployLock acquire(DeployFiles files, String lockFile, String what, Map<String, String> holder, Duration timeout,
                                     ConsoleLog log) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastReport = 0;
        long pauseMs = 200;
        String lastHolder = null;
        while (true) {
            DeployFiles.LockResult r = files.tryLock(lockFile, holder);
            if (r.acquired()) {
                if (r.stale() != null) {
                    log.warn("squadDeploy: took over a stale deploy lock of " + what + ": it was held by " + describe(r.stale())
                            + ", which ended without releasing it (killed or crashed); check what that deploy left behind");
                }
                if (lastHolder != null) {
                    log.info("squadDeploy: got the deploy lock of " + what + " after " + seconds(System.nanoTime() - start) + " s");
                }
                return new DeployLock(files, lockFile, r.token(), log);
            }
            String who = describe(r.holder());
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new DeployException.LockTimeout("could not get the deploy lock of " + what + " within " + timeout.toSeconds() + " s: "
                        + "another deploy holds it: " + who + ". Nothing was changed. Wait for that deploy to finish (or end it), then deploy again;"
                        + " the lock file is " + lockFile + ".");
            }
            if (!who.equals(lastHolder) || now - lastReport > TimeUnit.SECONDS.toNanos(30)) {
                log.info("squadDeploy: " + what + " is being deployed by " + who + "; waiting for the lock ("
                        + seconds(now - start) + " s of " + timeout.toSeconds() + " s)");
                lastHolder = who;
                lastReport = now;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - now);
            Thread.sleep(Math.max(1, Math.min(pauseMs, left)));
            pauseMs = Math.min(2000, pauseMs * 2);
        }
    }

    /** {@code build http://… (version 2.0.0, host ci-1, pid 4242, since 2026-…Z, 12 s ago)}. */
    static String describe(Map<String, String> h) {
        if (h == null || h.isEmpty()) {
            return "an unknown holder (no holder file: it is being written, or the holder died and its lock is not yet released)";
        }
        StringBuilder b = new StringBuilder();
        String url = h.get("buildUrl");
        b.append(url == null || url.isBlank() ? "a deploy without a build URL (CLI?)" : "build " + url);
        b.append(" (");
        if (h.get("version") != null) {
            b.append("version ").append(h.get("version")).append(", ");
        }
        b.append("host ").append(h.getOrDefault("host", "?")).append(", pid ").append(h.getOrDefault("pid", "?"));
        String since = h.get("since");
        if (since != null) {
            b.append(", since ").append(since);
            try {
                b.append(", ").append(Duration.between(Instant.parse(since), Instant.now()).toSeconds()).append(" s ago");
            } catch (RuntimeException ignored) {
                // keep the raw value
            }
        }
        return b.append(')').toString();
    }

    /** Whether renewing the lease failed at some point (another deploy may have taken the lock over). */
    public boolean lost() {
        return lost.get();
    }

    /**
     * Releases the lock. A failure to do so (the agent went away) is a warning, never the deploy's outcome: the OS
     * frees the lock with the process that held it, and an unrenewed lease is taken over after {@link LocalDeployFiles#LEASE_MS}.
     */
    @Override
    public void close() throws InterruptedException {
        renewal.cancel(false);
        boolean interrupted = Thread.interrupted(); // an aborted deploy still releases its lock (a remote call needs a clear flag)
        try {
            files.unlock(lockFile, token);
        } catch (IOException | RuntimeException e) {
            log.warn("squadDeploy: could not release the deploy lock " + lockFile + " (" + e.getMessage()
                    + "); it is freed when its lease runs out or the process holding it ends");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }
}
