package io.jenkins.plugins.squaddeploy.engine.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchRequest;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * squadDeploy: releases one image of one service to Docker Compose or plain Docker by blue-green, rolling or
 * recreate. Everything that can be checked is checked before anything changes (parameters, files, the Docker
 * daemon, the compose file, the image, the lock); a release that fails its healthcheck never gets traffic; the
 * release record is written to the target (container labels and the state file), never kept in the build.
 */
public final class SquadDeployer {
    /** Moves traffic to a healthy new colour; by default {@link BlueGreenSwitcher#switchTo}. */
    @FunctionalInterface
    public interface Handover {
        SwitchResult switchTo(SwitchRequest request) throws IOException, InterruptedException;
    }

    static final int STOP_GRACE_S = 10;
    static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final DockerClient docker;
    private final DeployFiles files;
    private final ConsoleLog log;
    private final Masker masker;
    private TrafficRouter router;
    private Handover handover;
    private long pollMillis = 500;

    public SquadDeployer(DockerClient docker, DeployFiles files, ConsoleLog log, Masker masker) {
        this.docker = docker;
        this.files = files;
        this.log = log;
        this.masker = masker == null ? new Masker() : masker;
    }

    /** Hands a healthy blue-green release to {@link BlueGreenSwitcher} on {@code router}. */
    public SquadDeployer withRouter(TrafficRouter router) {
        return withHandover(router, router == null ? null : new BlueGreenSwitcher(router, log, masker)::switchTo);
    }

    /** As {@link #withRouter}, with another way to switch (tests, other switchers). {@code router} answers which colour is live. */
    public SquadDeployer withHandover(TrafficRouter router, Handover handover) {
        this.router = router;
        this.handover = handover;
        return this;
    }

    SquadDeployer pollEvery(long millis) {
        this.pollMillis = millis;
        return this;
    }

    /** The default state directory: {@code ../.squad-deploy/<environment>} from the working directory (the workspace). */
    public static String defaultStateDir(String environment) {
        return "../.squad-deploy/" + environment;
    }

    /**
     * Deploys. Returns the release record (also written to the target). Throws {@link ParameterException} for a bad
     * parameter (nothing changed), {@link DeployException} when the deploy could not be done (the message says what
     * state the target is in).
     */
    public ReleaseRecord deploy(DeployRequest req) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        String what = req.environment() + "/" + req.service();
        log.info("squadDeploy: " + what + " " + req.version() + " (" + req.image() + ") by " + req.strategy() + " on " + req.target().kind()
                + (req.ports() instanceof PortPlan.Single s && s.port() == null ? "" : ", ports " + req.ports()));
        if (handover != null && req.strategy() == Strategy.BLUE_GREEN && req.switchSettings() == null) {
            throw new ParameterException("router", "a router is configured but not how to verify the switch",
                    "the public health URL, version JSON path, deadline and samples of the switch");
        }

        // 1. files, 2. daemon, 3. compose file, 4. image: all before the lock and before anything changes
        String stateDir = files.resolve(req.stateDir() != null ? req.stateDir() : defaultStateDir(req.environment()));
        if (files.isRegularFile(stateDir)) {
            throw new ParameterException("stateDir", stateDir + " is a file", "a directory (created when missing)");
        }
        Runtime runtime = runtime(req, stateDir);
        runtime.checkFiles();
        String serverVersion = docker.ping();
        runtime.checkTool(serverVersion);
        ImageRef ref = req.image();
        DockerClient.ImageInfo image = obtainImage(req);
        if (!image.hasHealthcheck() && req.target() instanceof TargetSpec.Docker) {
            throw new ParameterException("image", req.image() + " has no HEALTHCHECK, so squadDeploy cannot tell when a release is healthy",
                    "an image with a HEALTHCHECK (Dockerfile: HEALTHCHECK CMD wget -q -O- http://127.0.0.1:$PORT/health || exit 1)");
        }

