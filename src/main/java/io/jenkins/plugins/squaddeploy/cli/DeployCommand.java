package io.jenkins.plugins.squaddeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.OldColour;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.deploy.RouterHandover;
import io.jenkins.plugins.squaddeploy.engine.deploy.SquadDeployer;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchSpecs;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRequest;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code squad deploy}: the CLI form of the squadDeploy step, same engine, same record on the target. With
 * {@code --router} (the flags of {@code squad switch}) a healthy blue-green release is switched to and verified
 * through the router, and the old colour stopped after {@code --stop-old-after} seconds (waiting in the foreground).
 * Exit codes: 0 released, 1 the deploy failed (the message says what runs now), 2 bad parameters, 3 nothing was
 * tried because the Docker daemon does not answer or another deploy holds the lock.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Release an image to Docker Compose or Docker by blue-green, rolling or recreate; or show what runs (--status).",
                "Example: squad deploy --service shop --image squad-api:2.0.0 --strategy blueGreen --compose-file docker-compose.prod.yml "
                        + "--compose-service api --ports blue=8001,green=8002 --migration '[\"alembic\",\"upgrade\",\"head\"]'",
                "With the switch: squad deploy --service shop --image squad-api:2.0.0 --docker --ports blue=8001,green=8002 "
                        + "--router nginx --nginx-config /etc/nginx/conf.d/shop-upstream.conf --public-url http://127.0.0.1:8080/health"})
