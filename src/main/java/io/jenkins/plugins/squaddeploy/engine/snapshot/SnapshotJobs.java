package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.Serializable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshot actions running in the background of the JVM that holds the store (the Jenkins agent), so the data never
 * crosses the controller–agent channel and the console still shows progress while a dump runs: the controller starts a
 * job ({@link #start}), then asks for new console lines and the outcome ({@link #poll}, which waits up to a given time
 * for something new), and can stop it ({@link #cancel}: the tools are killed and the unfinished snapshot removed).
 * Everything that crosses is a plain serialisable value.
 */
public final class SnapshotJobs {
    private static final Map<String, Job> JOBS = new ConcurrentHashMap<>();

    private SnapshotJobs() {
    }

    /** New console lines and, once the job is over, its outcome. */
    public record Poll(List<String> lines, boolean done, Map<String, Object> result, String error, String parameter, boolean unknownJob)
            implements Serializable {
    }

    /** Finished jobs whose outcome nobody fetched (the controller went away) are forgotten after this long. */
    private static final long FORGET_AFTER_MILLIS = 24L * 3600 * 1000;

    private static final class Job {
        final List<String> lines = new ArrayList<>();
        long doneAt;
        final ToolRunner tools;
        Thread thread;
        boolean done;
        Map<String, Object> result;
        String error;
        String parameter;

        Job(ToolRunner tools) {
            this.tools = tools;
        }
    }

    /**
     * Starts {@code request} on a background thread with the tools' environment {@code env} (the build's).
     * Returns the job ID to poll.
     */
    public static String start(SnapshotRequest request, Map<String, String> env) {
        long now = System.currentTimeMillis();
        JOBS.values().removeIf(j -> {
            synchronized (j) {
                return j.done && now - j.doneAt > FORGET_AFTER_MILLIS;
            }
        });
        String id = UUID.randomUUID().toString();
        Job job = new Job(new ToolRunner(env));
        ConsoleLog log = new ConsoleLog() {
            @Override
            public void info(String line) {
                add(job, line);
            }

            @Override
            public void warn(String line) {
                add(job, "WARNING: " + line);
            }
        };
        Thread t = new Thread(() -> {
            Map<String, Object> result = null;
            String error = null;
            String parameter = null;
            try {
                result = new SnapshotService(job.tools, log, Clock.systemUTC()).run(request);
            } catch (ParameterException e) {
                error = e.getMessage();
                parameter = e.parameter();
            } catch (SnapshotException e) {
                error = e.getMessage();
            } catch (InterruptedException e) {
                error = "stopped: the snapshot was interrupted; nothing unfinished is left in the store";
            } catch (RuntimeException | Error e) {
                error = "unexpected error: " + e;
            }
            synchronized (job) {
                job.result = result;
                job.error = error;
                job.parameter = parameter;
                job.done = true;
                job.doneAt = System.currentTimeMillis();
                job.notifyAll();
            }
        }, "squad-dbSnapshot-" + request.action().id());
        t.setDaemon(true);
        job.thread = t;
        JOBS.put(id, job);
        t.start();
        return id;
    }

    private static void add(Job job, String line) {
        synchronized (job) {
            job.lines.add(line);
            job.notifyAll();
        }
    }

    /** Waits up to {@code waitMillis} for new lines or the end; the job is forgotten once its end was reported. */
    public static Poll poll(String id, long waitMillis) throws InterruptedException {
        Job job = JOBS.get(id);
        if (job == null) {
            return new Poll(List.of(), true, null, "the snapshot job " + id + " is not known on this agent (was the agent restarted?); "
                    + "an unfinished snapshot is never listed and is removed by the next action on the store", null, true);
        }
        synchronized (job) {
            long until = System.currentTimeMillis() + waitMillis;
            while (job.lines.isEmpty() && !job.done) {
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                job.wait(left);
            }
            List<String> lines = new ArrayList<>(job.lines);
            job.lines.clear();
            if (job.done) {
                JOBS.remove(id);
            }
            return new Poll(lines, job.done, job.result, job.error, job.parameter, false);
        }
    }

    /** Kills the job's tools and interrupts it; its unfinished snapshot is removed. */
    public static void cancel(String id) {
        Job job = JOBS.get(id);
        if (job != null) {
            job.tools.cancel();
            job.thread.interrupt();
        }
    }
}
