package io.jenkins.plugins.squaddeploy.engine.rollback;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.ContainerInfo;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployLock;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.deploy.ImageRef;
import io.jenkins.plugins.squaddeploy.engine.deploy.ImageSource;
import io.jenkins.plugins.squaddeploy.engine.deploy.Labels;
import io.jenkins.plugins.squaddeploy.engine.deploy.PortPlan;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.deploy.SquadDeployer;
import io.jenkins.plugins.squaddeploy.engine.deploy.Strategy;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRollback;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrator;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.DockerColourStopper;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchFailedException;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchOptions;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchRequest;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.VersionSample;
import java.io.IOException;
import java.net.URI;
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
 * autoRollback: puts back the release that served before this build, for every release and switch the build
 * recorded ({@link Deployment}), reading what runs now from the target itself — the router's active colour, the
 * containers and the state file — so that calling it twice, or after someone rolled back by hand, changes nothing.
 * <ul>
 * <li>blue-green with a router: the previous colour is still warm → the router goes back to it, verified through
 * the router's public URL ({@link BlueGreenSwitcher}), and only then is the failed colour stopped. Previous colour
 * stopped → {@code docker start}, wait healthy, switch. Gone → the previous image is released to it again
 * ({@link SquadDeployer}), then switched to.</li>
 * <li>blue-green that never got traffic from this build: the failed colour is stopped; nothing is switched.</li>
 * <li>rolling and recreate (compose or docker): the previous image ({@code previous.image} of the release record,
 * else its image ID, else the {@code :rollback}/{@code :previous} tag) is released again with the same strategy,
 * which waits until it is healthy.</li>
 * </ul>
 * Every step is written to the rollback journal on the target ({@link RollbackJournal}); when the rollback stops
 * half-way, the journal and the report say what state it left and what to do next. The database is not touched here.
 */
public final class Rollbacker {
    static final int STOP_GRACE_S = 10;
    static final Duration LOCK_WAIT = Duration.ofSeconds(120);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /** Checks run once traffic is back (the step's {@code checks}); returns null when healthy, else why not. */
    @FunctionalInterface
    public interface PostCheck {
        String check() throws IOException, InterruptedException;
    }

    private final DockerClient docker;
    private final DeployFiles files;
    private final RouterHost routerHost;
    private final CommandRunner commands;
    private final ConsoleLog log;
    private final Masker masker;
    private Clock clock = Clock.systemUTC();
    private long pollMillis = 500;
    private PostCheck postCheck;
    private OrchestratorContext orchestration;

    public Rollbacker(DockerClient docker, DeployFiles files, RouterHost routerHost, CommandRunner commands, ConsoleLog log, Masker masker) {
        this.docker = docker;
        this.files = files;
        this.routerHost = routerHost;
        this.commands = commands;
        this.log = log == null ? ConsoleLog.SILENT : log;
        this.masker = masker == null ? new Masker() : masker;
    }

    /** What orchestrated targets (Swarm, Kubernetes, Helm) may use; default: this rollbacker's commands, log and masker, no credentials. */
    public Rollbacker withOrchestration(OrchestratorContext context) {
        this.orchestration = context;
        return this;
    }

    public Rollbacker withPostCheck(PostCheck check) {
        this.postCheck = check;
        return this;
    }

    Rollbacker pollEvery(long millis) {
        this.pollMillis = millis;
        return this;
    }

    Rollbacker withClock(Clock c) {
        this.clock = c;
        return this;
    }

    /**
     * The release the last rollback of {@code service} took away (or was taking away when it was cut), as the rollback
     * journal in {@code stateDir} says (null when there is none): lets {@code squad rollback} tell "already rolled back"
     * from "roll back the current release" — a re-run after a kill -9 must never put the failed release back.
     */
    public static String rolledBackRelease(DeployFiles files, String stateDir, String service) throws IOException, InterruptedException {
        return RollbackJournal.rolledBack(files, stateDir, service);
    }

    // ------------------------------------------------------------------------------------------------ plan

    /** The releases and switches of one service (or one router without a release) in the order the build made them. */
    record UnitPlan(List<Deployment.Released> releases, List<Deployment.Switched> switches) {
        Deployment.Released first() {
            return releases.isEmpty() ? null : releases.get(0);
        }

        Deployment.Released last() {
            return releases.isEmpty() ? null : releases.get(releases.size() - 1);
        }

        Deployment.Switched firstSwitch() {
            return switches.isEmpty() ? null : switches.get(0);
        }

        Deployment.Switched lastSwitch() {
            return switches.isEmpty() ? null : switches.get(switches.size() - 1);
        }

        Instant latest() {
            Instant t = Instant.EPOCH;
            for (Deployment d : releases) {
                t = d.at().isAfter(t) ? d.at() : t;
            }
            for (Deployment d : switches) {
                t = d.at().isAfter(t) ? d.at() : t;
            }
            return t;
        }
    }

    /**
     * Groups what was recorded: releases by environment and service; switches by router and service; a switch group
     * belongs to the release group of the same service name, or whose release's colour (and port) it switched to.
     */
    static List<UnitPlan> plan(List<Deployment> recorded) {
        Map<String, List<Deployment.Released>> releases = new LinkedHashMap<>();
        Map<String, List<Deployment.Switched>> switches = new LinkedHashMap<>();
        for (Deployment d : recorded) {
            if (d instanceof Deployment.Released r) {
                releases.computeIfAbsent(r.environment() + "/" + r.service(), k -> new ArrayList<>()).add(r);
            } else if (d instanceof Deployment.Switched s) {
                switches.computeIfAbsent(routerKey(s.router()) + "|" + s.service(), k -> new ArrayList<>()).add(s);
            }
        }
        List<UnitPlan> plans = new ArrayList<>();
        for (List<Deployment.Released> rs : releases.values()) {
            Deployment.Released last = rs.get(rs.size() - 1);
            List<Deployment.Switched> mine = new ArrayList<>();
            if (last.request().strategy() == Strategy.BLUE_GREEN) {
                for (Map.Entry<String, List<Deployment.Switched>> e : new ArrayList<>(switches.entrySet())) {
                    Deployment.Switched s = e.getValue().get(e.getValue().size() - 1);
                    if (s.service().equals(last.service()) || switchedTo(s, last)) {
                        mine = e.getValue();
                        switches.remove(e.getKey());
                        break;
                    }
                }
            }
            plans.add(new UnitPlan(rs, mine));
        }
        for (List<Deployment.Switched> ss : switches.values()) {
            plans.add(new UnitPlan(List.of(), ss));
        }
        plans.sort((a, b) -> b.latest().compareTo(a.latest())); // undo the newest first
        return plans;
    }