public final class DeployCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int BAD_PARAMETERS = 2;
    static final int NOT_STARTED = 3;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Engine parameter names (as the pipeline step has them) → the flags of this command. */
    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("target.files", "--compose-file");
        FLAGS.put("target.project", "--project");
        FLAGS.put("target.envFile", "--env-file");
        FLAGS.put("target.services", "--compose-service");
        FLAGS.put("target.env", "--env");
        FLAGS.put("target.network", "--network");
        FLAGS.put("target.volumes", "--volume");
        FLAGS.put("target.ports", "--ports");
        FLAGS.put("target.portVariable", "--port-variable");
        FLAGS.put("target", "--compose-file or --docker");
        FLAGS.put("service", "--service");
        FLAGS.put("image", "--image");
        FLAGS.put("version", "--release-version");
        FLAGS.put("environment", "--environment");
        FLAGS.put("strategy", "--strategy");
        FLAGS.put("replicas", "--replicas");
        FLAGS.put("healthTimeout", "--health-timeout");
        FLAGS.put("migrationTimeout", "--migration-timeout");
        FLAGS.put("migration", "--migration");
        FLAGS.put("stateDir", "--state-dir");
        FLAGS.put("lockTimeout", "--lock-timeout");
        FLAGS.put("imageSource", "--image-source");
        FLAGS.put("buildContext", "--build-context");
        FLAGS.put("dockerfile", "--dockerfile");
        FLAGS.put("buildArgs", "--build-arg");
        FLAGS.put("labels", "--label");
        FLAGS.put("upstreamHost", "--upstream-host");
        FLAGS.put("buildUrl", "--build-url");
        FLAGS.put("router", "--router");
        FLAGS.put("publicUrl", "--public-url");
        FLAGS.put("versionPath", "--version-path");
        FLAGS.put("verifyDeadline", "--verify-deadline");
        FLAGS.put("samples", "--samples");
        FLAGS.put("stopOldAfter", "--stop-old-after");
        FLAGS.put("keepOldColour", "--keep-old-colour");
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--service", paramLabel = "NAME", description = "the service (lock, record, container and project names)")
    String service;

    @Option(names = "--image", paramLabel = "REF", description = "the image to release, with a tag or digest, e.g. squad-api:2.0.0")
    String image;

    @Option(names = "--release-version", paramLabel = "VERSION", description = "the release's version (default: the image tag)")
    String version;

    @Option(names = "--environment", paramLabel = "ENV", defaultValue = DeployRequest.DEFAULT_ENVIRONMENT, description = "environment (default ${DEFAULT-VALUE})")
    String environment;

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = "blueGreen", description = "blueGreen (default), rolling or recreate")
    String strategy;

    @Mixin
    ContainerTargetOptions container = new ContainerTargetOptions();

    @Option(names = "--replicas", paramLabel = "N", description = "rolling: number of replicas (default: as many as run now, at least 1)")
    Integer replicas;

    @Option(names = "--health-timeout", paramLabel = "SECONDS", description = "how long a new instance may take to be healthy (default 120)")
    Integer healthTimeout;

    @Option(names = "--migration", paramLabel = "JSON-ARGV", description = "blueGreen: command run once in the new colour before traffic, as a JSON list")
    String migration;

    @Option(names = "--migration-timeout", paramLabel = "SECONDS", description = "default 600")
    Integer migrationTimeout;

    @Option(names = "--credentials-dir", paramLabel = "DIR", description = "credentials of orchestrated targets by ID: <DIR>/<id>/file (a kubeconfig), "
            + "<DIR>/<id>/secret; else SQUAD_CRED_<ID>_FILE / _SECRET variables")
    Path credentialsDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "where the record and the lock live (default $SQUAD_STATE_DIR/<environment>, else with --router .squad-deploy/<environment> beside the router config, as the step does, else .squad-deploy/<environment>); use the pipeline's stateDir to share them")
    String stateDir;

    @Option(names = "--lock-timeout", paramLabel = "SECONDS", description = "how long to wait for another deploy of the service (default 900; 0: do not wait)")
    Integer lockTimeout;

    @Option(names = "--image-source", paramLabel = "SOURCE", description = "auto (default), pull, build or local")
    String imageSource;

    @Option(names = "--build-context", paramLabel = "DIR", description = "with --image-source build")
    String buildContext;

    @Option(names = "--dockerfile", paramLabel = "FILE", description = "with --image-source build")
    String dockerfile;

    @Option(names = "--build-arg", paramLabel = "NAME=VALUE", description = "with --image-source build (repeatable)")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "extra label on every container (repeatable)")
    List<String> labels = new ArrayList<>();

    @Option(names = "--upstream-host", paramLabel = "HOST", description = "host of the instances' upstream addresses (default 127.0.0.1)")
    String upstreamHost;

    @Option(names = "--build-url", paramLabel = "URL", description = "recorded as the release's build URL (default: $BUILD_URL, else none)")
    String buildUrl;

    @Mixin
    RouterOptions routerOptions = new RouterOptions();

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    OrchestratedTargetOptions orchestrated = new OrchestratedTargetOptions();











    @Option(names = "--public-url", paramLabel = "URL", description = "with --router: health URL through the router, e.g. http://127.0.0.1:8080/health")
    String publicUrl;

    @Option(names = "--version-path", paramLabel = "JSONPATH", description = "with --router: where the version is in the health JSON (default $.version)")
    String versionPath;

    @Option(names = "--verify-deadline", paramLabel = "SECONDS", description = "with --router: seconds to verify before switching back (default 60)")
    Integer verifyDeadline;

    @Option(names = "--samples", paramLabel = "N", description = "with --router: samples in a row that must report the version (default 10)")
    Integer samples;

    @Option(names = "--stop-old-after", paramLabel = "SECONDS", description = "with --router: seconds to keep the old colour before stopping it (default 600; waits in the foreground, Ctrl-C keeps it)")
    Integer stopOldAfter;

    @Option(names = "--keep-old-colour", description = "with --router: never stop the old colour")
    boolean keepOldColour;

    @Option(names = "--status", description = "print what runs now (state file and container labels) and change nothing")
    boolean status;

    @Option(names = "--json", description = "print the release record as JSON at the end")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Masker masker = new Masker();
        ConsoleLog log = new CliConsole(out, masker);
        java.time.Instant started = java.time.Instant.now();
        ToolOutputs commands = new ToolOutputs(new LocalCommandRunner());
        try {
            Map<String, String> sysEnv = System.getenv();
            RouterSpec routerSpec = routerSpec();
            String routerDir = routerSpec == null ? null
                    : new RouterHandover(routerSpec, null, null, false).defaultStateDir(environment == null ? DeployRequest.DEFAULT_ENVIRONMENT : environment);
            String dir = stateDir != null ? stateDir
                    : sysEnv.get("SQUAD_STATE_DIR") != null ? sysEnv.get("SQUAD_STATE_DIR") + "/" + environment
                    : routerDir != null ? routerDir : ".squad-deploy/" + environment;
            DockerClient client = new DockerClient(commands);
            LocalDeployFiles files = new LocalDeployFiles(Path.of(""));
            SquadDeployer deployer = new SquadDeployer(client, files, log, masker);
            if (status) {
                return status(deployer, files, dir, out);
            }
            OrchestratedSpec target = orchestrated.spec();
            if (target != null) {
                return deployOrchestrated(target, commands, log, masker, sysEnv, out, started);
            }
            DeployRequest.Builder b = DeployRequest.builder().service(service).image(image).version(version).environment(environment)
                    .strategy(strategy).replicas(replicas).healthTimeoutSeconds(healthTimeout)
                    .migration(migration == null ? null : argv(migration)).migrationTimeoutSeconds(migrationTimeout).stateDir(dir)
                    .lockTimeoutSeconds(lockTimeout).imageSource(imageSource).buildContext(buildContext).dockerfile(dockerfile)
                    .buildArgs(buildArgs).labels(labels).upstreamHost(upstreamHost)
                    .buildUrl(buildUrl != null ? buildUrl : sysEnv.get("BUILD_URL"));
            container.applyTo(b, sysEnv, masker);
            DeployRequest request = b.build();
            RouterHandover handover = RouterHandover.of(DeployCommand::flag, request, routerSpec, publicUrl, versionPath,
                    orDefault(verifyDeadline, SwitchSpecs.DEFAULT_VERIFY_DEADLINE_S), orDefault(samples, SwitchSpecs.DEFAULT_SAMPLES),
                    orDefault(stopOldAfter, SwitchSpecs.DEFAULT_STOP_OLD_AFTER_S), keepOldColour);
            SwitchResult[] switched = new SwitchResult[1];
            TrafficRouter trafficRouter = null;
            if (handover != null) {
                request = b.switchSettings(handover.settings()).build();
                RouterHost host = new LocalRouterHost();
                trafficRouter = routerSpec.create(request.service(), host, commands, log);
                SquadDeployer.Handover toRouter = new BlueGreenSwitcher(trafficRouter, host, log, masker)::switchTo;
                deployer.withHandover(trafficRouter, r -> switched[0] = toRouter.switchTo(r));
            }
            ReleaseRecord rec = deployer.deploy(request);
            report.add("deploy", commands.addTo(ReportEvents.deployed("squad deploy", started, rec), "docker").finish(), masker, log);
            if (switched[0] != null) {
                SwitchResult sw = switched[0];
                report.add("deploy", ReportEvents.switched("squad deploy", sw.verifiedAt() == null ? java.time.Instant.now() : sw.verifiedAt().minusMillis(sw.switchMillis()),
                        rec.service(), routerSpec.describe(), sw, rec.version()).finishedAt(sw.verifiedAt()).finish(), masker, log);
            }
            Map<String, Object> result = new LinkedHashMap<>(rec.toMap());
            if (handover != null) {
                result.put("traffic", switched[0] == null ? null : switched[0].toMap());
                result.put("oldColourStopped", stopOld(handover, rec, switched[0], trafficRouter, client, log));
            }
            if (json) {
                out.println(masker.mask(JSON.writeValueAsString(result)));
            }
            out.flush();
            return 0;
        } catch (ParameterException e) {
            err.println(masker.mask("squad deploy: " + (OrchestratedTargetOptions.flag(e.parameter()) != null ? OrchestratedTargetOptions.withFlag(e) : withFlag(e))));
            err.flush();
            return BAD_PARAMETERS;
        } catch (DeployException.DockerUnavailable | DeployException.LockTimeout e) {
            err.println(masker.mask("squad deploy: " + e.getMessage()));
            err.flush();
            return NOT_STARTED;
        } catch (DeployException | RouterException e) {
            report.add("deploy", commands.addTo(ReportEvents.failed("deploy", "squad deploy", started, "release of " + service + " " + (version != null ? version : image),
                    e.getMessage()), "docker").finish(), masker, log);
            err.println(masker.mask("squad deploy failed: " + e.getMessage()));
            err.flush();
            return FAILED;
        }
    }

    /** An orchestrated target (--swarm-service, --swarm-stack-file …): the orchestrator performs the rollout. */
    private Integer deployOrchestrated(OrchestratedSpec target, CommandRunner commands, ConsoleLog log, Masker masker, Map<String, String> sysEnv,
                                       PrintWriter out, java.time.Instant started) throws IOException, InterruptedException {
        String unused = routerOptions.given() ? "--router" : migration != null ? "--migration" : replicas != null ? "--replicas"
                : container.firstGiven() != null ? container.firstGiven() : buildContext != null ? "--build-context" : null;
        if (unused != null) {
            throw new ParameterException(unused, unused + " is not used with an orchestrated target (the orchestrator performs the rollout)",
                    "no " + unused + " with --swarm-service/--swarm-stack-file");
        }
        boolean strategyGiven = spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption("--strategy");
        OrchestratedRequest req = OrchestratedRequest.of(service, environment, image, version, orchestrated.images(), strategyGiven ? strategy : null,
                healthTimeout, buildUrl != null ? buildUrl : sysEnv.get("BUILD_URL"), target);
        OrchestratedRelease rel = Orchestrators.of(target, new OrchestratorContext(commands, log, masker, new CliSecretSource(credentialsDir, sysEnv, masker)))
                .deploy(req);
        report.add("deploy", (commands instanceof ToolOutputs t ? t.addTo(ReportEvents.orchestrated("squad deploy", started, rel), rel.kind())
                : ReportEvents.orchestrated("squad deploy", started, rel)).finish(), masker, log);
        if (json) {
            out.println(masker.mask(JSON.writeValueAsString(rel.toMap())));
        }
        out.flush();
        return 0;
    }

    /** Waits, asks the router again, and stops the old colour's containers; returns whether it did. */
    private static boolean stopOld(RouterHandover h, ReleaseRecord rec, SwitchResult switched, TrafficRouter router, DockerClient docker, ConsoleLog log)
            throws IOException, InterruptedException {
        OldColour old = OldColour.after(rec, switched);
        if (old == null) {
            return false;
        }
        if (h.keepOldColour()) {
            log.info("squadDeploy: --keep-old-colour: " + old.colour() + " (" + old.version() + ") keeps running (" + old.describe() + " is left to you)");
            return false;
        }
        log.info("squadDeploy: " + old.colour() + " (" + old.version() + ") keeps running for " + h.stopOldAfter().toSeconds() + " s, for a quick rollback; then: "
                + old.describe() + ". Interrupt (Ctrl-C) to keep it running.");
        TimeUnit.MILLISECONDS.sleep(h.stopOldAfter().toMillis());
        String now = router.activeColour();
        if (!rec.colour().equals(now)) {
            log.warn("squadDeploy: " + old.colour() + " is not stopped: " + rec.service() + " goes to " + (now == null ? "no known colour" : now)
                    + " now, not " + rec.colour() + " (switched back meanwhile?)");
            return false;
        }
        try {
            old.stop(docker, log, "squadDeploy");
            return true;
        } catch (IOException e) {
            log.warn("squadDeploy: " + rec.service() + " runs on " + rec.colour() + ", but stopping " + old.colour() + " failed: " + e.getMessage());
            return false;
        }
    }

    /** The router of --router and its flags, validated with the flags' names; null without --router. */
    private RouterSpec routerSpec() {
        if (!routerOptions.given()) {
            routerOptions.refuseFlagsWithoutRouter();
            return null;
        }
        if (service == null || !DeployRequest.NAME.matcher(service).matches()) {
            throw new ParameterException("--service", service == null ? "no service was given" : ParameterException.show(service)
                    + " is not a valid service name", DeployRequest.NAME_FORM);
        }
        return routerOptions.spec(service, DeployCommand::flag);
    }

    /** The flag of a step parameter ({@code publicUrl} → {@code --public-url}); the parameter itself when it has none. */
    static String flag(String parameter) {
        for (Map.Entry<String, String> f : FLAGS.entrySet()) {
            if (parameter.equals(f.getKey()) || parameter.startsWith(f.getKey() + "[") || parameter.startsWith(f.getKey() + ".")) {
                return f.getValue() + parameter.substring(f.getKey().length());
            }
        }
        return parameter;
    }

    private static int orDefault(Integer value, int dflt) {
        return value == null ? dflt : value;
    }

    private Integer status(SquadDeployer deployer, LocalDeployFiles files, String dir, PrintWriter out) throws IOException, InterruptedException {
        if (service == null || !DeployRequest.NAME.matcher(service).matches()) {
            throw new ParameterException("service", "got " + ParameterException.show(service), DeployRequest.NAME_FORM);
        }
        String stateFile = ReleaseStore.stateFile(files.resolve(dir), service);
        ReleaseStore.State st = new ReleaseStore(files, stateFile).read();
        ReleaseRecord running = deployer.currentFromLabels(environment, service);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stateFile", stateFile);
        m.put("current", st.current() == null ? null : st.current().toMap());
        m.put("lastFailure", st.lastFailure());
        m.put("runningByLabels", running == null ? null : running.toMap());
        out.println(JSON.writeValueAsString(m));
        out.flush();
        return 0;
    }

    private static List<String> argv(String jsonList) {
        try {
            Object o = JSON.readValue(jsonList, Object.class);
            if (o instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
                List<String> r = new ArrayList<>();
                l.forEach(x -> r.add((String) x));
                return r;
            }
        } catch (IOException ignored) {
            // reported below
        }
        throw new ParameterException("migration", ParameterException.show(jsonList) + " is not a JSON list of strings",
                "a JSON list such as '[\"alembic\",\"upgrade\",\"head\"]' (no shell)");
    }

    /** The message with the pipeline parameter name replaced by this command's flag. */
    static String withFlag(ParameterException e) {
        String p = e.parameter();
        for (Map.Entry<String, String> f : FLAGS.entrySet()) {
            if (p.equals(f.getKey()) || p.startsWith(f.getKey() + "[") || p.startsWith(f.getKey() + ".")) {
                return e.getMessage().replace("'" + p + "'", "'" + f.getValue() + p.substring(f.getKey().length()) + "'");
            }
        }
        return e.getMessage();
    }
}
