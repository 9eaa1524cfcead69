package io.jenkins.plugins.squaddeploy.steps;

import hudson.model.InvisibleAction;
import hudson.model.Run;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.rollback.Deployment;
import io.jenkins.plugins.squaddeploy.engine.rollback.Incident;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchPlan;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;

/**
 * What this build changed on its targets, so that {@code autoRollback()} without arguments knows what to undo:
 * squadDeploy adds each release ({@link #released}), blueGreenSwitch each verified switch ({@link #switched}), and a
 * failed verifyHealth its measurements ({@link #healthFailed}: the trigger of the incident summary).
 *
 * <p>Only the coordinates are kept here (service, environment, state directory, target, router, colours, versions),
 * as plain maps of strings, numbers and lists ({@link Deployment#toMap()}): the build record is written with XStream,
 * which cannot read Java records back. What runs <em>now</em> is always read from the target itself (router, containers,
 * state file), never from here.
 */
public class DeploymentsAction extends InvisibleAction implements RunAction2, Serializable {
    private static final long serialVersionUID = 1L;

    private List<LinkedHashMap<String, Object>> deployments = new ArrayList<>();
    private LinkedHashMap<String, Object> incident;
    private transient Run<?, ?> run;

    /** This build's action, added when missing. */
    static DeploymentsAction of(Run<?, ?> run) {
        synchronized (run) {
            DeploymentsAction a = run.getAction(DeploymentsAction.class);
            if (a == null) {
                a = new DeploymentsAction();
                run.addAction(a);
            }
            return a;
        }
    }

    /** squadDeploy released {@code record}; {@code router}: the router squadDeploy switched itself, else null. */
    public static void released(Run<?, ?> run, DeployRequest request, ReleaseRecord record, RouterSpec router) {
        if (run != null) {
            of(run).add(new Deployment.Released(request, record, router, Instant.now()));
        }
    }

    /** squadDeploy released {@code release} to an orchestrated target (Swarm, Kubernetes, Helm). */
    public static void orchestrated(Run<?, ?> run, OrchestratedRelease release) {
        if (run != null) {
            of(run).add(new Deployment.Orchestrated(release, Instant.now()));
        }
    }

    /** blueGreenSwitch moved traffic as {@code result} says (nothing is recorded when it did not switch). */
    public static void switched(Run<?, ?> run, SwitchPlan plan, SwitchResult result) {
        if (run != null && result.switched() && result.from() != null && !result.from().equals(result.to())) {
            of(run).add(new Deployment.Switched(plan.service(), plan.router(), plan.colours(), plan.request().publicHealthUrl(),
                    plan.request().versionJsonPath(), plan.request().verifyDeadline(), plan.request().consecutiveSamples(), result.from(), result.to(),
                    plan.request().expectedVersion(), Instant.now()));
        }
    }

    /** verifyHealth failed: what it measured becomes the trigger of a later autoRollback's incident summary. */
    public static void healthFailed(Run<?, ?> run, Incident incident) {
        if (run != null) {
            DeploymentsAction a = of(run);
            synchronized (a) {
                a.incident = new LinkedHashMap<>(incident.toMap());
            }
        }
    }

    private synchronized void add(Deployment d) {
        deployments.add(new LinkedHashMap<>(d.toMap()));
    }

    /** What was recorded, in order; an entry that cannot be read back (an older plugin wrote it) is left out. */
    public synchronized List<Deployment> deployments() {
        List<Deployment> out = new ArrayList<>();
        for (Map<String, Object> m : deployments) {
            try {
                out.add(Deployment.fromMap(m));
            } catch (RuntimeException e) {
                // not readable: nothing to roll back for it
            }
        }
        return out;
    }

    /** The last verifyHealth failure of this build, or null. */
    public synchronized Incident incident() {
        return incident == null ? null : Incident.fromMap(incident);
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** XStream does not run field initialisers. */
    protected Object readResolve() {
        if (deployments == null) {
            deployments = new ArrayList<>();
        }
        return this;
    }
}