    private static boolean switchedTo(Deployment.Switched s, Deployment.Released r) {
        String colour = r.record().colour();
        if (colour == null || !colour.equals(s.to()) || !(r.request().ports() instanceof PortPlan.Colours c)) {
            return false;
        }
        Integer port = c.ports().get(colour);
        ColourSpec to = s.colour(s.to());
        return to != null && to.servers().stream().anyMatch(u -> port != null && u.port() == port);
    }

    private static String routerKey(RouterSpec r) {
        if (r instanceof NginxRouterSpec n) {
            return "nginx:" + n.config();
        }
        if (r instanceof HaproxyRouterSpec h) {
            return "haproxy:" + h.socket() + "#" + h.backend();
        }
        return r.kind() + ":" + r.describe();
    }

    // ------------------------------------------------------------------------------------------------ run

    /**
     * Rolls back everything {@code recorded} (newest first). Never throws for what the target does: a unit that
     * cannot be rolled back is a FAILED unit in the report, whose action says what state it is in and what to do.
     */
    public RollbackReport rollBack(List<Deployment> recorded, Incident incident, RollbackOptions o) throws InterruptedException {
        Instant started = clock.instant();
        List<Deployment> ds = new ArrayList<>();
        for (Deployment d : recorded) {
            if (o.service() == null || o.service().equals(d.service())) {
                ds.add(d);
            }
        }
        List<String> notes = new ArrayList<>();
        if (ds.isEmpty()) {
            String why = recorded.isEmpty() ? "this build recorded no squadDeploy release and no blueGreenSwitch (nothing was deployed, or the deploy"
                    + " failed and undid itself)" : "this build recorded no release or switch of service '" + o.service() + "'";
            log.info("autoRollback: nothing to roll back: " + why);
            notes.add(why);
            return new RollbackReport(RollbackReport.Status.NOTHING_TO_ROLL_BACK, List.of(), incident, started, clock.instant(), null, notes);
        }
        List<UnitPlan> plans = plan(ds);
        List<List<Deployment.Orchestrated>> orchestrated = orchestratedPlan(ds);
        List<String> described = new ArrayList<>();
        orchestrated.forEach(g -> described.add(describe(g)));
        plans.forEach(p -> described.add(describe(p)));
        log.info("autoRollback: " + described.size() + " thing(s) to check: " + String.join(", ", described)
                + (incident == null ? "" : "; trigger: " + incident.trigger()));
        List<RollbackReport.Unit> units = new ArrayList<>();
        for (List<Deployment.Orchestrated> g : orchestrated) {
            RollbackReport.Unit u;
            try {
                u = rollBackOrchestrated(g, o);
            } catch (RuntimeException e) {
                Deployment.Orchestrated last = g.get(g.size() - 1);
                u = new RollbackReport.Unit(last.service(), last.environment(), last.release().strategy(), RollbackReport.Status.FAILED,
                        last.release().version(), null, null, null, "internal error: " + masker.describe(e) + "; check the target by hand", null, List.of());
            }
            if (u.status() == RollbackReport.Status.FAILED) {
                log.warn("autoRollback: " + u.what() + ": FAILED: " + u.action());
            } else {
                log.info("autoRollback: " + u.what() + ": " + u.status() + ": " + u.action());
            }
            units.add(u);
        }
        for (UnitPlan p : plans) {
            RollbackReport.Unit u;
            try {
                u = rollBack(p, o);
            } catch (RuntimeException e) {
                u = unit(p, RollbackReport.Status.FAILED, "internal error: " + masker.describe(e) + "; check the target by hand", null, List.of());
            }
            if (u.status() == RollbackReport.Status.FAILED) {
                log.warn("autoRollback: " + u.what() + ": FAILED: " + u.action());
            } else {
                log.info("autoRollback: " + u.what() + ": " + u.status() + ": " + u.action());
            }
            units.add(u);
        }
        boolean anyBack = units.stream().anyMatch(u -> u.status() == RollbackReport.Status.ROLLED_BACK || u.status() == RollbackReport.Status.ALREADY_ROLLED_BACK);
        if (anyBack && postCheck != null && units.stream().noneMatch(u -> u.status() == RollbackReport.Status.FAILED)) {
            log.info("autoRollback: verifying health after the rollback (checks)");
            String failure;
            try {
                failure = postCheck.check();
            } catch (IOException e) {
                failure = masker.describe(e);
            }
            if (failure != null) {
                notes.add("the previous release serves again, but the checks after the rollback did not pass: " + failure);
                units.add(new RollbackReport.Unit("health after rollback", null, null, RollbackReport.Status.FAILED, null, null, null, null,
                        "the checks did not pass after the rollback: " + failure, null, List.of()));
            } else {
                notes.add("the checks passed after the rollback");
            }
        }
        return new RollbackReport(overall(units), units, incident, started, clock.instant(), null, notes);
    }

    // ------------------------------------------------------------------------------------------------ orchestrated

