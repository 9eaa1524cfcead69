package io.jenkins.plugins.squaddeploy.cli;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags of the orchestrated targets (Docker Swarm; Kubernetes and Helm add theirs here), shared by
 * {@code squad deploy} and {@code squad rollback}: {@link #spec()} turns them into the same engine spec the pipeline's
 * {@code swarmTarget(…)} makes, validated by the same code, with errors naming the flag ({@link #flag}).
 */
public final class OrchestratedTargetOptions {
    /** Pipeline parameter (as the engine names it) → flag. */
    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("target.services", "--swarm-service");
        FLAGS.put("target.stackFile", "--swarm-stack-file");
        FLAGS.put("target.stack", "--swarm-stack");
        FLAGS.put("target.imageVariable", "--swarm-image-variable");
        FLAGS.put("target.updateParallelism", "--update-parallelism");
        FLAGS.put("target.updateDelay", "--update-delay");
        FLAGS.put("target.updateMonitor", "--update-monitor");
        FLAGS.put("target.failureAction", "--failure-action");
        FLAGS.put("target.maxFailureRatio", "--max-failure-ratio");
        FLAGS.put("target.stackRollback", "--no-stack-rollback");
        FLAGS.put("images", "--image-for");
    }

    @Option(names = "--swarm-service", paramLabel = "NAME", description = "target Docker Swarm: update this existing service (repeatable)")
    List<String> swarmServices = new ArrayList<>();

    @Option(names = "--swarm-stack-file", paramLabel = "FILE", description = "target Docker Swarm: docker stack deploy -c FILE (with --swarm-stack)")
    String swarmStackFile;

    @Option(names = "--swarm-stack", paramLabel = "NAME", description = "target Docker Swarm: the stack name for --swarm-stack-file")
    String swarmStack;

    @Option(names = "--swarm-image-variable", paramLabel = "NAME", description = "stack file variable that gets the image (default IMAGE)")
    String swarmImageVariable;

    @Option(names = "--update-parallelism", paramLabel = "N", description = "swarm: tasks updated at once (0: all)")
    String updateParallelism;

    @Option(names = "--update-delay", paramLabel = "DURATION", description = "swarm: delay between batches, e.g. 5s")
    String updateDelay;

    @Option(names = "--update-monitor", paramLabel = "DURATION", description = "swarm: how long each updated task is watched, e.g. 10s")
    String updateMonitor;

    @Option(names = "--failure-action", paramLabel = "ACTION", description = "swarm: rollback (default), pause or continue")
    String failureAction;

    @Option(names = "--max-failure-ratio", paramLabel = "RATIO", description = "swarm: share of tasks that may fail, 0 to 1")
    String maxFailureRatio;

    @Option(names = "--no-stack-rollback", description = "swarm: when one service fails, leave the others on the new image")
    boolean noStackRollback;

    @Option(names = "--image-for", paramLabel = "UNIT=IMAGE", description = "orchestrated targets: another image for one service (repeatable)")
    List<String> imagesFor = new ArrayList<>();

    /** Whether any flag of an orchestrated target was given. */
    boolean given() {
        return !swarmServices.isEmpty() || swarmStackFile != null || swarmStack != null;
    }

    /** The validated spec, or null when no orchestrated target was asked for (then none of its flags may be given). */
    OrchestratedSpec spec() {
        if (!given()) {
            String stray = swarmImageVariable != null ? "--swarm-image-variable" : updateParallelism != null ? "--update-parallelism"
                    : updateDelay != null ? "--update-delay" : updateMonitor != null ? "--update-monitor" : failureAction != null ? "--failure-action"
                    : maxFailureRatio != null ? "--max-failure-ratio" : noStackRollback ? "--no-stack-rollback" : !imagesFor.isEmpty() ? "--image-for" : null;
            if (stray != null) {
                throw new ParameterException(stray, stray + " belongs to an orchestrated target, but none was given",
                        "--swarm-service NAME or --swarm-stack-file FILE --swarm-stack NAME with it");
            }
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("services", swarmServices);
        m.put("stackFile", swarmStackFile);
        m.put("stack", swarmStack);
        m.put("imageVariable", swarmImageVariable);
        m.put("updateParallelism", updateParallelism);
        m.put("updateDelay", updateDelay);
        m.put("updateMonitor", updateMonitor);
        m.put("failureAction", failureAction);
        m.put("maxFailureRatio", maxFailureRatio);
        m.put("stackRollback", !noStackRollback);
        return Orchestrators.spec("swarm", m, "target");
    }

    List<String> images() {
        return imagesFor;
    }

    /** The flag of an engine parameter name, e.g. {@code target.updateDelay} → {@code --update-delay}; null when it is not one of these. */
    static String flag(String parameter) {
        for (Map.Entry<String, String> f : FLAGS.entrySet()) {
            if (parameter.equals(f.getKey()) || parameter.startsWith(f.getKey() + "[") || parameter.startsWith(f.getKey() + ".")) {
                return f.getValue() + parameter.substring(f.getKey().length());
            }
        }
        return null;
    }

    /** The message of {@code e} with its parameter replaced by the flag, when it is one of these. */
    static String withFlag(ParameterException e) {
        String f = flag(e.parameter());
        return f == null ? e.getMessage() : e.getMessage().replace("'" + e.parameter() + "'", "'" + f + "'");
    }
}
