package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm.SwarmOrchestrator;
import java.util.List;
import java.util.Map;

/** Every orchestrated target kind. A new target adds its factory here: one line. */
public final class Orchestrators {
    public static final List<OrchestratorFactory> ALL = List.of(
            SwarmOrchestrator.FACTORY,
            io.jenkins.plugins.squaddeploy.engine.kube.KubeOrchestrator.FACTORY,
            io.jenkins.plugins.squaddeploy.engine.helm.HelmOrchestrator.FACTORY
    );

    private Orchestrators() {
    }

    /** The factory of {@code kind}; IllegalArgumentException for a kind this plugin does not know. */
    public static OrchestratorFactory factory(String kind) {
        for (OrchestratorFactory f : ALL) {
            if (f.kind().equals(kind)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no orchestrated target of kind '" + kind + "' (known: "
                + String.join(", ", ALL.stream().map(OrchestratorFactory::kind).toList()) + ")");
    }

    /** The orchestrator that released {@code release}, made again from its recorded target. */
    public static Orchestrator of(OrchestratedRelease release, OrchestratorContext context) {
        OrchestratorFactory f = factory(release.kind());
        return f.create(f.spec(release.target(), "target"), context);
    }

    /** The orchestrator for {@code spec}. */
    public static Orchestrator of(OrchestratedSpec spec, OrchestratorContext context) {
        return factory(spec.kind()).create(spec, context);
    }

    /** A spec of {@code kind} from plain values (build record, CLI flags), validated. */
    public static OrchestratedSpec spec(String kind, Map<String, ?> map, String parameter) {
        return factory(kind).spec(map, parameter);
    }
}