    /** Orchestrated releases grouped by kind, environment and service, in the order made; the group released last comes first. */
    static List<List<Deployment.Orchestrated>> orchestratedPlan(List<Deployment> recorded) {
        Map<String, List<Deployment.Orchestrated>> groups = new LinkedHashMap<>();
        for (Deployment d : recorded) {
            if (d instanceof Deployment.Orchestrated r) {
                groups.computeIfAbsent(r.release().kind() + "|" + r.environment() + "/" + r.service(), k -> new ArrayList<>()).add(r);
            }
        }
        List<List<Deployment.Orchestrated>> out = new ArrayList<>(groups.values());
        out.sort((a, b) -> b.get(b.size() - 1).at().compareTo(a.get(a.size() - 1).at()));
        return out;
    }

    private static String describe(List<Deployment.Orchestrated> g) {
        OrchestratedRelease r = g.get(g.size() - 1).release();
        return r.environment() + "/" + r.service() + " " + r.version() + " (" + r.kind() + ", " + String.join(", ",
                r.changedUnits().stream().map(OrchestratedRelease.Unit::name).toList()) + ")";
    }

    /**
     * Undoes the orchestrated releases of one service: the last release, with each unit's previous state taken from the
     * first release of the build ({@link OrchestratedRelease#since}), through the target's own orchestrator.
     */
    private RollbackReport.Unit rollBackOrchestrated(List<Deployment.Orchestrated> g, RollbackOptions o) throws InterruptedException {
        OrchestratedRelease first = g.get(0).release();
        OrchestratedRelease rel = g.get(g.size() - 1).release().since(first);
        String toVersion = null;
        for (OrchestratedRelease.Unit u : rel.changedUnits()) {
            if (u.previousImage() != null && toVersion == null) {
                int slash = u.previousImage().lastIndexOf('/');
                String x = u.previousImage().contains("@") ? u.previousImage().substring(0, u.previousImage().indexOf('@')) : u.previousImage();
                int colon = x.lastIndexOf(':');
                toVersion = colon > slash ? x.substring(colon + 1) : u.previousImage();
            }
        }
        OrchestratedRollback r;
        try {
            OrchestratorContext ctx = orchestration != null ? orchestration : new OrchestratorContext(commands, log, masker, null);
            Orchestrator orchestrator = Orchestrators.of(rel, ctx);
            log.info("autoRollback: " + rel.environment() + "/" + rel.service() + ": putting back what " + rel.version() + " replaced on " + rel.kind()
                    + " (" + String.join(", ", rel.changedUnits().stream().map(u -> u.name() + " → " + (u.previousImage() != null ? u.previousImage()
                    : u.previousRevision() != null ? "revision " + u.previousRevision() : "nothing (new)")).toList()) + ")");
            r = orchestrator.rollBack(rel, o.healthTimeout());
        } catch (IllegalArgumentException e) {
            r = OrchestratedRollback.failed("the recorded " + rel.kind() + " target cannot be used: " + masker.describe(e) + "; nothing was changed",
                    List.of(), List.of());
        }
        RollbackReport.Status status = switch (r.status()) {
            case ROLLED_BACK -> RollbackReport.Status.ROLLED_BACK;
            case ALREADY_ROLLED_BACK -> RollbackReport.Status.ALREADY_ROLLED_BACK;
            case FAILED -> RollbackReport.Status.FAILED;
        };
        return new RollbackReport.Unit(rel.service(), rel.environment(), rel.strategy(), status, rel.version(), null, toVersion, null,
                r.action(), r.rolledBackAt(), r.warnings());
    }

    static RollbackReport.Status overall(List<RollbackReport.Unit> units) {
        if (units.stream().anyMatch(u -> u.status() == RollbackReport.Status.FAILED)) {
            return RollbackReport.Status.FAILED;
        }
        if (units.stream().anyMatch(u -> u.status() == RollbackReport.Status.ROLLED_BACK)) {
            return RollbackReport.Status.ROLLED_BACK;
        }
        if (units.stream().anyMatch(u -> u.status() == RollbackReport.Status.ALREADY_ROLLED_BACK)) {
            return RollbackReport.Status.ALREADY_ROLLED_BACK;
        }
        return RollbackReport.Status.NOTHING_TO_ROLL_BACK;
    }

    private static String describe(UnitPlan p) {
        Deployment.Released r = p.last();
        Deployment.Switched s = p.lastSwitch();
        if (r != null) {
            return r.environment() + "/" + r.service() + " " + r.record().version() + " (" + r.request().strategy()
                    + (r.record().colour() == null ? "" : ", " + r.record().colour()) + (s == null ? "" : ", switched by blueGreenSwitch") + ")";
        }
        return s.service() + " (" + s.router().describe() + ", switched " + s.from() + " → " + s.to() + ")";
    }

    private RollbackReport.Unit rollBack(UnitPlan p, RollbackOptions o) throws InterruptedException {
        Deployment.Released last = p.last();
        if (last == null) {
            return switchBack(p, null, p.lastSwitch().router(), o);
        }
        if (last.request().strategy() == Strategy.BLUE_GREEN) {
            RouterSpec router = p.lastSwitch() != null ? p.lastSwitch().router() : null;
            for (Deployment.Released r : p.releases()) {
                router = router != null ? router : r.router();
            }
            return router == null ? stopUnused(p, o) : switchBack(p, last, router, o);
        }
        return redeploy(p, o);
    }

    // ------------------------------------------------------------------------------------------------ blue-green