        // 5. the lock
        String lockFile = stateDir + "/" + req.service() + ".lock";
        Map<String, String> me = new LinkedHashMap<>();
        me.put("buildUrl", req.buildUrl());
        me.put("service", req.service());
        me.put("environment", req.environment());
        me.put("version", req.version());
        me.put("strategy", req.strategy().id());
        ReleaseStore store = new ReleaseStore(files, ReleaseStore.stateFile(stateDir, req.service()));
        try (DeployLock lock = DeployLock.acquire(files, lockFile, what, me, req.lockTimeout(), log)) {
            ReleaseStore.State before = store.read();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String releaseId = ID_TIME.format(now) + "-" + HexFormat.of().formatHex(randomBytes(3));
            ReleaseRecord live = liveRelease(runtime, before);
            ReleaseRecord rec = new ReleaseRecord(releaseId, req.service(), req.environment(), req.version(), ref.toString(), image.id(),
                    image.digestFor(ref.name()), req.strategy().id(), req.target().kind(), null, List.of(), now.toString(), req.buildUrl(),
                    null, store.path(), live);
            try {
                rec = switch (req.strategy()) {
                    case BLUE_GREEN -> blueGreen(req, runtime, rec, before);
                    case ROLLING -> rolling(req, runtime, rec);
                    case RECREATE -> recreate(req, runtime, rec, before);
                };
            } catch (DeployException e) {
                noteFailure(store, before, req, e.getMessage());
                throw e;
            } catch (ParameterException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                noteFailure(store, before, req, String.valueOf(e.getMessage()));
                throw e;
            }
            store.recordRelease(before, rec);
            if (lock.lost()) {
                log.warn("squadDeploy: the deploy lock's lease was not renewed at some point; another deploy may have run at the same time");
            }
            log.info("squadDeploy: released " + what + " " + rec.summary() + " in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)
                    + " s; record in " + store.path() + " and on the containers' " + Labels.PREFIX + "* labels");
            return rec;
        }
    }

    private void noteFailure(ReleaseStore store, ReleaseStore.State before, DeployRequest req, String reason) throws InterruptedException {
        try {
            store.recordFailure(before, req, req.buildUrl(), reason);
        } catch (IOException e) {
            log.warn("squadDeploy: could not note the failure in " + store.path() + ": " + e.getMessage());
        }
    }

    /** The release that runs now according to the target: the state file's current one, else the newest labelled running container. */
    private ReleaseRecord liveRelease(Runtime runtime, ReleaseStore.State before) throws IOException, InterruptedException {
        if (before.current() != null) {
            return before.current();
        }
        return runtime.newestRunningRelease();
    }

    // ------------------------------------------------------------------------------------------------ image

    private DockerClient.ImageInfo obtainImage(DeployRequest req) throws IOException, InterruptedException {
        String ref = req.image().toString();
        DockerClient.ImageInfo info;
        switch (req.imageSource()) {
            case BUILD -> {
                String context = files.resolve(req.buildContext());
                if (!files.isDirectory(context)) {
                    throw new ParameterException("buildContext", "no directory " + context, "the directory to build, such as '.'");
                }
                String dockerfile = null;
                if (req.dockerfile() != null) {
                    dockerfile = files.resolve(req.dockerfile());
                    if (!files.isRegularFile(dockerfile)) {
                        throw new ParameterException("dockerfile", "no file " + dockerfile, "the Dockerfile to build with (relative to the workspace)");
                    }
                }
                log.info("squadDeploy: docker build -t " + ref + " " + context);
                try {
                    docker.build(ref, context, dockerfile, req.buildArgs());
                } catch (DeployException e) {
                    throw new DeployException(e.getMessage() + ". Nothing was changed.");
                }
                info = docker.inspectImage(ref);
            }
            case PULL -> info = pull(ref);
            case LOCAL -> {
                info = docker.inspectImage(ref);
                if (info == null) {
                    throw new DeployException("the image " + ref + " is not on the Docker host and imageSource is 'local'; build or load it first"
                            + " (or use imageSource: 'build' or 'auto'). Nothing was changed.");
                }
            }
            default -> {
                info = docker.inspectImage(ref);
                if (info == null) {
                    info = pull(ref);
                }
            }
        }
        if (info == null) {
            throw new DeployException("the image " + ref + " is still not on the Docker host after " + req.imageSource() + ". Nothing was changed.");
        }
        log.info("squadDeploy: image " + ref + " is " + info.id() + (info.repoDigests().isEmpty() ? " (local, no registry digest)"
                : " (" + info.digestFor(req.image().name()) + ")"));
        return info;
    }

    private DockerClient.ImageInfo pull(String ref) throws IOException, InterruptedException {
        log.info("squadDeploy: docker pull " + ref);
        try {
            docker.pull(ref);
        } catch (DeployException e) {
            throw new DeployException("the image " + ref + " could not be pulled: " + e.getMessage()
                    + ". Build it on the Docker host (imageSource: 'build') or load it, then deploy again. Nothing was changed.");
        }
        return docker.inspectImage(ref);
    }

    /** Tags the image ID {@code imageId} as {@code <repository>:<tag>} for each tag, saying so. */
    private void tagOutgoing(DeployRequest req, ReleaseRecord outgoing, String imageId, String... tags) throws IOException, InterruptedException {
        if (imageId == null || imageId.isBlank()) {
            return;
        }
        for (String t : tags) {
            String target = req.image().withTag(t);
            docker.tag(imageId, target);
            log.info("squadDeploy: tagged the outgoing image " + shortId(imageId) + (outgoing == null ? "" : " (" + outgoing.version() + ")") + " as " + target);
        }
    }

    // ------------------------------------------------------------------------------------------------ blueGreen

    private ReleaseRecord blueGreen(DeployRequest req, Runtime rt, ReleaseRecord rec, ReleaseStore.State before)
            throws IOException, InterruptedException {
        PortPlan.Colours colours = req.colours();
        Map<String, List<ContainerInfo>> byColour = new LinkedHashMap<>();
        for (String c : colours.colours()) {
            List<ContainerInfo> cs = rt.containers(c);
            for (ContainerInfo ci : cs) {
                if (!rt.isOurs(ci)) {
                    throw new DeployException("container " + ci.name() + " (" + rt.unit(c) + ") exists but was not started by squadDeploy for "
                            + req.environment() + "/" + req.service() + " (no matching " + Labels.SERVICE + "/" + Labels.ENVIRONMENT
                            + " labels); rename or remove it, or choose other colours. Nothing was changed.");
                }
            }
            byColour.put(c, cs);
        }
        String live = null;
        String why;
        String routed = router == null ? null : router.activeColour();
        if (routed != null && colours.ports().containsKey(routed)) {
            live = routed;
            why = "the " + router.kind() + " router sends traffic to " + routed;
        } else {
            List<String> running = colours.colours().stream().filter(c -> byColour.get(c).stream().anyMatch(ContainerInfo::running)).toList();
            if (running.size() == 2) {
                throw new DeployException("cannot tell which colour is live: both " + rt.unit(running.get(0)) + " and " + rt.unit(running.get(1))
                        + " are running and " + (router == null ? "no router is configured" : "the " + router.kind() + " router routes to neither")
                        + ". Stop the colour that gets no traffic (it was kept for a rollback), or deploy with a router. Nothing was changed.");
            }
            live = running.isEmpty() ? null : running.get(0);
            why = live == null ? "no colour is running (first release)" : "only " + live + " is running";
        }
        String target = live == null ? colours.colours().get(0) : colours.other(live);
        int port = colours.ports().get(target);
        ReleaseRecord liveRec = live == null ? null : rt.releaseOf(byColour.get(live));
        if (liveRec != null && (rec.previous() == null || !String.valueOf(liveRec.releaseId()).equals(rec.previous().releaseId()))) {
            // the state file's current release is not the live colour (e.g. a release that was never switched to): the
            // running system wins, the release that really serves is the previous one
            rec = rec.withPrevious(liveRec);
        }
        log.info("squadDeploy: live colour: " + (live == null ? "none" : live) + " (" + why + "); the new release goes to " + target
                + " (" + rt.unit(target) + ", port " + port + ")");
        rec = new ReleaseRecord(rec.releaseId(), rec.service(), rec.environment(), rec.version(), rec.image(), rec.imageId(), rec.digest(),
                rec.strategy(), rec.target(), target, List.of(), rec.deployedAt(), rec.buildUrl(), null, rec.stateFile(), rec.previous());

        rt.prepare(target, port, labels(req, rec, target, port), req.image().toString(), target);
        List<ContainerInfo> idle = byColour.get(target);
        for (ContainerInfo c : idle) {
            log.info("squadDeploy: removing the idle colour's container " + c.name() + " (" + c.labels().getOrDefault(Labels.VERSION, "?") + ", " + c.status() + ")");
            docker.remove(c.id());
        }
        if (live != null && liveRec != null) {
            tagOutgoing(req, liveRec, byColour.get(live).get(0).imageId(), "previous");
        }
        List<ContainerInfo> started = List.of();
        try {
            started = rt.start(target);
            rec = rec.withInstances(instances(started, port));
            awaitHealthy(rt, ids(started), req.version() + " in " + target + " (" + rt.unit(target) + ")", req.healthTimeout());
            if (!req.migration().isEmpty()) {
                migrate(req, rt, target);
            }
        } catch (IOException | RuntimeException e) {
            boolean stopped = stopQuietly(started.isEmpty() ? safeContainers(rt, target) : started, rt.unit(target));
            throw new DeployException(e.getMessage() + ". " + rt.unit(target) + (stopped ? " was stopped and got no traffic; "
                    : " got no traffic (it could not be stopped, see the warning above); ") + liveColourAfterFailure(rt, live, liveRec) + ".", e);
        } catch (InterruptedException e) {
            boolean interrupted = Thread.interrupted();
            try {
                stopQuietly(started.isEmpty() ? safeContainers(rt, target) : started, rt.unit(target));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }

        if (handover == null) {
            log.info("squadDeploy: " + target + " runs " + req.version() + ", healthy" + (req.migration().isEmpty() ? "" : " and migrated")
                    + "; it gets no traffic until the router is switched (blueGreenSwitch)" + (live == null ? "" : "; " + live + " keeps serving"));
            return rec.withTrafficSwitched(false);
        }
        DeployRequest.SwitchSettings s = req.switchSettings();
        SwitchRequest sr = new SwitchRequest(req.service(), target, List.of(new TrafficRouter.Upstream(req.upstreamHost(), port)),
                s.publicHealthUrl(), req.version(), s.versionJsonPath(), s.verifyDeadline(), s.consecutiveSamples());
        log.info("squadDeploy: switching traffic to " + target + " through the " + router.kind() + " router");
        SwitchResult result;
        try {
            result = handover.switchTo(sr);
        } catch (IOException | RuntimeException e) {
            String now = null;
            try {
                now = router.activeColour();
            } catch (IOException | RuntimeException ignored) {
                // unknown: keep the new colour running to be safe
            }
            boolean stopped = false;
            if (now != null && !now.equals(target)) {
                stopQuietly(started, rt.unit(target));
                stopped = true;
            }
            String cause = String.valueOf(e.getMessage());
            throw new DeployException("switching traffic to " + target + " failed: " + (cause.endsWith(".") ? cause.substring(0, cause.length() - 1) : cause)
                    + ". The router now routes to "
                    + (now == null ? "an unknown colour" : now) + "; " + rt.unit(target) + (stopped ? " was stopped." : " was left running (check the router)."), e);
        }
        log.info("squadDeploy: traffic moved from " + (result.from() == null ? "no colour" : result.from()) + " to " + result.to() + " in " + result.switchMillis() + " ms");
        return rec.withTrafficSwitched(true);
    }

    private void migrate(DeployRequest req, Runtime rt, String instance) throws IOException, InterruptedException {
        log.info("squadDeploy: running the migration once in " + rt.unit(instance) + ", before any traffic: " + String.join(" ", req.migration()));
        CommandResult r = rt.migrate(instance, req.migration(), req.migrationTimeout());
        StepConsole.toolOutput(log, r.stdout() + r.stderr(), StepConsole.TOOL_LINES, "the deploy report (squad-deploy-report/output/)");
        if (!r.succeeded()) {
            throw new DeployException("the migration " + String.join(" ", req.migration()) + " failed in " + rt.unit(instance) + " ("
                    + (r.timedOut() ? "timed out after " + req.migrationTimeout().toSeconds() + " s" : "exit " + r.exitCode() + ": " + r.lastLine())
                    + "); the database may be partly migrated: check it before deploying again");
        }
        log.info("squadDeploy: migration done in " + r.elapsedMs() + " ms");
    }

    // ------------------------------------------------------------------------------------------------ rolling

    private ReleaseRecord rolling(DeployRequest req, Runtime rt, ReleaseRecord rec) throws IOException, InterruptedException {
        PortPlan.Range range = (PortPlan.Range) req.ports();
        Map<String, List<ContainerInfo>> groups = rt.ourInstances();
        List<String> old = new ArrayList<>();
        for (Map.Entry<String, List<ContainerInfo>> g : groups.entrySet()) {
            if (g.getValue().stream().anyMatch(ContainerInfo::running)) {
                old.add(g.getKey());
            }
        }
        int n = req.replicas() != null ? req.replicas() : Math.max(1, old.size());
        if (range.size() < n + 1) {
            throw new ParameterException("target.ports", "the range " + range + " holds " + range.size() + " ports; rolling " + n
                    + " replicas needs " + (n + 1) + " (one new replica starts before an old one stops)", PortPlan.accepted(Strategy.ROLLING));
        }
        String rel = rec.releaseId().substring(rec.releaseId().length() - 6);
        for (Map.Entry<String, List<ContainerInfo>> g : groups.entrySet()) {
            if (!old.contains(g.getKey())) {
                for (ContainerInfo c : g.getValue()) {
                    log.info("squadDeploy: removing the stopped container " + c.name() + " (" + c.labels().getOrDefault(Labels.VERSION, "?") + ")");
                    docker.remove(c.id());
                }
            }
        }
        log.info("squadDeploy: rolling " + n + " replica(s) of " + req.service() + " to " + req.version() + ", one at a time; "
                + old.size() + " replica(s) run now" + (old.isEmpty() ? "" : ": " + String.join(", ", old.stream().map(rt::unit).toList())));
        if (!old.isEmpty()) {
            tagOutgoing(req, rec.previous(), groups.get(old.get(0)).get(0).imageId(), "previous");
        }
        Set<Integer> busy = new LinkedHashSet<>();
        for (String o : old) {
            groups.get(o).forEach(c -> {
                String p = c.labels().get(Labels.PORT);
                if (p != null) {
                    busy.add(Integer.valueOf(p));
                }
            });
        }
        List<String> fresh = new ArrayList<>();
        Map<String, List<ContainerInfo>> freshContainers = new LinkedHashMap<>();
        List<ReleaseRecord.Instance> instances = new ArrayList<>();
        List<String> retired = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int port = -1;
                for (int p = range.low(); p <= range.high(); p++) {
                    if (!busy.contains(p)) {
                        port = p;
                        break;
                    }
                }
                if (port < 0) {
                    throw new DeployException("no free port left in " + range + " for replica " + (i + 1) + " of " + n);
                }
                String inst = port + "-" + rel;
                rt.prepare(inst, port, labels(req, rec, inst, port), req.image().toString(), null);
                log.info("squadDeploy: starting replica " + (i + 1) + "/" + n + ": " + rt.unit(inst) + " on port " + port);
                fresh.add(inst);
                List<ContainerInfo> started = rt.start(inst);
                freshContainers.put(inst, started);
                busy.add(port);
                awaitHealthy(rt, ids(started), "replica " + (i + 1) + "/" + n + " (" + rt.unit(inst) + ")", req.healthTimeout());
                instances.addAll(instances(started, port));
                if (i < old.size()) {
                    retire(rt, old.get(i), groups.get(old.get(i)), retired, busy, (i + 1) + "/" + old.size());
                }
            }
            for (int i = n; i < old.size(); i++) {
                retire(rt, old.get(i), groups.get(old.get(i)), retired, busy, (i + 1) + "/" + old.size() + ", scaling down to " + n);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            boolean interrupted = Thread.interrupted();
            try {
                String back = rollBackRolling(req, rt, fresh, freshContainers, retired, groups);
                if (!(e instanceof InterruptedException)) {
                    throw new DeployException(e.getMessage() + ". The rolling release of " + req.version() + " was undone: " + back, e);
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
        for (String r : retired) {
            for (ContainerInfo c : groups.get(r)) {
                docker.remove(c.id());
            }
        }
        log.info("squadDeploy: " + n + " replica(s) of " + req.version() + " run: " + String.join(", ", fresh.stream().map(rt::unit).toList())
                + "; upstreams " + instances.stream().map(i -> req.upstreamHost() + ":" + i.port()).distinct().collect(Collectors.joining(", ")));
        return rec.withInstances(instances);
    }

    private void retire(Runtime rt, String inst, List<ContainerInfo> cs, List<String> retired, Set<Integer> busy, String progress)
            throws IOException, InterruptedException {
        for (ContainerInfo c : cs) {
            docker.stop(c.id(), STOP_GRACE_S);
            String p = c.labels().get(Labels.PORT);
            if (p != null) {
                busy.remove(Integer.valueOf(p));
            }
        }
        retired.add(inst);
        log.info("squadDeploy: retired old replica " + progress + ": " + rt.unit(inst) + " (" + cs.get(0).labels().getOrDefault(Labels.VERSION, "?")
                + ", stopped; removed once the release is complete)");
    }

    private String rollBackRolling(DeployRequest req, Runtime rt, List<String> fresh, Map<String, List<ContainerInfo>> freshContainers,
                                   List<String> retired, Map<String, List<ContainerInfo>> groups) throws InterruptedException {
        List<String> notes = new ArrayList<>();
        for (String f : fresh) {
            List<ContainerInfo> cs = freshContainers.getOrDefault(f, List.of());
            if (cs.isEmpty()) {
                try {
                    cs = rt.containers(f);
                } catch (IOException e) {
                    notes.add("could not list " + rt.unit(f) + ": " + e.getMessage());
                }
            }
            for (ContainerInfo c : cs) {
                try {
                    docker.remove(c.id());
                } catch (IOException e) {
                    notes.add("could not remove " + c.name() + ": " + e.getMessage());
                }
            }
        }
        List<String> restarted = new ArrayList<>();
        for (String r : retired) {
            try {
                List<String> ids = new ArrayList<>();
                for (ContainerInfo c : groups.get(r)) {
                    docker.start(c.id());
                    ids.add(c.id());
                }
                awaitHealthy(rt, ids, "restarted old replica " + rt.unit(r), req.healthTimeout());
                restarted.add(rt.unit(r));
            } catch (IOException e) {
                notes.add("old replica " + rt.unit(r) + " did not come back: " + e.getMessage());
            }
        }
        return "the " + fresh.size() + " new replica(s) were removed" + (retired.isEmpty() ? "" : ", the retired old replica(s) "
                + String.join(", ", restarted) + " run again") + "; the old release serves as before"
                + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
    }

    // ------------------------------------------------------------------------------------------------ recreate

    private ReleaseRecord recreate(DeployRequest req, Runtime rt, ReleaseRecord rec, ReleaseStore.State before)
            throws IOException, InterruptedException {
        Integer port = ((PortPlan.Single) req.ports()).port();
        List<ContainerInfo> current = rt.containers("");
        List<ContainerInfo> running = current.stream().filter(ContainerInfo::running).toList();
        String unit = rt.unit("");
        for (ContainerInfo c : current) {
            if (!rt.isOurs(c)) {
                log.info("squadDeploy: " + c.name() + " was not started by squadDeploy; it is replaced all the same (recreate in place)");
            }
        }
        ReleaseRecord outgoing = rec.previous();
        if (!running.isEmpty()) {
            ReleaseRecord fromLabels = rt.isOurs(running.get(0)) ? rt.releaseOf(running) : null;
            if (fromLabels != null && (outgoing == null || !fromLabels.releaseId().equals(outgoing.releaseId()))) {
                outgoing = fromLabels;
                rec = rec.withPrevious(outgoing);
            }
        }
        String oldImageId = running.isEmpty() ? (current.isEmpty() ? null : current.get(0).imageId()) : running.get(0).imageId();
        tagOutgoing(req, outgoing, oldImageId, "rollback", "previous");
        rt.prepare("", port, labels(req, rec, "", port), req.image().toString(), null);
        log.info("squadDeploy: recreating " + unit + " in place with " + req.version() + (current.isEmpty() ? " (nothing runs yet)" : ""));
        List<ContainerInfo> started = List.of();
        try {
            started = rt.replaceInPlace(current);
            rec = rec.withInstances(instances(started, port));
            awaitHealthy(rt, ids(started), req.version() + " in " + unit, req.healthTimeout());
        } catch (IOException | RuntimeException | InterruptedException e) {
            boolean interrupted = Thread.interrupted();
            try {
                String back;
                if (oldImageId == null) {
                    stopQuietly(started.isEmpty() ? safeContainers(rt, "") : started, unit);
                    back = "nothing ran before, so " + unit + " was stopped";
                } else {
                    back = rollBackRecreate(req, rt, current, started, outgoing, before, port);
                }
                if (!(e instanceof InterruptedException)) {
                    throw new DeployException(e.getMessage() + ". " + back, e);
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
        rt.discardReplaced(current);
        return rec;
    }

    private String rollBackRecreate(DeployRequest req, Runtime rt, List<ContainerInfo> old, List<ContainerInfo> started, ReleaseRecord outgoing,
                                    ReleaseStore.State before, Integer port) throws InterruptedException {
        String rollbackRef = req.image().withTag("rollback");
        log.warn("squadDeploy: " + req.version() + " failed; rolling back to " + rollbackRef + (outgoing == null ? "" : " (" + outgoing.version() + ")"));
        try {
            List<ContainerInfo> back = rt.restoreInPlace(old, started, rollbackRef, outgoing, port);
            awaitHealthy(rt, ids(back), "the rollback in " + rt.unit(""), req.healthTimeout());
            return "Rolled back: " + rt.unit("") + " runs " + (outgoing == null ? "the previous image" : outgoing.version()) + " again (" + rollbackRef + ")";
        } catch (IOException e) {
            return "The rollback to " + rollbackRef + " failed too: " + e.getMessage() + "; restore by hand: docker tag " + rollbackRef + " and recreate";
        }
    }

    // ------------------------------------------------------------------------------------------------ health

    /** Waits until every container is running and its healthcheck says healthy; DeployException otherwise. */
    private void awaitHealthy(Runtime rt, List<String> ids, String what, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastReport = start;
        String lastState = null;
        log.info("squadDeploy: waiting up to " + timeout.toSeconds() + " s for " + what + " to be healthy (container healthcheck)");
        long daemonGoneSince = 0;
        long lastDaemonReport = 0;
        while (true) {
            List<ContainerInfo> cs;
            try {
                cs = docker.inspect(ids);
            } catch (IOException e) {
                // a Docker daemon that is restarting does not answer for a few seconds; its containers come back with
                // their restart policy (unless-stopped), so wait for it within the same health deadline
                String why = daemonDown(e);
                if (why == null) {
                    throw e;
                }
                long now = System.nanoTime();
                if (daemonGoneSince == 0) {
                    daemonGoneSince = now;
                }
                long gone = TimeUnit.NANOSECONDS.toSeconds(now - daemonGoneSince);
                if (now - deadline >= 0) {
                    throw new DeployException(what + " did not become healthy within " + timeout.toSeconds() + " s: the Docker daemon has not answered for "
                            + gone + " s (" + why + "); once `docker info` answers, deploy again");
                }
                if (lastDaemonReport == 0 || now - lastDaemonReport >= PROGRESS_EVERY_NANOS) {
                    log.warn("squadDeploy: the Docker daemon does not answer (" + why + ") for " + gone + " s; waiting for it and for " + what + ", "
                            + TimeUnit.NANOSECONDS.toSeconds(now - start) + " s of " + timeout.toSeconds() + " s");
                    lastDaemonReport = now;
                }
                Thread.sleep(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(deadline - now))));
                continue;
            }
            if (daemonGoneSince != 0) {
                log.info("squadDeploy: the Docker daemon answers again after " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - daemonGoneSince) + " s");
                daemonGoneSince = 0;
                lastDaemonReport = 0;
            }
            if (cs.size() < ids.size()) {
                throw new DeployException(what + ": " + (ids.size() - cs.size()) + " container(s) disappeared while starting");
            }
            int healthy = 0;
            for (ContainerInfo c : cs) {
                if (!c.running() && !"restarting".equals(c.status()) && !"created".equals(c.status())) {
                    throw new DeployException(what + " did not become healthy: container " + c.name() + " is " + c.describe()
                            + "; its last output: " + ContainerInfo.oneLine(docker.logs(c.id(), 20)));
                }
                if (c.running() && c.health() == null) {
                    throw new DeployException(what + ": container " + c.name() + " has no healthcheck, so squadDeploy cannot tell when it is"
                            + " ready; add a HEALTHCHECK to the image or a healthcheck: to the compose service");
                }
                if (c.running() && "healthy".equals(c.health())) {
                    healthy++;
                }
            }
            long now = System.nanoTime();
            long elapsed = TimeUnit.NANOSECONDS.toSeconds(now - start);
            String state = cs.stream().map(c -> c.name() + ": " + c.describe()).collect(Collectors.joining("; "));
            if (healthy == cs.size()) {
                log.info("squadDeploy: " + what + " is healthy: " + healthy + "/" + cs.size() + " after " + elapsed + " s");
                return;
            }
            if (now - deadline >= 0) {
                throw new DeployException(what + " did not become healthy within " + timeout.toSeconds() + " s: " + healthy + "/" + cs.size()
                        + " healthy; " + state);
            }
            String shape = cs.stream().map(c -> c.status() + "/" + c.health()).collect(Collectors.joining(","));
            if (!shape.equals(lastState) || now - lastReport >= PROGRESS_EVERY_NANOS) {
                log.info("squadDeploy: waiting for " + what + ": " + healthy + "/" + cs.size() + " healthy, " + elapsed + " s of "
                        + timeout.toSeconds() + " s; " + state);
                lastReport = now;
                lastState = shape;
            }
            Thread.sleep(Math.max(1, Math.min(pollMillis, TimeUnit.NANOSECONDS.toMillis(deadline - now))));
        }
    }

    /** Why the Docker daemon does not answer when {@code docker version} fails too, else null (the failure was something else). */
    private String daemonDown(IOException failure) throws InterruptedException {
        try {
            docker.ping();
            return null;
        } catch (DeployException.DockerUnavailable gone) {
            String m = failure.getMessage();
            return m == null ? "no answer" : m;
        } catch (IOException other) {
            return null;
        }
    }

    /** Stops the containers; false when one could not be stopped (warned). */
    private boolean stopQuietly(List<ContainerInfo> cs, String unit) throws InterruptedException {
        boolean all = true;
        for (ContainerInfo c : cs) {
            try {
                docker.stop(c.id(), STOP_GRACE_S);
            } catch (IOException e) {
                all = false;
                log.warn("squadDeploy: could not stop " + c.name() + " (" + unit + "): " + e.getMessage());
            }
        }
        return all;
    }

    /**
     * What the live colour does after a failed blue-green deploy, as seen now, not as assumed: a restarted Docker daemon
     * (no live-restore) stops the live colour's containers too, and then "still serving" would be false.
     */
    private String liveColourAfterFailure(Runtime rt, String live, ReleaseRecord liveRec) throws InterruptedException {
        if (live == null) {
            return "no other colour was running";
        }
        String what = live + " (" + (liveRec == null ? "?" : liveRec.version()) + ")";
        List<ContainerInfo> cs;
        try {
            cs = rt.containers(live);
        } catch (IOException e) {
            return "the Docker daemon does not answer now (" + e.getMessage() + "), so whether " + what + " still serves is unknown: once `docker info`"
                    + " answers, check " + rt.unit(live) + " and deploy again";
        }
        List<ContainerInfo> down = cs.stream().filter(c -> !c.running()).collect(Collectors.toList());
        if (!cs.isEmpty() && down.isEmpty()) {
            return what + " is untouched and still serving";
        }
        return what + ", the live colour, is not running either (" + (cs.isEmpty() ? "no container" : down.stream().map(c -> c.name() + ": " + c.describe())
                .collect(Collectors.joining("; "))) + "): its containers were stopped outside this deploy (was the Docker daemon restarted?) and nothing"
                + " serves until they run again; once `docker info` answers, deploy again";
    }

    private static List<ContainerInfo> safeContainers(Runtime rt, String instance) throws InterruptedException {
        try {
            return rt.containers(instance);
        } catch (IOException e) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Map<String, String> labels(DeployRequest req, ReleaseRecord rec, String instance, Integer port) {
        Map<String, String> m = new LinkedHashMap<>(req.labels());
        m.putAll(Labels.of(rec, instance, port));
        return m;
    }

    private static List<String> ids(List<ContainerInfo> cs) {
        return cs.stream().map(ContainerInfo::id).toList();
    }

    private static List<ReleaseRecord.Instance> instances(List<ContainerInfo> cs, Integer port) {
        return cs.stream().map(c -> new ReleaseRecord.Instance(c.name(), port, c.id())).toList();
    }

    private static String shortId(String imageId) {
        String s = imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Reads the release that runs now from the containers' labels alone (no state file): for {@code squad deploy --status} and tests. */
    public ReleaseRecord currentFromLabels(String environment, String service) throws IOException, InterruptedException {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(Labels.SERVICE, service);
        l.put(Labels.ENVIRONMENT, environment);
        return newestRunning(docker.containersWithLabels(l));
    }

    static ReleaseRecord newestRunning(List<ContainerInfo> cs) {
        Map<String, List<ContainerInfo>> byRelease = new LinkedHashMap<>();
        for (ContainerInfo c : cs) {
            if (c.running() && c.labels().get(Labels.RELEASE) != null) {
                byRelease.computeIfAbsent(c.labels().get(Labels.RELEASE), k -> new ArrayList<>()).add(c);
            }
        }
        ReleaseRecord newest = null;
        for (List<ContainerInfo> group : byRelease.values()) {
            ReleaseRecord r = Labels.toRecord(group);
            if (newest == null || String.valueOf(r.deployedAt()).compareTo(String.valueOf(newest.deployedAt())) > 0) {
                newest = r;
            }
        }
        return newest;
    }

    // ------------------------------------------------------------------------------------------------ runtimes

    private Runtime runtime(DeployRequest req, String stateDir) {
        return req.target() instanceof TargetSpec.Compose c ? new ComposeRuntime(req, c, stateDir) : new DockerRuntime(req, (TargetSpec.Docker) req.target());
    }

    /**
     * Where instances run. An instance is a colour ({@code blue}), a rolling replica ({@code 18001-3fa9c1}) or, as
     * {@code ""}, the single in-place instance of recreate. Docker: container {@code <service>[-<instance>]}.
     * Compose: project {@code <project>[-<instance>]} running the release's services.
     */
    private abstract class Runtime {
        final DeployRequest req;

        Runtime(DeployRequest req) {
            this.req = req;
        }

        /** The container (docker) or project (compose) name of an instance. */
        abstract String unit(String instance);

        void checkFiles() throws IOException, InterruptedException {
        }

        void checkTool(String serverVersion) throws IOException, InterruptedException {
            log.info("squadDeploy: Docker daemon " + serverVersion + " answers");
        }

        /** Every container of the instance, running or not. */
        abstract List<ContainerInfo> containers(String instance) throws IOException, InterruptedException;

        /** Writes and checks what starting the instance needs (compose: the override file); changes nothing that runs. */
        abstract void prepare(String instance, Integer port, Map<String, String> labels, String image, String colour)
                throws IOException, InterruptedException;

        /** Starts the prepared instance; returns its containers. */
        abstract List<ContainerInfo> start(String instance) throws IOException, InterruptedException;

        /** recreate: replaces the in-place instance {@code old} by the prepared one. */
        abstract List<ContainerInfo> replaceInPlace(List<ContainerInfo> old) throws IOException, InterruptedException;

        /** recreate succeeded: drops what {@link #replaceInPlace} kept for a rollback. */
        abstract void discardReplaced(List<ContainerInfo> old) throws IOException, InterruptedException;

        /** recreate failed: puts the old release back; returns the containers to wait for. */
        abstract List<ContainerInfo> restoreInPlace(List<ContainerInfo> old, List<ContainerInfo> failed, String rollbackImage,
                                                    ReleaseRecord outgoing, Integer port) throws IOException, InterruptedException;

        abstract CommandResult migrate(String instance, List<String> argv, Duration timeout) throws IOException, InterruptedException;

        boolean isOurs(ContainerInfo c) {
            return req.service().equals(c.labels().get(Labels.SERVICE)) && req.environment().equals(c.labels().get(Labels.ENVIRONMENT));
        }

        ReleaseRecord releaseOf(List<ContainerInfo> cs) {
            List<ContainerInfo> ours = cs.stream().filter(this::isOurs).toList();
            return ours.isEmpty() ? null : Labels.toRecord(ours);
        }

        /** Our containers (labels service + environment), grouped by instance label, oldest first. */
        Map<String, List<ContainerInfo>> ourInstances() throws IOException, InterruptedException {
            Map<String, String> l = new LinkedHashMap<>();
            l.put(Labels.SERVICE, req.service());
            l.put(Labels.ENVIRONMENT, req.environment());
            Map<String, List<ContainerInfo>> m = new LinkedHashMap<>();
            for (ContainerInfo c : docker.containersWithLabels(l)) {
                m.computeIfAbsent(c.labels().getOrDefault(Labels.INSTANCE, c.name()), k -> new ArrayList<>()).add(c);
            }
            return m;
        }

        ReleaseRecord newestRunningRelease() throws IOException, InterruptedException {
            return currentFromLabels(req.environment(), req.service());
        }
    }

    private final class DockerRuntime extends Runtime {
        private final TargetSpec.Docker target;
        private final Map<String, List<String>> prepared = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> preparedEnv = new LinkedHashMap<>();

        DockerRuntime(DeployRequest req, TargetSpec.Docker target) {
            super(req);
            this.target = target;
        }

        @Override
        String unit(String instance) {
            return instance.isEmpty() ? req.service() : req.service() + "-" + instance;
        }

        @Override
        List<ContainerInfo> containers(String instance) throws IOException, InterruptedException {
            ContainerInfo c = docker.byName(unit(instance));
            return c == null ? List.of() : List.of(c);
        }

        @Override
        void prepare(String instance, Integer port, Map<String, String> labels, String image, String colour) {
            List<String> a = new ArrayList<>(List.of("--name", unit(instance), "--network", target.network(), "--restart", "unless-stopped"));
            Map<String, String> env = new LinkedHashMap<>(target.env());
            if (port != null) {
                env.put(req.portVariable(), port.toString());
            }
            for (String k : env.keySet()) {
                a.add("-e");
                a.add(k); // the value comes from docker's environment: never on the command line
            }
            for (String v : target.volumes()) {
                a.add("-v");
                a.add(v);
            }
            labels.forEach((k, v) -> {
                a.add("--label");
                a.add(k + "=" + v);
            });
            a.add(image);
            prepared.put(instance, a);
            preparedEnv.put(instance, env);
        }

        @Override
        List<ContainerInfo> start(String instance) throws IOException, InterruptedException {
            String id = docker.run(prepared.get(instance), preparedEnv.get(instance), "docker run " + unit(instance));
            return docker.inspect(List.of(id));
        }

        @Override
        List<ContainerInfo> replaceInPlace(List<ContainerInfo> old) throws IOException, InterruptedException {
            for (ContainerInfo c : old) {
                String parked = c.name() + "-replaced-" + HexFormat.of().formatHex(randomBytes(3));
                docker.rename(c.id(), parked);
                if (c.running()) {
                    docker.stop(c.id(), STOP_GRACE_S);
                }
                log.info("squadDeploy: stopped " + c.name() + " (kept as " + parked + " until the new one is healthy)");
            }
            return start("");
        }

        @Override
        void discardReplaced(List<ContainerInfo> old) throws IOException, InterruptedException {
            for (ContainerInfo c : old) {
                docker.remove(c.id());
            }
        }

        @Override
        List<ContainerInfo> restoreInPlace(List<ContainerInfo> old, List<ContainerInfo> failed, String rollbackImage, ReleaseRecord outgoing,
                                           Integer port) throws IOException, InterruptedException {
            List<ContainerInfo> gone = failed.isEmpty() ? containers("") : failed;
            for (ContainerInfo c : gone) {
                docker.remove(c.id());
            }
            List<String> ids = new ArrayList<>();
            for (ContainerInfo c : old) {
                docker.rename(c.id(), unit(""));
                if (c.running()) {
                    docker.start(c.id());
                    ids.add(c.id());
                }
            }
            return docker.inspect(ids);
        }

        @Override
        CommandResult migrate(String instance, List<String> argv, Duration timeout) throws IOException, InterruptedException {
            return docker.exec(unit(instance), argv, timeout);
        }
    }

    private final class ComposeRuntime extends Runtime {
        private final TargetSpec.Compose target;
        private final String stateDir;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> variables = new LinkedHashMap<>();
        private List<String> resolvedFiles;
        private String resolvedEnvFile;
        private ComposeClient compose;

        ComposeRuntime(DeployRequest req, TargetSpec.Compose target, String stateDir) {
            super(req);
            this.target = target;
            this.stateDir = stateDir;
        }

        @Override
        String unit(String instance) {
            return instance.isEmpty() ? target.project() : target.project() + "-" + instance;
        }

        @Override
        void checkFiles() throws IOException, InterruptedException {
            resolvedFiles = new ArrayList<>();
            for (int i = 0; i < target.files().size(); i++) {
                String f = files.resolve(target.files().get(i));
                if (!files.isRegularFile(f)) {
                    throw new ParameterException("target.files[" + i + "]", "there is no compose file " + f,
                            "an existing compose file (relative paths are resolved against the workspace)");
                }
                resolvedFiles.add(f);
            }
            if (target.envFile() != null) {
                resolvedEnvFile = files.resolve(target.envFile());
                if (!files.isRegularFile(resolvedEnvFile)) {
                    throw new ParameterException("target.envFile", "there is no env file " + resolvedEnvFile, "an existing file of NAME=value lines");
                }
            }
        }

        @Override
        void checkTool(String serverVersion) throws IOException, InterruptedException {
            compose = ComposeClient.detect(docker, resolvedFiles, resolvedEnvFile);
            log.info("squadDeploy: Docker daemon " + serverVersion + ", " + compose.command() + " " + compose.version() + " (compose "
                    + compose.flavour().name().toLowerCase(java.util.Locale.ROOT) + ")");
            Map<String, String> vars = vars(firstInstance(), firstPort());
            compose.validate(target.project(), null, target.services(), vars);
        }

        private String firstInstance() {
            return req.ports() instanceof PortPlan.Colours c ? c.colours().get(0) : "";
        }

        private Integer firstPort() {
            if (req.ports() instanceof PortPlan.Colours c) {
                return c.ports().values().iterator().next();
            }
            if (req.ports() instanceof PortPlan.Range r) {
                return r.low();
            }
            return ((PortPlan.Single) req.ports()).port();
        }

        /** The variables squadDeploy sets for compose's substitution: ${SQUAD_IMAGE}, ${SQUAD_VERSION}, ${SQUAD_PORT}, ${SQUAD_COLOUR}, ${SQUAD_INSTANCE}. */
        private Map<String, String> vars(String instance, Integer port) {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("SQUAD_IMAGE", req.image().toString());
            v.put("SQUAD_VERSION", req.version());
            v.put("SQUAD_SERVICE", req.service());
            v.put("SQUAD_ENVIRONMENT", req.environment());
            v.put("SQUAD_INSTANCE", instance);
            v.put("SQUAD_COLOUR", req.ports() instanceof PortPlan.Colours ? instance : "");
            v.put("SQUAD_PORT", port == null ? "" : port.toString());
            return v;
        }

        @Override
        List<ContainerInfo> containers(String instance) throws IOException, InterruptedException {
            List<ContainerInfo> out = new ArrayList<>();
            for (ContainerInfo c : docker.inspect(docker.ps(List.of("label=" + ComposeClient.PROJECT_LABEL + "=" + unit(instance)), true))) {
                if (target.services().contains(c.labels().get(ComposeClient.SERVICE_LABEL))
                        && !"True".equalsIgnoreCase(c.labels().getOrDefault(ComposeClient.ONEOFF_LABEL, "False"))) {
                    out.add(c);
                }
            }
            return out;
        }

        @Override
        void prepare(String instance, Integer port, Map<String, String> labels, String image, String colour) throws IOException, InterruptedException {
            String override = stateDir + "/" + (instance.isEmpty() ? req.service() : req.service() + "-" + (colour != null ? colour : "r" + instance.substring(0, instance.indexOf('-'))))
                    + ".compose-override.yml";
            files.writeAtomically(override, overrideText(image, labels, port));
            Map<String, String> v = vars(instance, port);
            compose.validate(unit(instance), override, target.services(), v);
            overrides.put(instance, override);
            variables.put(instance, v);
        }

        private String overrideText(String image, Map<String, String> labels, Integer port) throws IOException {
            Map<String, Object> services = new LinkedHashMap<>();
            for (String s : target.services()) {
                Map<String, Object> svc = new LinkedHashMap<>();
                svc.put("image", image);
                if (port != null) {
                    svc.put("environment", Map.of(req.portVariable(), port.toString()));
                }
                svc.put("labels", labels);
                services.put(s, svc);
            }
            // JSON is YAML: compose reads this file like any other -f file
            return "# Written by squadDeploy for " + req.environment() + "/" + req.service() + ": the release image, port and record labels.\n"
                    + JSON.writeValueAsString(Map.of("services", services)) + "\n";
        }

        @Override
        List<ContainerInfo> start(String instance) throws IOException, InterruptedException {
            log.info("squadDeploy: " + compose.command() + " -p " + unit(instance) + " up -d --no-deps --force-recreate " + String.join(" ", target.services()));
            compose.up(unit(instance), overrides.get(instance), target.services(), variables.get(instance));
            List<ContainerInfo> cs = containers(instance).stream().filter(c -> req.version().equals(c.labels().get(Labels.VERSION))).toList();
            if (cs.isEmpty()) {
                throw new DeployException(compose.command() + " up reported success but no container of " + target.services() + " runs in project " + unit(instance));
            }
            return cs;
        }

        @Override
        List<ContainerInfo> replaceInPlace(List<ContainerInfo> old) throws IOException, InterruptedException {
            return start(""); // compose stops the old containers and starts the new ones (--force-recreate)
        }

        @Override
        void discardReplaced(List<ContainerInfo> old) {
            // compose removed them when it recreated the services
        }

        @Override
        List<ContainerInfo> restoreInPlace(List<ContainerInfo> old, List<ContainerInfo> failed, String rollbackImage, ReleaseRecord outgoing,
                                           Integer port) throws IOException, InterruptedException {
            Map<String, String> labels = new LinkedHashMap<>(req.labels());
            if (outgoing != null && outgoing.releaseId() != null) {
                labels.putAll(Labels.of(outgoing, "", port));
            }
            String override = stateDir + "/" + req.service() + ".compose-override.yml";
            files.writeAtomically(override, overrideText(rollbackImage, labels, port));
            Map<String, String> v = vars("", port);
            v.put("SQUAD_IMAGE", rollbackImage);
            if (outgoing != null && outgoing.version() != null) {
                v.put("SQUAD_VERSION", outgoing.version());
            }
            compose.up(unit(""), override, target.services(), v);
            return containers("").stream().filter(ContainerInfo::running).toList();
        }

        @Override
        CommandResult migrate(String instance, List<String> argv, Duration timeout) throws IOException, InterruptedException {
            return compose.exec(unit(instance), overrides.get(instance), target.services().get(0), argv, variables.get(instance), timeout);
        }
    }
}
