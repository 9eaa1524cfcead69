package io.jenkins.plugins.squaddeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.PortPlan;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.rollback.AutoRollback;
import io.jenkins.plugins.squaddeploy.engine.rollback.Deployment;
import io.jenkins.plugins.squaddeploy.engine.rollback.Incident;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackOptions;
import io.jenkins.plugins.squaddeploy.engine.rollback.RollbackReport;
import io.jenkins.plugins.squaddeploy.engine.rollback.Rollbacker;
import io.jenkins.plugins.squaddeploy.engine.rollback.WebhookNotifier;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchSpecs;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedRelease;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratorContext;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.Orchestrators;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code squad rollback}: autoRollback from the command line, for the day Jenkins is down. What to undo comes from the
 * target itself: the state file's current release (the failed one) and its previous release (the one to go back to).
 * The target flags are those of {@code squad deploy} (needed to release the previous image again); the router flags
 * those of {@code squad switch} (blue-green). Exit 0 rolled back, already rolled back or nothing to do; 1 the rollback
 * failed (the message and the journal say what state the target is in); 2 bad parameters.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Put back the release that served before the current one (state file), verified: blue-green through the router, "
                + "rolling/recreate by releasing the previous image again.",
            "Example: squad rollback --service squad-api --environment production --state-dir /srv/squad-api/deploy-state --ports blue=8001,green=8002 "
                + "--router nginx --nginx-config /etc/nginx/conf.d/api-upstream.conf --public-url http://127.0.0.1:8080/health"})
