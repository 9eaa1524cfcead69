package io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRollback;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrator;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorFactory;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Docker Swarm: {@code docker service update --image} of the given services, or {@code docker stack deploy} of a stack
 * file; Swarm performs the rolling update, this class watches it converge ({@code UpdateStatus} and the tasks), fails
 * the deploy when Swarm rolled a service back by itself (docker/cli#6752: {@code stack deploy} exits 0 anyway) or
 * paused it, and then rolls back every other service this deploy changed (Swarm only rolls back per service,
 * docker/cli#595). autoRollback puts each changed service back on its previous image: {@code docker service rollback}
 * when Swarm's previous spec is that image, else {@code docker service update --image <previous>}.
 */
public final class SwarmOrchestrator implements Orchestrator {
    public static final OrchestratorFactory FACTORY = new OrchestratorFactory() {
        @Override
        public String kind() {
            return SwarmSpec.KIND;
        }

        @Override
        public OrchestratedSpec spec(Map<String, ?> map, String parameter) {
            return SwarmSpec.of(map, parameter);
        }

        @Override
        public Orchestrator create(OrchestratedSpec spec, OrchestratorContext context) {
            return new SwarmOrchestrator((SwarmSpec) spec, context);
        }
    };
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    private final SwarmSpec spec;
    private final SwarmClient docker;
    private final ConsoleLog log;
    private final Masker masker;
    private final Clock clock = Clock.systemUTC();
    private long pollMillis = 1000;
    private long progressMillis = 5000;
    /** Swarm's message while it rolled a service back by itself (the final state only says "rollback completed"). */
    private final Map<String, String> swarmReasons = new LinkedHashMap<>();
    /** UpdateStatus.StartedAt of each service just before this class changed it: a state with that start is stale. */
    private final Map<String, String> staleUpdate = new LinkedHashMap<>();
    /** Services rolled back for a spec change with the same image: converged only when Swarm reports the rollback completed. */
    private final java.util.Set<String> specOnly = new java.util.LinkedHashSet<>();

    public SwarmOrchestrator(SwarmSpec spec, OrchestratorContext context) {
        this.spec = spec;
        this.docker = new SwarmClient(context.commands());
        this.log = context.log();
        this.masker = context.masker();
    }

    SwarmOrchestrator pollEvery(long millis, long progressEveryMillis) {
        this.pollMillis = millis;
        this.progressMillis = progressEveryMillis;
        return this;
    }

    @Override
    public String kind() {
        return SwarmSpec.KIND;
    }

    // ------------------------------------------------------------------------------------------------ deploy

    @Override
    public OrchestratedRelease deploy(OrchestratedRequest req) throws IOException, InterruptedException {
        if (req.strategy() != null && !"rolling".equals(req.strategy())) {
            throw new ParameterException("strategy", "swarmTarget releases by Swarm's rolling update, not " + ParameterException.show(req.strategy()),
                    "'rolling' or no strategy (update parallelism, delay, monitor and failure action are swarmTarget parameters)");
        }
        if (spec.stackMode() && !req.images().isEmpty()) {
            throw new ParameterException("images", "a stack file names its images itself", "no images with stackFile: use ${"
                    + spec.imageVariable() + "} (the image) in the stack file");
        }
        for (String unit : req.images().keySet()) {
            if (!spec.services().contains(unit)) {
                throw new ParameterException("images", "service " + unit + " is not one of the target's services " + spec.services(),
                        "service=image for services of swarmTarget");
            }
        }
        docker.checkManager();
        Instant started = clock.instant();
        String releaseId = OrchestratedRelease.newReleaseId(started);
        Map<String, SwarmClient.Service> before = new LinkedHashMap<>();
        List<String> names = spec.stackMode() ? docker.stackServices(spec.stack()) : spec.services();
        for (String s : names) {
            SwarmClient.Service svc = docker.inspect(s);
            if (svc == null && !spec.stackMode()) {
                throw new DeployException("swarm service " + s + " does not exist; nothing was changed. Create it first (docker service create or"
                        + " docker stack deploy), or name an existing service.");
            }
            if (svc != null && ("updating".equals(svc.updateState()) || "rollback_started".equals(svc.updateState()))) {
                throw new DeployException("swarm service " + s + " is being updated right now (UpdateStatus " + svc.updateState()
                        + "); nothing was changed. Wait until it finishes (docker service inspect " + s + "), then deploy again.");
            }
            before.put(s, svc);
        }
        Map<String, String> target = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Map<String, SwarmClient.Service> after = new LinkedHashMap<>();
        log.info("squadDeploy: " + req.environment() + "/" + req.service() + " " + req.version() + " → " + spec.describe() + " (release " + releaseId + ")");
        if (spec.stackMode()) {
            deployStack(req, before, after, target, notes);
        } else {
            updateServices(req, before, after, target, notes);
        }
        if (target.isEmpty()) {
            log.info("squadDeploy: swarm: nothing changed: every service already runs the release");
        } else {
            Map<String, String> failed = waitFor(target, false, started.plus(req.timeout()), "squadDeploy", "rolling update");
            if (!failed.isEmpty()) {
                throw failedRelease(req, before, target, failed, started.plus(req.timeout()));
            }
        }
        List<OrchestratedRelease.Unit> units = new ArrayList<>();
        for (String s : after.keySet()) {
            SwarmClient.Service now = docker.inspect(s);
            SwarmClient.Service was = before.get(s);
            units.add(new OrchestratedRelease.Unit(s, "service", now == null ? after.get(s).image() : now.image(), was == null ? null : was.image(),
                    now == null ? null : Long.toString(now.version()), was == null ? null : Long.toString(was.version()), target.containsKey(s)));
        }
        String elapsed = (Duration.between(started, clock.instant()).toMillis() / 100) / 10.0 + " s";
        log.info("squadDeploy: swarm: " + (target.isEmpty() ? "nothing to roll out" : String.join(", ", target.keySet()) + " converged on " + req.version())
                + " in " + elapsed);
        return new OrchestratedRelease(SwarmSpec.KIND, releaseId, req.service(), req.environment(), req.version(), req.image(), "rolling",
                OrchestratedRelease.now(), req.buildUrl(), spec.toMap(), units, notes);
    }

    private void updateServices(OrchestratedRequest req, Map<String, SwarmClient.Service> before, Map<String, SwarmClient.Service> after,
                                Map<String, String> target, List<String> notes) throws IOException, InterruptedException {
        for (String s : spec.services()) {
            SwarmClient.Service was = before.get(s);
            String image = req.imageOf(s);
            after.put(s, was);
            if (sameImage(was.image(), image) && !was.rolledBackBySwarm()) {
                log.info("squadDeploy: swarm: " + s + " already runs " + image + "; not updated");
                notes.add(s + " already ran " + image);
                continue;
            }
            List<String> args = new ArrayList<>(List.of("service", "update", "--detach", "--no-resolve-image", "--image", image,
                    "--update-failure-action", spec.failureAction()));
            if (spec.updateParallelism() != null) {
                args.addAll(List.of("--update-parallelism", Integer.toString(spec.updateParallelism())));
            }
            if (spec.updateDelay() != null) {
                args.addAll(List.of("--update-delay", spec.updateDelay()));
            }
            if (spec.updateMonitor() != null) {
                args.addAll(List.of("--update-monitor", spec.updateMonitor()));
            }
            if (spec.maxFailureRatio() != null) {
                args.addAll(List.of("--update-max-failure-ratio", spec.maxFailureRatio()));
            }
            args.add(s);
            staleUpdate.put(s, String.valueOf(was.updateStartedAt()));
            log.info("squadDeploy: swarm: docker " + String.join(" ", args));
            try {
                docker.ok("docker service update " + s, args, Map.of(), COMMAND_TIMEOUT);
            } catch (DeployException e) {
                if (!target.isEmpty()) {
                    String undone = undo(before, target, "the update of " + s + " was refused");
                    throw new DeployException(e.getMessage() + ". " + undone, e);
                }
                throw new DeployException(e.getMessage() + ". Nothing was changed.", e);
            }
            target.put(s, image);
        }
    }

    private void deployStack(OrchestratedRequest req, Map<String, SwarmClient.Service> before, Map<String, SwarmClient.Service> after,
                             Map<String, String> target, List<String> notes) throws IOException, InterruptedException {
        List<String> args = List.of("stack", "deploy", "--resolve-image", "never", "-c", spec.stackFile(), spec.stack());
        log.info("squadDeploy: swarm: docker " + String.join(" ", args) + " (" + spec.imageVariable() + "=" + req.image() + ", VERSION=" + req.version() + ")");
        before.forEach((name, svc) -> staleUpdate.put(name, svc == null ? "null" : String.valueOf(svc.updateStartedAt())));
        Map<String, String> env = new LinkedHashMap<>();
        env.put(spec.imageVariable(), req.image());
        env.put("VERSION", req.version());
        try {
            docker.ok("docker stack deploy " + spec.stack(), args, env, COMMAND_TIMEOUT);
        } catch (DeployException e) {
            // a stack file Docker refuses changes nothing; one it half-applied is rolled back below like a failed update
            List<String> changed = changedServices(before, after);
            if (changed.isEmpty()) {
                throw new DeployException(e.getMessage() + ". Nothing was changed.", e);
            }
            changed.forEach(s -> target.put(s, after.get(s).image()));
            throw new DeployException(e.getMessage() + ". " + undo(before, target, "docker stack deploy failed half-way"), e);
        }
        for (String s : changedServices(before, after)) {
            target.put(s, after.get(s).image());
        }
        List<String> same = after.keySet().stream().filter(s -> !target.containsKey(s)).toList();
        if (!same.isEmpty()) {
            notes.add("unchanged by the stack deploy: " + String.join(", ", same));
        }
        log.info("squadDeploy: swarm: stack " + spec.stack() + ": changed " + (target.isEmpty() ? "nothing" : String.join(", ", target.keySet()))
                + (same.isEmpty() ? "" : "; unchanged " + String.join(", ", same)));
    }

    /** Reads the stack's services again; the ones that are new or whose task template differs from {@code before}. */
    private List<String> changedServices(Map<String, SwarmClient.Service> before, Map<String, SwarmClient.Service> after)
            throws IOException, InterruptedException {
        List<String> changed = new ArrayList<>();
        for (String s : docker.stackServices(spec.stack())) {
            SwarmClient.Service now = docker.inspect(s);
            if (now == null) {
                continue;
            }
            after.put(s, now);
            SwarmClient.Service was = before.get(s);
            if (was == null || !was.taskTemplate().equals(now.taskTemplate())) {
                changed.add(s);
            }
        }
        return changed;
    }

    /** One or more services did not converge: all-or-nothing, then the exception that fails the step. */
    private DeployException failedRelease(OrchestratedRequest req, Map<String, SwarmClient.Service> before, Map<String, String> target,
                                          Map<String, String> failed, Instant deadline) throws InterruptedException {
        StringBuilder msg = new StringBuilder("the release " + req.version() + " to " + spec.describe() + " failed: ");
        List<String> parts = new ArrayList<>();
        failed.forEach((s, why) -> parts.add(s + ": " + why));
        msg.append(String.join("; ", parts)).append(". ");
        boolean bySwarm = failed.values().stream().anyMatch(w -> w.startsWith("Swarm rolled back"));
        if (bySwarm) {
            msg.append("A rollback Swarm performed by itself is a failed deploy (docker stack deploy and docker service update --detach exit 0 anyway). ");
        }
        if (spec.stackRollback()) {
            msg.append(undo(before, target, null));
        } else {
            msg.append("stackRollback is false: the other services keep what this deploy gave them (")
                    .append(String.join(", ", target.keySet().stream().filter(s -> !failed.containsKey(s)).toList()))
                    .append("); roll them back with docker service rollback <service>.");
        }
        return new DeployException(masker.mask(msg.toString()));
    }

    /**
     * Puts every service in {@code target} back on its image in {@code before} (all-or-nothing, docker/cli#595) and
     * waits for it; returns the sentence for the message.
     */
    private String undo(Map<String, SwarmClient.Service> before, Map<String, String> target, String why) throws InterruptedException {
        Map<String, String> back = new LinkedHashMap<>();
        List<String> byUs = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String s : target.keySet()) {
            SwarmClient.Service was = before.get(s);
            if (was == null) {
                created.add(s);
                continue;
            }
            try {
                if (putBack(s, was, "squadDeploy") != null) {
                    byUs.add(s);
                }
                back.put(s, was.image()); // also the ones Swarm rolled back: the message says what runs only once it does
            } catch (IOException e) {
                problems.add(s + ": " + masker.describe(e));
            }
        }
        Map<String, String> failed = back.isEmpty() ? Map.of() : waitFor(back, true, clock.instant().plus(Duration.ofMinutes(5)), "squadDeploy",
                byUs.isEmpty() ? "back on the previous image" : "stack-level rollback");
        List<String> ok = byUs.stream().filter(s -> !failed.containsKey(s)).toList();
        StringBuilder b = new StringBuilder();
        if (why != null) {
            b.append(why).append("; ");
        }
        b.append("all-or-nothing: ");
        b.append(ok.isEmpty() ? (target.size() <= 1 ? "no other service was changed by this deploy" : "no other service needed rolling back") : "rolled back " + String.join(", ", ok.stream().map(s -> s + " (to " + back.get(s) + ")").toList())
                + ", converged");
        if (!failed.isEmpty() || !problems.isEmpty()) {
            List<String> all = new ArrayList<>(problems);
            failed.forEach((s, w) -> all.add(s + ": " + w));
            b.append("; NOT rolled back: ").append(String.join("; ", all)).append(" — check with docker service ps and roll back by hand (docker service rollback)");
        }
        if (!created.isEmpty()) {
            b.append("; created by this deploy and left running: ").append(String.join(", ", created)).append(" (docker service rm to remove)");
        }
        b.append('.');
        log.warn("squadDeploy: swarm: " + b);
        return b.toString();
    }

    /**
     * Starts putting {@code service} back on {@code image}: {@code docker service rollback} when Swarm's previous spec
     * is that image, else {@code docker service update --image}. Null when it already runs it (and is not mid-update).
     */
    private String putBack(String service, String image, String who) throws IOException, InterruptedException {
        return putBack(service, image, null, who);
    }

    /**
     * Starts putting {@code service} back on the whole spec it had before this deploy ({@code was}), not only its image:
     * a stack deploy may change a service's environment, labels or resources without changing its image (docker/cli#595:
     * Swarm rolls back per service only). When the current task template differs from {@code was}'s and Swarm's previous
     * spec is {@code was}'s, {@code docker service rollback}; when only the image can be put back, {@code --image}.
     */
    private String putBack(String service, SwarmClient.Service was, String who) throws IOException, InterruptedException {
        return putBack(service, was.image(), was.specKey(), who);
    }

    private String putBack(String service, String image, String template, String who) throws IOException, InterruptedException {
        SwarmClient.Service now = docker.inspect(service);
        if (now == null) {
            throw new DeployException("service " + service + " no longer exists");
        }
        boolean moving = "updating".equals(now.updateState()) || "rollback_started".equals(now.updateState());
        boolean sameSpec = template == null || template.equals(now.specKey());
        if (sameImage(now.image(), image) && sameSpec && !moving) {
            return null;
        }
        if (sameImage(now.image(), image) && sameSpec && "rollback_started".equals(now.updateState())) {
            return "Swarm is rolling it back already";
        }
        List<String> args;
        boolean previousIsBefore = template != null && template.equals(now.previousSpecKey());
        if (previousIsBefore || (template == null && now.previousImage() != null && sameImage(now.previousImage(), image))) {
            args = List.of("service", "rollback", "--detach", service);
        } else if (!sameImage(now.image(), image)) {
            args = List.of("service", "update", "--detach", "--no-resolve-image", "--image", image, service);
            if (template != null) {
                log.warn(who + ": swarm: " + service + ": Swarm's previous spec is not the one before this deploy: only its image can be put back;"
                        + " check the rest of its spec (docker service inspect " + service + ")");
            }
        } else {
            log.warn(who + ": swarm: " + service + " runs " + image + " but its spec changed and Swarm's previous spec is not the one before this deploy:"
                    + " not rolled back; compare docker service inspect " + service + " with the stack file of the previous release");
            return null;
        }
        log.info(who + ": swarm: docker " + String.join(" ", args));
        staleUpdate.put(service, String.valueOf(now.updateStartedAt()));
        if (sameImage(now.image(), image)) {
            specOnly.add(service); // the tasks already run the image: only Swarm's update status says when the rollback is done
        }
        docker.ok("docker " + args.get(1) + " " + service, args, Map.of(), COMMAND_TIMEOUT);
        return String.join(" ", args);
    }

    // ------------------------------------------------------------------------------------------------ watch

    /**
     * Polls until every service of {@code expected} runs its image on all desired tasks; returns why the others did
     * not (empty when all converged). {@code backward}: waiting for a rollback, where Swarm's {@code rollback_completed}
     * is the goal rather than a failure.
     */
    Map<String, String> waitFor(Map<String, String> expected, boolean backward, Instant deadline, String who, String what) throws InterruptedException {
        Map<String, String> pending = new LinkedHashMap<>(expected);
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, String> status = new LinkedHashMap<>();
        Instant start = clock.instant();
        long lastProgress = 0;
        int attempt = 0;
        while (!pending.isEmpty()) {
            attempt++;
            for (Map.Entry<String, String> e : new ArrayList<>(pending.entrySet())) {
                String s = e.getKey();
                try {
                    Verdict v = verdict(s, e.getValue(), backward);
                    status.put(s, v.detail());
                    if (v.done()) {
                        pending.remove(s);
                        if (v.failure() != null) {
                            failed.put(s, v.failure());
                            log.warn(who + ": swarm: " + s + ": " + v.failure());
                        } else {
                            log.info(who + ": swarm: " + s + " converged: " + v.detail());
                        }
                    }
                } catch (IOException ex) {
                    status.put(s, "cannot read it: " + masker.describe(ex));
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            long elapsed = Duration.between(start, clock.instant()).toMillis();
            if (!clock.instant().isBefore(deadline)) {
                for (String s : pending.keySet()) {
                    failed.put(s, "did not converge within " + Duration.between(start, deadline).toSeconds() + " s (" + status.get(s) + ")");
                }
                failed.forEach((s, w) -> log.warn(who + ": swarm: " + s + ": " + w));
                break;
            }
            if (elapsed - lastProgress >= progressMillis) {
                lastProgress = elapsed;
                List<String> lines = new ArrayList<>();
                pending.keySet().forEach(s -> lines.add(s + ": " + status.get(s)));
                log.info(who + ": swarm: " + what + ", attempt " + attempt + ", " + elapsed / 1000 + " s: waiting for " + String.join("; ", lines));
            }
            TimeUnit.MILLISECONDS.sleep(pollMillis);
        }
        return failed;
    }

    /** Where one service stands; {@code done} with {@code failure} null is converged. */
    record Verdict(boolean done, String failure, String detail) {
    }

    private Verdict verdict(String service, String image, boolean backward) throws IOException, InterruptedException {
        SwarmClient.Service s = docker.inspect(service);
        if (s == null) {
            return new Verdict(true, "the service disappeared", "gone");
        }
        String state = s.updateState();
        boolean stale = state != null && staleUpdate.containsKey(service) && staleUpdate.get(service).equals(String.valueOf(s.updateStartedAt()));
        if (stale && specOnly.contains(service)) {
            return new Verdict(false, null, "waiting for Swarm to start rolling back its spec");
        }
        if (stale) {
            state = null; // the previous update's state: Swarm has not started this one yet; only the tasks tell
        }
        String msg = s.updateMessage() == null || s.updateMessage().isBlank() ? "" : " (" + s.updateMessage() + ")";
        if (!backward && state != null && state.startsWith("rollback_")) {
            if ("rollback_started".equals(state)) {
                if (!msg.isEmpty()) {
                    swarmReasons.put(service, s.updateMessage());
                }
                return new Verdict(false, null, "Swarm is rolling it back by itself" + msg);
            }
            String reason = swarmReasons.get(service);
            return new Verdict(true, "Swarm rolled back " + service + " by itself (UpdateStatus " + state + (reason == null ? msg : ": " + reason)
                    + "; it runs " + s.image() + " again)", state);
        }
        if ("paused".equals(state) || "rollback_paused".equals(state)) {
            return new Verdict(true, "Swarm paused the " + ("paused".equals(state) ? "update" : "rollback") + " (UpdateStatus " + state + msg + ")", state);
        }
        List<SwarmClient.Task> tasks = docker.tasks(service);
        int want = s.replicas() == null ? Math.max(1, (int) tasks.stream().filter(t -> "Running".equals(t.desired())).count()) : s.replicas();
        int good = 0;
        List<String> failing = new ArrayList<>();
        for (SwarmClient.Task t : tasks) {
            boolean mine = sameImage(t.image(), image);
            if (t.running() && mine) {
                good++;
            } else if ("Running".equals(t.desired()) || "Ready".equals(t.desired())) {
                failing.add(t.name() + " " + t.state() + (mine ? "" : " on " + t.image()) + (t.error().isEmpty() ? "" : ": " + t.error()));
            } else if (!t.error().isEmpty() && mine) {
                failing.add(t.name() + " " + t.state() + ": " + t.error());
            }
        }
        String detail = (state == null ? "" : state + ", ") + good + "/" + want + " task(s) running " + image
                + (failing.isEmpty() ? "" : "; still failing: " + String.join(", ", failing));
        boolean updating = "updating".equals(state) || "rollback_started".equals(state);
        if (!updating && sameImage(s.image(), image) && good >= want && failing.isEmpty()) {
            return new Verdict(true, null, detail);
        }
        if (!updating && !sameImage(s.image(), image)) {
            return new Verdict(true, "its spec runs " + s.image() + ", not " + image + " (changed by someone else?)", detail);
        }
        return new Verdict(false, null, detail);
    }

    // ------------------------------------------------------------------------------------------------ rollback

    @Override
    public OrchestratedRollback rollBack(OrchestratedRelease release, Duration timeout) throws InterruptedException {
        List<String> warnings = new ArrayList<>();
        try {
            docker.checkManager();
        } catch (IOException e) {
            return OrchestratedRollback.failed(masker.describe(e) + "; nothing was rolled back", List.of(), warnings);
        }
        Map<String, String> back = new LinkedHashMap<>();
        List<String> already = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> how = new ArrayList<>();
        for (OrchestratedRelease.Unit u : release.changedUnits()) {
            if (u.previousImage() == null) {
                warnings.add(u.name() + " was created by this release: left running (docker service rm " + u.name() + " to remove it)");
                continue;
            }
            try {
                String cmd = u.changed() && sameImage(u.image(), u.previousImage()) ? rollBackSpec(u) : putBack(u.name(), u.previousImage(), "autoRollback");
                if (cmd == null) {
                    already.add(u.name());
                }
                back.put(u.name(), u.previousImage());
                if (cmd != null) {
                    how.add(cmd.startsWith("service rollback") ? "docker service rollback " + u.name() : "docker service update --image " + u.previousImage() + " " + u.name());
                }
            } catch (IOException e) {
                problems.add(u.name() + ": " + masker.describe(e));
            }
        }
        Map<String, String> failed = back.isEmpty() ? Map.of() : waitFor(back, true, clock.instant().plus(timeout), "autoRollback", "rollback");
        List<String> restored = back.keySet().stream().filter(s -> !failed.containsKey(s)).toList();
        List<String> all = new ArrayList<>(problems);
        failed.forEach((s, w) -> all.add(s + ": " + w));
        String onto = String.join(", ", restored.stream().map(s -> s + " on " + back.get(s)).toList());
        if (!all.isEmpty()) {
            return OrchestratedRollback.failed("NOT rolled back: " + String.join("; ", all) + (restored.isEmpty() ? "" : "; back: " + onto)
                    + ". Check with docker service ps and roll back by hand (docker service rollback <service>)", restored, warnings);
        }
        if (restored.isEmpty()) {
            return new OrchestratedRollback(OrchestratedRollback.Status.ALREADY_ROLLED_BACK, List.of(), "nothing to put back" + (warnings.isEmpty() ? "" : ": "
                    + String.join("; ", warnings)), null, warnings);
        }
        if (already.containsAll(restored)) {
            return new OrchestratedRollback(OrchestratedRollback.Status.ALREADY_ROLLED_BACK, restored, "already back: " + onto, null, warnings);
        }
        return new OrchestratedRollback(OrchestratedRollback.Status.ROLLED_BACK, restored, String.join("; ", how) + ": " + onto + ", converged",
                clock.instant(), warnings);
    }

    /**
     * A service the release changed without changing its image (a stack deploy's environment, labels, resources): Swarm's
     * previous spec is the one before the release as long as nothing changed the service since, so {@code docker service
     * rollback}; null when it was rolled back already.
     */
    private String rollBackSpec(OrchestratedRelease.Unit u) throws IOException, InterruptedException {
        SwarmClient.Service now = docker.inspect(u.name());
        if (now == null) {
            throw new DeployException("service " + u.name() + " no longer exists");
        }
        if (now.updateState() != null && now.updateState().startsWith("rollback_")) {
            return null;
        }
        if (!Long.toString(now.version()).equals(u.revision()) || now.previousSpecKey() == null) {
            throw new DeployException("the spec of " + u.name() + " changed after this release (version " + now.version() + ", the release left "
                    + u.revision() + "); not rolled back: its image " + u.image() + " is the same, so roll back the rest of its spec by hand"
                    + " (docker service rollback " + u.name() + ", or deploy the previous stack file)");
        }
        List<String> args = List.of("service", "rollback", "--detach", u.name());
        log.info("autoRollback: swarm: docker " + String.join(" ", args) + " (same image " + u.image() + ", its spec changed in the release)");
        staleUpdate.put(u.name(), String.valueOf(now.updateStartedAt()));
        specOnly.add(u.name());
        docker.ok("docker service rollback " + u.name(), args, Map.of(), COMMAND_TIMEOUT);
        return String.join(" ", args);
    }

    @Override
    public OrchestratedRelease current(String service, String environment) throws IOException, InterruptedException {
        docker.checkManager();
        List<String> names = spec.stackMode() ? docker.stackServices(spec.stack()) : spec.services();
        List<OrchestratedRelease.Unit> units = new ArrayList<>();
        String image = null;
        for (String n : names) {
            SwarmClient.Service s = docker.inspect(n);
            if (s == null) {
                continue;
            }
            image = image == null ? s.image() : image;
            // after a rollback (Swarm's or ours) the previous spec is the release rolled back from: going "back" again would redo it
            boolean rolledBack = s.updateState() != null && s.updateState().startsWith("rollback_");
            units.add(new OrchestratedRelease.Unit(n, "service", s.image(), rolledBack ? null : s.previousImage(), Long.toString(s.version()), null,
                    !rolledBack && s.previousImage() != null && !sameImage(s.previousImage(), s.image())));
        }
        if (units.isEmpty()) {
            return null;
        }
        String version = tag(image);
        return new OrchestratedRelease(SwarmSpec.KIND, null, service, environment, version, image, "rolling", null, null, spec.toMap(), units,
                List.of("read from Swarm: previous = Swarm's previous spec"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Same image, ignoring a digest Swarm appended to one side ({@code repo:tag@sha256:…}). */
    static boolean sameImage(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.equals(b)) {
            return true;
        }
        String x = a.contains("@") ? a.substring(0, a.indexOf('@')) : a;
        String y = b.contains("@") ? b.substring(0, b.indexOf('@')) : b;
        return (!a.contains("@") || !b.contains("@")) && Objects.equals(x, y) && !x.isEmpty();
    }

    static String tag(String image) {
        if (image == null) {
            return null;
        }
        String x = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = x.lastIndexOf('/');
        int colon = x.lastIndexOf(':');
        return colon > slash ? x.substring(colon + 1) : null;
    }
}
