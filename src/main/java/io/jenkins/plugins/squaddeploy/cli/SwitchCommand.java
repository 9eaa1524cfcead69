package io.jenkins.plugins.squaddeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvents;
import io.jenkins.plugins.squaddeploy.engine.report.ToolOutputs;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.DockerColourStopper;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchFailedException;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchPlan;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchSpecs;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code squad switch}: the CLI form of the blueGreenSwitch step, on this machine. Exit 0 switched and verified
 * (or nothing to switch), 1 the router refused or the new colour did not verify (traffic switched back), 2 bad
 * parameters.
 */
@Command(name = "switch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Move a service's traffic to another colour behind nginx or HAProxy, verify it through the router, switch back if it fails.",
            "Example: squad switch --service api --to green --router nginx --nginx-config /etc/nginx/conf.d/api-upstream.conf "
                + "--colour blue=127.0.0.1:8001 --colour green=127.0.0.1:8002 --public-url http://127.0.0.1:8080/health --expect-version 2.0.0"})
public final class SwitchCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int BAD_PARAMETERS = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--service", paramLabel = "NAME", description = "the service, e.g. api (nginx: the upstream name; HAProxy: the default backend)")
    String service;

    @Option(names = "--to", paramLabel = "COLOUR", description = "the colour to send traffic to")
    String to;

    @Mixin
    RouterOptions routerOptions = new RouterOptions();

    @Mixin
    ReportOptions report = new ReportOptions();


    @Option(names = "--colour", paramLabel = "NAME=HOST:PORT[,HOST:PORT…]", description = "a colour and its servers (repeatable), e.g. green=127.0.0.1:8002")
    List<String> colours = new ArrayList<>();

    @Option(names = "--colour-containers", paramLabel = "NAME=CONTAINER[,CONTAINER…]", description = "containers to stop once that colour is old (repeatable)")
    List<String> colourContainers = new ArrayList<>();

    @Option(names = "--colour-compose", paramLabel = "NAME=PROJECT/SERVICE", description = "Compose service to stop once that colour is old (repeatable)")
    List<String> colourCompose = new ArrayList<>();

    @Option(names = "--public-url", paramLabel = "URL", description = "health URL through the router, e.g. http://127.0.0.1:8080/health")
    String publicUrl;

    @Option(names = "--expect-version", paramLabel = "VERSION", description = "the version the new colour reports")
    String expectVersion;

    @Option(names = "--version-path", paramLabel = "JSONPATH", defaultValue = SwitchSpecs.DEFAULT_VERSION_PATH, description = "where the version is in the health JSON (default ${DEFAULT-VALUE})")
    String versionPath;

    @Option(names = "--verify-deadline", defaultValue = "" + SwitchSpecs.DEFAULT_VERIFY_DEADLINE_S, description = "seconds to verify before switching back (default ${DEFAULT-VALUE})")
    int verifyDeadline;

    @Option(names = "--samples", defaultValue = "" + SwitchSpecs.DEFAULT_SAMPLES, description = "samples in a row that must report the version (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--stop-old-after", defaultValue = "" + SwitchSpecs.DEFAULT_STOP_OLD_AFTER_S, description = "seconds to keep the old colour before stopping its containers (default ${DEFAULT-VALUE})")
    int stopOldAfter;

    @Option(names = "--keep-old-colour", description = "never stop the old colour")
    boolean keepOldColour;

    @Option(names = "--force", description = "switch and verify even when the router already sends traffic to --to")
    boolean force;

    @Option(names = "--active", description = "only print the colour the router sends traffic to now, and exit")
    boolean active;










    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Masker masker = new Masker();
        ConsoleLog log = new CliConsole(out, masker);
        RouterHost host = new LocalRouterHost();
        ToolOutputs commands = new ToolOutputs(new LocalCommandRunner());
        java.time.Instant started = java.time.Instant.now();
        try {
            if (active) {
                String s = SwitchSpecs.service("--service", service);
                String colour = routerSpec(s).create(s, host, commands, log).activeColour();
                out.println(colour == null ? "(no known colour)" : colour);
                out.flush();
                return 0;
            }
            SwitchPlan plan = plan();
            TrafficRouter r = plan.router().create(plan.service(), host, commands, log);
            SwitchResult result = new BlueGreenSwitcher(r, host, log, masker).switchTo(plan.request(), plan.options());
            report.add("switch", commands.addTo(ReportEvents.switched("squad switch", started, plan.service(), plan.router().describe(), result,
                    plan.request().expectedVersion()), "router commands").finish(), masker, log);
            Map<String, Object> map = new LinkedHashMap<>(result.toMap());
            map.put("oldColourStopped", stopOld(plan, result, r, commands, log));
            if (json) {
                out.println(masker.mask(JSON.writeValueAsString(map)));
            }
            out.flush();
            return 0;
        } catch (ParameterException e) {
            err.println(masker.mask("squad switch: " + e.getMessage()));
            err.flush();
            return BAD_PARAMETERS;
        } catch (RouterException e) {
            report.add("switch", commands.addTo(ReportEvents.failed("switch", "squad switch", started, "switch of " + service + " to " + to, e.getMessage()),
                    "router commands").finish(), masker, log);
            err.println(masker.mask("squad switch: " + e.getMessage()));
            err.flush();
            return FAILED;
        } catch (SwitchFailedException e) {
            report.add("switch", commands.addTo(ReportEvents.failed("switch", "squad switch", started, "switch of " + service + " to " + to, e.getMessage()),
                    "router commands").finish(), masker, log);
            err.println(masker.mask(e.getMessage()));
            err.flush();
            return FAILED;
        }
    }

    /** Waits, asks the router again, and stops the old colour's containers; returns whether it did. */
    private boolean stopOld(SwitchPlan plan, SwitchResult r, TrafficRouter router, CommandRunner commands, ConsoleLog log) throws Exception {
        ColourSpec old = r.switched() && r.from() != null && !r.from().equals(r.to()) ? plan.colour(r.from()) : null;
        if (old == null || old.stopper() == null || plan.keepOldColour()) {
            if (old != null && old.stopper() != null) {
                log.info("blueGreenSwitch: --keep-old-colour: " + old.name() + " keeps running");
            }
            return false;
        }
        log.info("blueGreenSwitch: " + old.name() + " keeps running for " + plan.stopOldAfter().toSeconds() + " s, for a quick rollback; then: "
                + old.stopper().describe() + ". Interrupt (Ctrl-C) to keep it running.");
        TimeUnit.MILLISECONDS.sleep(plan.stopOldAfter().toMillis());
        String now = router.activeColour();
        if (!r.to().equals(now)) {
            log.warn("blueGreenSwitch: " + old.name() + " is not stopped: " + plan.service() + " goes to " + now + " now, not " + r.to());
            return false;
        }
        old.stopper().stop(commands, log);
        return true;
    }

    private SwitchPlan plan() {
        String s = SwitchSpecs.service("--service", service);
        RouterSpec routerSpec = routerSpec(s);
        Map<String, List<String>> containers = pairs("--colour-containers", colourContainers);
        Map<String, List<String>> compose = pairs("--colour-compose", colourCompose);
        List<ColourSpec> cs = new ArrayList<>();
        Map<String, List<String>> servers = pairs("--colour", colours);
        for (Map.Entry<String, List<String>> e : servers.entrySet()) {
            String p = "--colour " + e.getKey();
            List<String> composeRef = compose.get(e.getKey());
            String project = null;
            String composeService = null;
            if (composeRef != null) {
                String ref = composeRef.get(0);
                int slash = ref.indexOf('/');
                if (slash <= 0 || composeRef.size() != 1) {
                    throw new ParameterException("--colour-compose " + e.getKey(), "got " + ParameterException.show(String.join(",", composeRef)), "NAME=PROJECT/SERVICE, e.g. blue=shop-blue/api");
                }
                project = ref.substring(0, slash);
                composeService = ref.substring(slash + 1);
            }
            cs.add(new ColourSpec(SwitchSpecs.colourName(p, e.getKey()), SwitchSpecs.upstreams(p, e.getValue()),
                    DockerColourStopper.of(p, containers.get(e.getKey()), project, composeService)));
        }
        for (String name : containers.keySet()) {
            requireColour("--colour-containers", name, servers);
        }
        for (String name : compose.keySet()) {
            requireColour("--colour-compose", name, servers);
        }
        return SwitchPlan.of(this::flag, s, to, routerSpec, cs, publicUrl, expectVersion, versionPath, verifyDeadline, samples, stopOldAfter, keepOldColour, force);
    }

    /** The CLI flag of a step parameter, for error messages. */
    String flag(String parameter) {
        String routerFlag = routerOptions.flag(parameter);
        if (routerFlag != null) {
            return routerFlag;
        }
        if (parameter.startsWith("colours[")) {
            int dot = parameter.indexOf("].");
            return "--colour #" + (Integer.parseInt(parameter.substring(8, dot)) + 1) + " " + parameter.substring(dot + 2);
        }
        return switch (parameter) {
            case "colours" -> "--colour";
            case "publicUrl" -> "--public-url";
            case "expectVersion" -> "--expect-version";
            case "versionPath" -> "--version-path";
            case "verifyDeadline" -> "--verify-deadline";
            case "stopOldAfter" -> "--stop-old-after";
            default -> "--" + parameter;
        };
    }

    private RouterSpec routerSpec(String s) {
        return routerOptions.spec(s, this::flag);
    }

    private static void requireColour(String option, String name, Map<String, List<String>> servers) {
        if (!servers.containsKey(name)) {
            throw new ParameterException(option, "colour " + ParameterException.show(name) + " has no --colour " + name + "=HOST:PORT",
                    "a colour also given with --colour");
        }
    }

    /** {@code name=a,b} flags as an ordered map of name to values; a name may appear once. */
    private static Map<String, List<String>> pairs(String option, List<String> flags) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String f : flags) {
            int eq = f.indexOf('=');
            if (eq <= 0 || eq == f.length() - 1) {
                throw new ParameterException(option, "got " + ParameterException.show(f), "NAME=VALUE[,VALUE…], e.g. green=127.0.0.1:8002");
            }
            String name = f.substring(0, eq);
            if (out.containsKey(name)) {
                throw new ParameterException(option, "colour " + ParameterException.show(name) + " is given twice", "each colour once");
            }
            out.put(name, List.of(f.substring(eq + 1).split(",", -1)));
        }
        return out;
    }
}