    private RollbackReport.Unit switchBack(UnitPlan p, Deployment.Released rel, RouterSpec routerSpec, RollbackOptions o) throws InterruptedException {
        Deployment.Switched sw = p.lastSwitch();
        Deployment.Switched sw0 = p.firstSwitch();
        ReleaseRecord bad = rel == null ? null : rel.record();
        ReleaseRecord good = rel == null ? null : p.first().record().previous();
        String routerService = sw != null ? sw.service() : rel.service();
        String badColour = sw != null ? sw.to() : bad.colour();
        String goodColour = sw0 != null && sw0.from() != null ? sw0.from() : good != null && good.colour() != null ? good.colour()
                : rel != null && rel.request().ports() instanceof PortPlan.Colours c && badColour != null ? c.other(badColour) : null;
        String badVersion = bad != null ? bad.version() : sw.toVersion();
        String goodVersion = good == null ? null : good.version();
        List<String> warnings = new ArrayList<>();
        Progress u = new Progress(p, badVersion, badColour, goodVersion, goodColour);
        if (goodColour == null) {
            return u.failed(badColour + " (" + badVersion + ") was the first colour to get traffic: there is no previous colour to go back to; it keeps serving");
        }
        URI url = sw != null ? sw.publicUrl() : rel.request().switchSettings() == null ? null : rel.request().switchSettings().publicHealthUrl();
        if (url == null) {
            return u.failed("no public health URL was recorded for verifying a switch of " + routerService + "; switch by hand (blueGreenSwitch to: '"
                    + goodColour + "')");
        }
        String versionPath = sw != null ? sw.versionPath() : rel.request().switchSettings().versionJsonPath();
        Duration deadline = o.verifyDeadline() != null ? o.verifyDeadline() : sw != null ? sw.verifyDeadline() : rel.request().switchSettings().verifyDeadline();
        int samples = o.samples() != null ? o.samples() : sw != null ? sw.samples() : rel.request().switchSettings().consecutiveSamples();
        List<TrafficRouter.Upstream> goodServers = servers(goodColour, sw, rel);
        TrafficRouter router = routerSpec.create(routerService, routerHost, commands, log);
        String active;
        try {
            active = router.activeColour();
        } catch (IOException e) {
            return u.failed("cannot tell which colour " + routerSpec.describe() + " routes to: " + masker.describe(e) + "; nothing was changed");
        }
        String stateDir = rel == null ? null : stateDir(rel);
        RollbackJournal journal = new RollbackJournal(files, stateDir == null ? null : RollbackJournal.path(stateDir, rel.service()), log, clock);
        if (goodColour.equals(active)) {
            String done = routerSpec.kind() + " already routes " + routerService + " to " + goodColour + (goodVersion == null ? "" : " (" + goodVersion + ")");
            log.info("autoRollback: " + u.what + ": " + done + "; nothing to switch");
            if (rel != null) {
                fixState(rel, bad, good, warnings);
            }
            String stopped = o.keepFailedColour() ? "" : stopFailed(rel, sw, badColour, warnings, null);
            return u.result(RollbackReport.Status.ALREADY_ROLLED_BACK, done + stopped, null, warnings);
        }
        if (!Objects.equals(badColour, active)) {
            return u.failed(routerSpec.describe() + " routes " + routerService + " to " + (active == null ? "no known colour" : active) + ", neither the failed "
                    + badColour + " nor the previous " + goodColour + ": someone changed it after this build; nothing was changed");
        }
        Map<String, Object> from = release(bad == null ? null : bad.releaseId(), badVersion, badColour);
        Map<String, Object> to = release(good == null ? null : good.releaseId(), goodVersion, goodColour);
        String by = routerSpec.kind() + " → " + goodColour;
        journal.begin(rel == null ? routerService : rel.service(), rel == null ? null : rel.environment(), o.buildUrl(), from, to,
                "nothing changed yet; " + routerService + " is served by " + badColour + " (" + badVersion + ")");
        log.info("autoRollback: " + u.what + ": " + routerSpec.describe() + " routes to the failed " + badColour + " (" + badVersion + "); going back to "
                + goodColour + (goodVersion == null ? "" : " (" + goodVersion + ")"));

        // 1. the previous colour: warm, stopped or gone
        String expect;
        boolean redeployed = false;
        Warmth w = warmth(goodServers, url, versionPath);
        if (w.ok()) {
            expect = w.version();
            log.info("autoRollback: " + goodColour + " is warm: " + w.describe());
            if (goodVersion != null && !goodVersion.equals(expect)) {
                warnings.add(goodColour + " serves " + expect + ", not " + goodVersion + " as recorded; switching back to what it serves");
            }
            journal.step(goodColour + " is warm", "done", w.describe(), null);
        } else {
            log.info("autoRollback: " + goodColour + " does not serve: " + w.describe());
            String restart = "start " + goodColour + " (" + (goodVersion == null ? "the previous release" : goodVersion) + "), wait until it is healthy, then "
                    + "run autoRollback again (or squad rollback)";
            String restartNext = restart + "; " + routerService + " is still served by " + badColour + " (" + badVersion + ")";
            try {
                if (rel == null) {
                    restartStoppedColour(sw, goodColour, goodServers, url, versionPath, o);
                    w = warmth(goodServers, url, versionPath);
                    if (!w.ok()) {
                        throw new DeployException(goodColour + " was started but does not serve within " + o.healthTimeout().toSeconds() + " s: " + w.describe());
                    }
                    expect = w.version();
                    journal.step("start " + goodColour, "done", w.describe(), null);
                } else {
                    List<ContainerInfo> stopped = previousContainers(rel, goodColour, good);
                    if (!stopped.isEmpty()) {
                        startAndWait(stopped, goodColour + " (" + goodVersion + ")", o.healthTimeout());
                        w = warmth(goodServers, url, versionPath);
                        if (!w.ok()) {
                            throw new DeployException(goodColour + " is healthy but does not serve at " + goodServers + ": " + w.describe());
                        }
                        expect = w.version();
                        journal.step("start " + goodColour + " again", "done", w.describe(), null);
                    } else {
                        log.info("autoRollback: no container of " + goodColour + " (" + goodVersion + ") is left: releasing " + goodVersion + " again");
                        ReleaseRecord again = redeployTo(rel, good, router, o, journal);
                        redeployed = true;
                        goodColour = again.colour();
                        goodServers = List.of(new TrafficRouter.Upstream(rel.request().upstreamHost(), again.instances().get(0).port()));
                        expect = again.version();
                        by = routerSpec.kind() + " → " + goodColour + " (released " + goodVersion + " again)";
                    }
                }
            } catch (IOException | ParameterException e) {
                String why = masker.describe(e);
                journal.step("bring " + goodColour + " back", "failed", why, restartNext);
                journal.finish("failed", restartNext);
                return u.failed(goodColour + " (" + goodVersion + ") could not be brought back: " + why + ". Nothing was switched: " + routerService
                        + " is still served by " + badColour + " (" + badVersion + "). Next: " + restart + journalNote(journal));
            }
        }

        // 2. switch back, verified through the router
        SwitchResult r;
        String fixRouter = "fix the router, then run autoRollback again (or blueGreenSwitch to: '" + goodColour + "')";
        String switchNext = fixRouter + "; " + routerService + " is still served by " + badColour + " (" + badVersion + "), which was not stopped";
        try (DeployLock lock = stateDir == null ? null : DeployLock.acquire(files, stateDir + "/" + rel.service() + ".lock", rel.environment() + "/" + rel.service(),
                holder(rel, o), LOCK_WAIT, log)) {
            r = new BlueGreenSwitcher(router, routerHost, log, masker).switchTo(new SwitchRequest(routerService, goodColour, goodServers, url, expect,
                    versionPath, deadline, samples), SwitchOptions.defaults());
            journal.step("switch " + routerSpec.describe() + " to " + goodColour, "done", "verified: " + samples + " sample(s) in a row of " + url
                    + " reported " + expect, null);
            if (rel != null && !redeployed) {
                fixState(rel, bad, good, warnings);
            }
        } catch (RouterException e) {
            String why = masker.describe(e);
            journal.step("switch " + routerSpec.describe() + " to " + goodColour, "failed", why, switchNext);
            journal.finish("failed", switchNext);
            return u.failed("the router refused the switch back to " + goodColour + ": " + why + " " + routerService + " is still served by " + badColour
                    + " (" + badVersion + "), which keeps running. Next: " + fixRouter + journalNote(journal));
        } catch (SwitchFailedException e) {
            String why = masker.describe(e);
            String next = "find out why " + goodColour + " does not serve " + expect + " through " + url + "; then run autoRollback again";
            journal.step("switch " + routerSpec.describe() + " to " + goodColour, "failed", why, next);
            journal.finish("failed", next);
            return u.failed(why + " Next: " + next + journalNote(journal));
        } catch (IOException e) {
            String why = masker.describe(e);
            journal.step("switch " + routerSpec.describe() + " to " + goodColour, "failed", why, switchNext);
            journal.finish("failed", switchNext);
            return u.failed("switching back to " + goodColour + " failed: " + why + " " + routerService + " is still served by " + badColour + " ("
                    + badVersion + "), which keeps running. Next: " + fixRouter + journalNote(journal));
        }
        Instant back = r.verifiedAt();
        String action = routerSpec.kind() + " routes " + routerService + " to " + goodColour + " (" + expect + ") again, verified through " + url + " ("
                + samples + " sample(s) in a row, switch " + r.switchMillis() + " ms)" + (redeployed ? "; " + expect + " was released to " + goodColour + " again" : "");

        // 3. the failed colour, which gets no traffic any more
        String stopped = o.keepFailedColour() ? "; " + badColour + " keeps running (keepFailedColour)" : stopFailed(rel, sw, badColour, warnings, journal);
        journal.finish(warnings.isEmpty() ? "done" : "done-with-warnings", warnings.isEmpty() ? null : String.join("; ", warnings));
        log.info("autoRollback: " + u.what + ": rolled back by " + by);
        return u.result(RollbackReport.Status.ROLLED_BACK, action + stopped, back, warnings);
    }