public final class RollbackCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int BAD_PARAMETERS = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--service", paramLabel = "NAME", description = "the service as squadDeploy released it")
    String service;

    @Option(names = "--environment", paramLabel = "ENV", defaultValue = DeployRequest.DEFAULT_ENVIRONMENT, description = "environment (default ${DEFAULT-VALUE})")
    String environment;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "where the release record is (default $SQUAD_STATE_DIR/<environment>, else .squad-deploy/<environment>)")
    String stateDir;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why: the trigger in the incident summary and the webhook message")
    String reason;

    @Mixin
    ContainerTargetOptions container = new ContainerTargetOptions();

    @Option(names = "--upstream-host", paramLabel = "HOST", description = "host of the instances' upstream addresses (default 127.0.0.1)")
    String upstreamHost;

    @Option(names = "--health-timeout", paramLabel = "SECONDS", defaultValue = "120", description = "seconds for restarted or released instances to be healthy (default ${DEFAULT-VALUE})")
    int healthTimeout;

    @Mixin
    RouterOptions routerOptions = new RouterOptions();

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    OrchestratedTargetOptions orchestrated = new OrchestratedTargetOptions();


    @Option(names = "--router-service", paramLabel = "NAME", description = "the service name blueGreenSwitch used (nginx upstream, HAProxy backend; default: --service)")
    String routerService;

    @Option(names = "--public-url", paramLabel = "URL", description = "blue-green: health URL through the router, e.g. http://127.0.0.1:8080/health")
    String publicUrl;

    @Option(names = "--version-path", paramLabel = "JSONPATH", defaultValue = SwitchSpecs.DEFAULT_VERSION_PATH, description = "where the version is in the health JSON (default ${DEFAULT-VALUE})")
    String versionPath;

    @Option(names = "--verify-deadline", defaultValue = "" + SwitchSpecs.DEFAULT_VERIFY_DEADLINE_S, description = "seconds to verify the switch back (default ${DEFAULT-VALUE})")
    int verifyDeadline;

    @Option(names = "--samples", defaultValue = "" + SwitchSpecs.DEFAULT_SAMPLES, description = "samples in a row through the router that must report the previous version (default ${DEFAULT-VALUE})")
    int samples;









    @Option(names = "--keep-failed-colour", description = "leave the failed colour's containers running")
    boolean keepFailedColour;

    @Option(names = "--webhook-credentials", paramLabel = "ID", description = "credential holding a Slack-compatible webhook URL (<dir>/<id>/secret or SQUAD_CRED_<ID>_SECRET)")
    String webhookCredentials;

    @Option(names = "--credentials-dir", paramLabel = "DIR", description = "directory with <id>/secret files")
    Path credentialsDir;

    @Option(names = "--json", description = "print the result as JSON at the end")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Masker masker = new Masker();
        ConsoleLog log = new CliConsole(out, masker);
        try {
            Map<String, String> sysEnv = System.getenv();
            LocalDeployFiles files = new LocalDeployFiles(Path.of(""));
            String dir = files.resolve(stateDir != null ? stateDir
                    : sysEnv.get("SQUAD_STATE_DIR") != null ? sysEnv.get("SQUAD_STATE_DIR") + "/" + environment : ".squad-deploy/" + environment);
            OrchestratedSpec target = orchestrated.spec();
            ToolOutputs commands = new ToolOutputs(new LocalCommandRunner());
            OrchestratorContext ctx = new OrchestratorContext(commands, log, masker, new CliSecretSource(credentialsDir, sysEnv, masker));
            List<Deployment> deployments = target == null ? recorded(files, dir, sysEnv, masker) : current(target, ctx);
            String webhook = null;
            if (webhookCredentials != null) {
                Credential c = new CliSecretSource(credentialsDir, sysEnv, masker).lookup(webhookCredentials, "--webhook-credentials", false);
                webhook = WebhookNotifier.check(webhookCredentials, c.secret());
            }
            RollbackOptions options = RollbackOptions.of(null, verifyDeadline, samples, healthTimeout, keepFailedColour, sysEnv.get("BUILD_URL"));
            Rollbacker rollbacker = new Rollbacker(new DockerClient(commands), files, new LocalRouterHost(), commands, log, masker).withOrchestration(ctx);
            Incident incident = Incident.of(reason != null ? reason : "rolled back by hand (squad rollback)", Instant.now());
            RollbackReport r = new AutoRollback(deployments, incident, options, null, null, webhook, "squad rollback").run(rollbacker, log, masker,
                    Clock.systemUTC());
            report.add("rollback", commands.addTo(ReportEvents.rollback("squad rollback", r), "rollback commands").finish(), masker, log);
            if (json) {
                out.println(masker.mask(JSON.writeValueAsString(r.toMap())));
            }
            out.flush();
            if (r.status() == RollbackReport.Status.FAILED) {
                err.println(masker.mask("squad rollback: " + r.failureText()));
                err.flush();
                return FAILED;
            }
            return 0;
        } catch (ParameterException e) {
            String f = OrchestratedTargetOptions.flag(e.parameter());
            err.println(masker.mask("squad rollback: " + e.getMessage().replace("'" + e.parameter() + "'", "'" + (f != null ? f : flag(e.parameter())) + "'")));
            err.flush();
            return BAD_PARAMETERS;
        } catch (IOException e) {
            err.println(masker.mask("squad rollback: " + e.getMessage()));
            err.flush();
            return FAILED;
        }
    }

    /**
     * An orchestrated target: what runs now, with what the orchestrator itself would go back to (Swarm's previous spec) as
     * the previous state; nothing when it runs nothing or has no previous state (e.g. right after a rollback).
     */
    private List<Deployment> current(OrchestratedSpec target, OrchestratorContext ctx) throws IOException, InterruptedException {
        if (service == null || !DeployRequest.NAME.matcher(service).matches()) {
            throw new ParameterException("--service", "got " + ParameterException.show(service), DeployRequest.NAME_FORM);
        }
        String unused = routerOptions.given() ? "--router" : container.firstGiven();
        if (unused != null) {
            throw new ParameterException(unused, unused + " is not used with an orchestrated target", "no " + unused + " with --swarm-service/--swarm-stack-file");
        }
        OrchestratedRelease now = Orchestrators.of(target, ctx).current(service, environment);
        if (now == null || now.changedUnits().isEmpty()) {
            return List.of();
        }
        return List.of(new Deployment.Orchestrated(now, Instant.now()));
    }

    /** The state file's current release (to undo) with its previous one, and, with --router, the switch that put it live. */
    private List<Deployment> recorded(LocalDeployFiles files, String dir, Map<String, String> sysEnv, Masker masker)
            throws IOException, InterruptedException {
        if (service == null || !DeployRequest.NAME.matcher(service).matches()) {
            throw new ParameterException("--service", "got " + ParameterException.show(service), DeployRequest.NAME_FORM);
        }
        ReleaseStore.State st = new ReleaseStore(files, ReleaseStore.stateFile(dir, service)).read();
        if (st.current() == null) {
            return List.of();
        }
        // After a finished rollback the state file's previous release is the one it took away: undo that one again
        // (which finds it already done), never the release the rollback restored.
        String undone = Rollbacker.rolledBackRelease(files, dir, service);
        ReleaseRecord current = undone != null && st.previous() != null && undone.equals(st.previous().releaseId())
                ? st.previous().withPrevious(st.current()) : st.current();
        DeployRequest.Builder b = DeployRequest.builder().service(service).environment(environment).image(current.image()).version(current.version())
                .strategy(current.strategy()).healthTimeoutSeconds(healthTimeout).stateDir(dir)
                .upstreamHost(upstreamHost);
        container.applyTo(b, sysEnv, masker);
        DeployRequest req = b.build();
        List<Deployment> out = new ArrayList<>();
        out.add(new Deployment.Released(req, current, null, Instant.now()));
        if (routerOptions.given()) {
            String rs = routerService == null ? service : routerService;
            if (publicUrl == null) {
                throw new ParameterException("--public-url", "--router is given but not the health URL through the router", "e.g. http://127.0.0.1:8080/health");
            }
            if (!(req.ports() instanceof PortPlan.Colours c)) {
                throw new ParameterException("--ports", "--router needs the colours and their ports", "blue=8001,green=8002");
            }
            RouterSpec spec = routerOptions.spec(rs, RollbackCommand::flag);
            List<ColourSpec> colours = new ArrayList<>();
            for (String colour : c.colours()) {
                colours.add(new ColourSpec(colour, List.of(new TrafficRouter.Upstream(req.upstreamHost(), c.ports().get(colour))), null));
            }
            String from = current.previous() != null && current.previous().colour() != null ? current.previous().colour() : c.other(current.colour());
            out.add(new Deployment.Switched(rs, spec, colours, SwitchSpecs.publicUrl("--public-url", publicUrl), SwitchSpecs.versionPath("--version-path", versionPath),
                    Duration.ofSeconds(verifyDeadline), samples, from, current.colour(), current.version(), Instant.now()));
        }
        return out;
    }

    /** The flag of a parameter named as the pipeline names it ({@code target.ports} → {@code --ports}). */
    static String flag(String parameter) {
        for (String[] f : Arrays.asList(new String[] {"service", "--service"},new String[] {"target.ports", "--ports"}, new String[] {"target.files", "--compose-file"},
                new String[] {"target.project", "--project"}, new String[] {"target.env", "--env"}, new String[] {"target.network", "--network"},
                new String[] {"target.volumes", "--volume"}, new String[] {"target.portVariable", "--port-variable"}, new String[] {"upstreamHost", "--upstream-host"},
                new String[] {"healthTimeout", "--health-timeout"}, new String[] {"stateDir", "--state-dir"}, new String[] {"environment", "--environment"})) {
            if (parameter.startsWith(f[0])) {
                return f[1] + parameter.substring(f[0].length());
            }
        }
        return parameter;
    }
}
