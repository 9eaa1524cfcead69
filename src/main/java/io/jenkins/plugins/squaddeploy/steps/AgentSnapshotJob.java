package io.jenkins.plugins.squaddeploy.steps;

import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotJobs;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotRequest;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;
import jenkins.security.MasterToSlaveCallable;

/**
 * The three calls dbSnapshot makes to the agent that holds the store. The snapshot itself runs there as a background
 * job ({@link SnapshotJobs}): the dump streams from pg_dump into the store on the agent and never crosses the channel;
 * only the request, console lines and the result map do.
 */
final class AgentSnapshotJob {
    private AgentSnapshotJob() {
    }

    /** Starts the action on the agent, in the store directory this callable is sent to; returns the job ID. */
    static final class Start extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final SnapshotRequest request;
        private final HashMap<String, String> env;

        Start(SnapshotRequest request, Map<String, String> env) {
            this.request = request;
            this.env = new HashMap<>(env);
        }

        @Override
        public String invoke(File store, VirtualChannel channel) {
            return SnapshotJobs.start(request, env);
        }
    }

    /** New console lines and, at the end, the outcome; waits up to {@code waitMillis} on the agent. */
    static final class Poll extends MasterToSlaveCallable<SnapshotJobs.Poll, InterruptedException> {
        private static final long serialVersionUID = 1L;
        private final String id;
        private final long waitMillis;

        Poll(String id, long waitMillis) {
            this.id = id;
            this.waitMillis = waitMillis;
        }

        @Override
        public SnapshotJobs.Poll call() throws InterruptedException {
            return SnapshotJobs.poll(id, waitMillis);
        }
    }

    /** Stops the job: its tools are killed and its unfinished snapshot removed. */
    static final class Cancel extends MasterToSlaveCallable<Boolean, RuntimeException> {
        private static final long serialVersionUID = 1L;
        private final String id;

        Cancel(String id) {
            this.id = id;
        }

        @Override
        public Boolean call() {
            SnapshotJobs.cancel(id);
            return true;
        }
    }
}