    /** blue-green that this build never switched to: stop the unused colour, put the state file's current release back. */
    private RollbackReport.Unit stopUnused(UnitPlan p, RollbackOptions o) throws InterruptedException {
        Deployment.Released rel = p.last();
        ReleaseRecord bad = rel.record();
        ReleaseRecord good = p.first().record().previous();
        Progress u = new Progress(p, bad.version(), bad.colour(), good == null ? null : good.version(), good == null ? null : good.colour());
        if (Boolean.TRUE.equals(bad.trafficSwitched())) {
            // squadDeploy moved traffic itself, but its router was not recorded: stopping the colour would take the service down
            return u.failed("squadDeploy switched traffic to " + bad.colour() + " (" + bad.version() + ") itself, but its router was not recorded, so "
                    + "autoRollback cannot switch back; nothing was changed. Switch back by hand (blueGreenSwitch to: '"
                    + (good == null || good.colour() == null ? "<previous colour>" : good.colour()) + "'), or give squadDeploy's router to the record");
        }
        List<String> warnings = new ArrayList<>();
        boolean stateChanged = fixState(rel, bad, good, warnings);
        boolean running = false;
        try {
            for (ReleaseRecord.Instance i : bad.instances()) {
                ContainerInfo c = docker.byName(i.name());
                running |= c != null && c.running();
            }
        } catch (IOException e) {
            warnings.add("cannot tell whether " + bad.colour() + " still runs: " + masker.describe(e));
        }
        String served = (good == null ? "no earlier release" : good.colour() + " (" + good.version() + ")") + " serves as before";
        if (!running && !stateChanged) {
            return u.result(RollbackReport.Status.ALREADY_ROLLED_BACK, bad.colour() + " (" + bad.version() + ") got no traffic from this build and is not running; "
                    + served, null, warnings);
        }
        String stopped = o.keepFailedColour() || !running ? "" : stopFailed(rel, null, bad.colour(), warnings, null);
        return u.result(RollbackReport.Status.ROLLED_BACK, bad.colour() + " (" + bad.version() + ") never got traffic from this build (no router was switched to it): "
                + "nothing to switch back; " + served + stopped, clock.instant(), warnings);
    }

    private List<TrafficRouter.Upstream> servers(String colour, Deployment.Switched sw, Deployment.Released rel) {
        ColourSpec c = sw == null ? null : sw.colour(colour);
        if (c != null) {
            return c.servers();
        }
        if (rel != null && rel.request().ports() instanceof PortPlan.Colours cs && cs.ports().get(colour) != null) {
            return List.of(new TrafficRouter.Upstream(rel.request().upstreamHost(), cs.ports().get(colour)));
        }
        return List.of();
    }

    /** Whether every server of a colour answers 2xx with a version on the health path, sent directly (not through the router). */
    record Warmth(boolean ok, String version, List<String> answers) {
        String describe() {
            return String.join(", ", answers);
        }
    }

    private Warmth warmth(List<TrafficRouter.Upstream> servers, URI publicUrl, String versionPath) throws InterruptedException {
        if (servers.isEmpty()) {
            return new Warmth(false, null, List.of("no servers are known for it"));
        }
        String path = publicUrl.getRawPath() == null || publicUrl.getRawPath().isEmpty() ? "/" : publicUrl.getRawPath();
        if (publicUrl.getRawQuery() != null) {
            path += "?" + publicUrl.getRawQuery();
        }
        boolean ok = true;
        String version = null;
        List<String> answers = new ArrayList<>();
        for (TrafficRouter.Upstream s : servers) {
            String host = s.host().contains(":") && !s.host().startsWith("[") ? "[" + s.host() + "]" : s.host();
            String url = "http://" + host + ":" + s.port() + path;
            VersionSample v = routerHost.sample(url, versionPath, PROBE_TIMEOUT);
            answers.add(s + " " + v.outcome());
            boolean good = v.status() >= 200 && v.status() < 300 && v.problem() == null && v.version() != null;
            if (good && version != null && !version.equals(v.version())) {
                answers.add("its servers report different versions (" + version + ", " + v.version() + ")");
                good = false;
            }
            if (good) {
                version = v.version();
            }
            ok &= good;
        }
        return new Warmth(ok, ok ? version : null, answers);
    }

    /** The containers of the previous release in {@code colour} (stopped or not yet serving). */
    private List<ContainerInfo> previousContainers(Deployment.Released rel, String colour, ReleaseRecord good) throws IOException, InterruptedException {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(Labels.SERVICE, rel.service());
        l.put(Labels.ENVIRONMENT, rel.environment());
        l.put(Labels.COLOUR, colour);
        List<ContainerInfo> out = new ArrayList<>();
        for (ContainerInfo c : docker.containersWithLabels(l)) {
            if (good == null || good.releaseId() == null || good.releaseId().equals(c.labels().get(Labels.RELEASE))) {
                out.add(c);
            }
        }
        return out;
    }

    private void startAndWait(List<ContainerInfo> cs, String what, Duration timeout) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (ContainerInfo c : cs) {
            if (!c.running()) {
                log.info("autoRollback: docker start " + c.name() + " (" + c.describe() + ")");
                docker.start(c.id());
            }
            ids.add(c.id());
        }
        awaitHealthy(ids, what, timeout);
    }

    private void awaitHealthy(List<String> ids, String what, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        log.info("autoRollback: waiting up to " + timeout.toSeconds() + " s for " + what + " to be healthy");
        while (true) {
            List<ContainerInfo> cs = docker.inspect(ids);
            int healthy = 0;
            for (ContainerInfo c : cs) {
                if (!c.running() && !"restarting".equals(c.status()) && !"created".equals(c.status())) {
                    throw new DeployException(what + ": container " + c.name() + " is " + c.describe() + "; its last output: " + docker.logs(c.id(), 10).strip());
                }
                if (c.running() && (c.health() == null || "healthy".equals(c.health()))) {
                    healthy++;
                }
            }
            if (cs.size() == ids.size() && healthy == cs.size()) {
                log.info("autoRollback: " + what + " is healthy after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new DeployException(what + " did not become healthy within " + timeout.toSeconds() + " s: "
                        + String.join("; ", cs.stream().map(c -> c.name() + ": " + c.describe()).toList()));
            }
            Thread.sleep(Math.max(1, Math.min(pollMillis, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
        }
    }

    /** Switch only (no release recorded): {@code docker start} the colour's containers as blueGreenSwitch stopped them, then wait until it serves. */
    private void restartStoppedColour(Deployment.Switched sw, String colour, List<TrafficRouter.Upstream> servers, URI url, String versionPath,
                                      RollbackOptions o) throws IOException, InterruptedException {
        ColourSpec c = sw.colour(colour);
        if (c == null || !(c.stopper() instanceof DockerColourStopper d)) {
            throw new DeployException("blueGreenSwitch was given no containers for " + colour + ", so autoRollback cannot start it");
        }
        List<String> names = new ArrayList<>(d.containers());
        if (names.isEmpty()) {
            names.addAll(docker.ps(List.of("label=com.docker.compose.project=" + d.composeProject(), "label=com.docker.compose.service=" + d.composeService()), true));
        }
        if (names.isEmpty()) {
            throw new DeployException("no container of " + colour + " is left (" + d.describe() + ")");
        }
        for (String n : names) {
            log.info("autoRollback: docker start " + n);
            docker.start(n);
        }
        long deadline = System.nanoTime() + o.healthTimeout().toNanos();
        while (!warmth(servers, url, versionPath).ok()) {
            if (System.nanoTime() - deadline >= 0) {
                return; // the caller says what it answers
            }
            Thread.sleep(pollMillis);
        }
    }

    /** Releases {@code good}'s image again to the idle colour (blueGreen), without switching; returns the new record. */
    private ReleaseRecord redeployTo(Deployment.Released rel, ReleaseRecord good, TrafficRouter router, RollbackOptions o, RollbackJournal journal)
            throws IOException, InterruptedException {
        if (good == null) {
            throw new DeployException("no previous release is recorded, so there is no image to release again");
        }
        DeployRequest req = again(rel.request(), image(rel, good), good.version(), o);
        journal.step("release " + good.version() + " again (" + req.image() + ")", "started", null,
                "the release of " + good.version() + " was started; check the containers of " + rel.service() + ", then run autoRollback again");
        ReleaseRecord rec = new SquadDeployer(docker, files, log, masker).withHandover(router, null).deploy(req);
        journal.step("release " + good.version() + " again (" + req.image() + ")", "done", rec.summary(), null);
        return rec;
    }

    // ------------------------------------------------------------------------------------------------ rolling / recreate

    private RollbackReport.Unit redeploy(UnitPlan p, RollbackOptions o) throws InterruptedException {
        Deployment.Released rel = p.last();
        ReleaseRecord bad = rel.record();
        ReleaseRecord good = p.first().record().previous();
        Progress u = new Progress(p, bad.version(), null, good == null ? null : good.version(), null);
        String stateDir;
        ReleaseStore.State state;
        ReleaseRecord live;
        try {
            stateDir = stateDir(rel);
            state = new ReleaseStore(files, ReleaseStore.stateFile(stateDir, rel.service())).read();
            live = state.current() != null ? state.current()
                    : new SquadDeployer(docker, files, log, masker).currentFromLabels(rel.environment(), rel.service());
        } catch (IOException e) {
            return u.failed("cannot tell what runs now: " + masker.describe(e) + "; nothing was changed");
        }
        if (live == null) {
            return u.result(RollbackReport.Status.NOTHING_TO_ROLL_BACK, "no release of " + rel.service() + " runs (no state file, no labelled container)", null, List.of());
        }
        if (!bad.releaseId().equals(live.releaseId())) {
            boolean back = good != null && (good.releaseId().equals(live.releaseId()) || (Objects.equals(good.version(), live.version())
                    && live.previous() != null && bad.releaseId().equals(live.previous().releaseId())));
            if (back) {
                return u.result(RollbackReport.Status.ALREADY_ROLLED_BACK, rel.service() + " already runs " + live.version() + " again (release "
                        + live.releaseId() + ", deployed " + live.deployedAt() + ")", null, List.of());
            }
            return u.result(RollbackReport.Status.NOTHING_TO_ROLL_BACK, "a later release runs now (" + live.summary() + "); it was not touched", null, List.of());
        }
        if (good == null) {
            return u.failed(bad.version() + " is the first release of " + rel.service() + ": there is no previous release to go back to; it keeps running");
        }
        RollbackJournal journal = new RollbackJournal(files, RollbackJournal.path(stateDir, rel.service()), log, clock);
        journal.begin(rel.service(), rel.environment(), o.buildUrl(), release(bad.releaseId(), bad.version(), null),
                release(good.releaseId(), good.version(), null), "nothing changed yet; " + rel.service() + " runs " + bad.version());
        String next = "bring the Docker host back (docker version must answer), then run autoRollback again (or squad rollback --service " + rel.service()
                + " --environment " + rel.environment() + " --state-dir " + stateDir + "); the state file " + ReleaseStore.stateFile(stateDir, rel.service())
                + " still says " + bad.version() + " is current and " + good.version() + " previous";
        DeployRequest req;
        try {
            req = again(rel.request(), image(rel, good), good.version(), o);
        } catch (IOException | ParameterException e) {
            String why = masker.describe(e);
            journal.step("find the image of " + good.version(), "failed", why, next);
            journal.finish("failed", next);
            return u.failed("the image of " + good.version() + " cannot be found: " + why + ". Nothing was changed. Next: " + next + journalNote(journal));
        }
        log.info("autoRollback: " + u.what + ": releasing " + good.version() + " (" + req.image() + ") again by " + req.strategy() + ", replacing " + bad.version());
        try {
            journal.step("release " + good.version() + " again (" + req.image() + ", " + req.strategy() + ")", "started", null, null);
            ReleaseRecord rec = new SquadDeployer(docker, files, log, masker).deploy(req);
            journal.step("release " + good.version() + " again", "done", rec.summary(), null);
            journal.finish("done", null);
            return u.result(RollbackReport.Status.ROLLED_BACK, rel.service() + " runs " + good.version() + " again (" + req.image() + ", " + req.strategy()
                    + ", healthy: " + rec.instances().size() + " instance(s)); release " + rec.releaseId(), clock.instant(), List.of());
        } catch (IOException | ParameterException e) {
            String why = masker.describe(e);
            journal.step("release " + good.version() + " again", "failed", why, next);
            journal.finish("failed", next);
            return u.failed("releasing " + good.version() + " again failed: " + why + " Next: " + next + journalNote(journal));
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The image to release {@code good} with: its tag when it still is that image, else its image ID tagged, else a rollback tag. */
    private ImageRef image(Deployment.Released rel, ReleaseRecord good) throws IOException, InterruptedException {
        ImageRef repo = rel.request().image();
        if (good.image() != null) {
            DockerClient.ImageInfo byTag = docker.inspectImage(good.image());
            if (byTag != null && (good.imageId() == null || good.imageId().equals(byTag.id()))) {
                return ImageRef.parse("previous.image", good.image());
            }
        }
        if (good.imageId() != null && docker.inspectImage(good.imageId()) != null) {
            String hex = good.imageId().startsWith("sha256:") ? good.imageId().substring(7) : good.imageId();
            String tag = repo.withTag("squad-rollback-" + hex.substring(0, Math.min(12, hex.length())));
            docker.tag(good.imageId(), tag);
            log.info("autoRollback: " + good.image() + " no longer names the image " + good.version() + " ran; tagged its image ID as " + tag);
            return ImageRef.parse("previous.image", tag);
        }
        if (good.image() != null) {
            return ImageRef.parse("previous.image", good.image()); // not on this host: imageSource auto pulls it
        }
        String tag = repo.withTag(rel.request().strategy() == Strategy.RECREATE ? "rollback" : "previous");
        if (docker.inspectImage(tag) == null) {
            throw new DeployException("the previous release's image is not recorded and " + tag + " does not exist");
        }
        return ImageRef.parse("previous.image", tag);
    }

    /** The recorded request with the previous image: no migration, no build, pulled only if missing. */
    private static DeployRequest again(DeployRequest r, ImageRef image, String version, RollbackOptions o) {
        return new DeployRequest(r.service(), r.environment(), image, version == null ? image.tag() : version, r.strategy(), r.target(), r.ports(),
                r.portVariable(), r.replicas(), o.healthTimeout(), List.of(), r.migrationTimeout(), r.stateDir(), r.lockTimeout(),
                o.buildUrl() != null ? o.buildUrl() : r.buildUrl(), ImageSource.AUTO, null, null, Map.of(), r.labels(), r.upstreamHost(), null);
    }

    private String stateDir(Deployment.Released rel) throws InterruptedException {
        String dir = rel.request().stateDir() != null ? rel.request().stateDir() : SquadDeployer.defaultStateDir(rel.environment());
        try {
            return files.resolve(dir);
        } catch (IOException e) {
            return dir;
        }
    }

    /**
     * The state file says the failed release is current: make the previous one current again (the failed one becomes
     * its previous). Returns whether it changed the file.
     */
    private boolean fixState(Deployment.Released rel, ReleaseRecord bad, ReleaseRecord good, List<String> warnings) throws InterruptedException {
        if (good == null) {
            return false;
        }
        try {
            ReleaseStore store = new ReleaseStore(files, ReleaseStore.stateFile(stateDir(rel), rel.service()));
            ReleaseStore.State before = store.read();
            if (before.current() == null || !bad.releaseId().equals(before.current().releaseId())) {
                return false;
            }
            ReleaseRecord full = before.previous() != null && good.releaseId() != null && good.releaseId().equals(before.previous().releaseId())
                    ? before.previous() : good;
            store.recordRelease(before, full.withPrevious(before.current()));
            log.info("autoRollback: " + store.path() + ": current release is " + full.version() + " again (" + full.releaseId() + ")");
            return true;
        } catch (IOException e) {
            warnings.add("could not update the state file: " + masker.describe(e));
            return false;
        }
    }

    /** Stops the failed colour's containers; returns the sentence for the action, adding a warning (and a journal note) when it fails. */
    private String stopFailed(Deployment.Released rel, Deployment.Switched sw, String colour, List<String> warnings, RollbackJournal journal)
            throws InterruptedException {
        List<String> stopped = new ArrayList<>();
        String how;
        try {
            if (rel != null && colour != null && colour.equals(rel.record().colour()) && !rel.record().instances().isEmpty()) {
                how = "docker stop " + String.join(" ", rel.record().instances().stream().map(ReleaseRecord.Instance::name).toList());
                for (ReleaseRecord.Instance i : rel.record().instances()) {
                    ContainerInfo c = docker.byName(i.name());
                    if (c != null && c.running()) {
                        docker.stop(c.id(), STOP_GRACE_S);
                        stopped.add(c.name());
                    }
                }
            } else {
                ColourSpec c = sw == null ? null : sw.colour(colour);
                if (c == null || c.stopper() == null) {
                    return "; " + colour + " keeps running (no containers are known for it)";
                }
                how = c.stopper().describe();
                c.stopper().stop(commands, log);
                stopped.add(colour);
            }
        } catch (IOException e) {
            String why = "stopping " + colour + " failed: " + masker.describe(e);
            warnings.add(why);
            log.warn("autoRollback: " + why);
            if (journal != null) {
                journal.step("stop " + colour, "failed", why, "stop " + colour + " by hand; it gets no traffic");
            }
            return "; " + colour + " was NOT stopped (see warning)";
        }
        if (journal != null) {
            journal.step("stop " + colour, "done", stopped.isEmpty() ? "was not running" : String.join(", ", stopped), null);
        }
        if (stopped.isEmpty()) {
            return "; " + colour + " is not running";
        }
        log.info("autoRollback: stopped the failed colour " + colour + ": " + String.join(", ", stopped));
        return "; " + colour + " stopped (" + how + ")";
    }

    private static Map<String, String> holder(Deployment.Released rel, RollbackOptions o) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("buildUrl", o.buildUrl());
        m.put("service", rel.service());
        m.put("environment", rel.environment());
        m.put("version", "rollback of " + rel.record().version());
        m.put("strategy", "autoRollback");
        return m;
    }

    private static Map<String, Object> release(String id, String version, String colour) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", id);
        m.put("version", version);
        m.put("colour", colour);
        return m;
    }

    private static String journalNote(RollbackJournal j) {
        return j.path() == null ? "" : " (journal: " + j.path() + ")";
    }

    private RollbackReport.Unit unit(UnitPlan p, RollbackReport.Status s, String action, Instant at, List<String> warnings) {
        return new Progress(p, null, null, null, null).result(s, action, at, warnings);
    }

    /** Builds the unit result of one plan. */
    private final class Progress {
        final UnitPlan p;
        final String what;
        final String fromVersion;
        final String fromColour;
        final String toVersion;
        final String toColour;

        Progress(UnitPlan p, String fromVersion, String fromColour, String toVersion, String toColour) {
            this.p = p;
            this.fromVersion = fromVersion;
            this.fromColour = fromColour;
            this.toVersion = toVersion;
            this.toColour = toColour;
            Deployment.Released r = p.last();
            this.what = r != null ? r.environment() + "/" + r.service() : p.lastSwitch().service();
        }

        RollbackReport.Unit result(RollbackReport.Status s, String action, Instant at, List<String> warnings) {
            Deployment.Released r = p.last();
            return new RollbackReport.Unit(r != null ? r.service() : p.lastSwitch().service(), r == null ? null : r.environment(),
                    r != null ? r.request().strategy().id() : "blueGreen", s, fromVersion, fromColour, toVersion, toColour, masker.mask(action), at, warnings);
        }

        RollbackReport.Unit failed(String action) {
            return result(RollbackReport.Status.FAILED, action, null, List.of());
        }
    }
}
