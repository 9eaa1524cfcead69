package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * HAProxy in front of a service: its admin socket (runtime API, {@code level admin}), the backend of the
 * service, the config file that holds blueGreenSwitch's managed block for that backend, the {@code haproxy}
 * command and the arguments that load the whole configuration for {@code haproxy -c} (default
 * {@code -f <config>}), and an optional template file on the router's machine.
 */
public record HaproxyRouterSpec(String socket, String backend, String config, List<String> checkArgv, String template,
                                Duration commandTimeout) implements RouterSpec {
    public static final String DEFAULT_HAPROXY = "haproxy";
    private static final Pattern BACKEND = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    public HaproxyRouterSpec {
        checkArgv = List.copyOf(checkArgv);
        commandTimeout = commandTimeout == null ? Duration.ofSeconds(30) : commandTimeout;
    }

    /**
     * @param p       the parameter that holds the router, e.g. {@code router}
     * @param backend the backend name; null or blank: the service name
     */
    public static HaproxyRouterSpec of(String p, String service, String socket, String backend, String config, String haproxy,
                                       List<String> haproxyArgs, String template) {
        return of(n -> p + n.substring("router".length()), service, socket, backend, config, haproxy, haproxyArgs, template);
    }

    /**
     * @param name the displayed name of each parameter, given as the step names it: {@code router.socket},
     *             {@code router.backend}, {@code router.config}, {@code router.haproxy}, {@code router.haproxyArgs[0]},
     *             {@code router.template}
     */
    public static HaproxyRouterSpec of(UnaryOperator<String> name, String service, String socket, String backend, String config, String haproxy,
                                       List<String> haproxyArgs, String template) {
        String s = SwitchSpecs.absolutePath(name.apply("router.socket"), socket, "/run/haproxy/admin.sock");
        String b = backend == null || backend.isBlank() ? service : backend;
        if (b == null || !BACKEND.matcher(b).matches()) {
            throw new ParameterException(name.apply("router.backend"), "got " + ParameterException.show(b), "a HAProxy backend name of letters, digits, '_', '.', ':' or '-'");
        }
        String c = SwitchSpecs.absolutePath(name.apply("router.config"), config, "/etc/haproxy/haproxy.cfg");
        List<String> args = haproxyArgs == null || haproxyArgs.isEmpty() ? List.of("-f", c) : haproxyArgs;
        List<String> argv = SwitchSpecs.argv(name.apply("router.haproxy"), i -> name.apply("router.haproxyArgs[" + i + "]"), haproxy, args, DEFAULT_HAPROXY);
        for (int i = 1; i < argv.size(); i++) {
            if (List.of("-c", "-sf", "-st", "-D", "-W", "-x").contains(argv.get(i))) {
                throw new ParameterException(name.apply("router.haproxyArgs[" + (i - 1) + "]"), "'" + argv.get(i) + "' does not belong in the check arguments",
                        "the arguments that load the configuration, e.g. ['-f', '/etc/haproxy/haproxy.cfg'] (blueGreenSwitch adds -c)");
            }
        }
        String t = template == null || template.isBlank() ? null
                : SwitchSpecs.absolutePath(name.apply("router.template"), template, "/etc/squad/haproxy-backend.cfg.tmpl");
        return new HaproxyRouterSpec(s, b, c, new ArrayList<>(argv), t, null);
    }

    @Override
    public String kind() {
        return "haproxy";
    }

    @Override
    public String describe() {
        return "haproxy backend " + backend + " (" + socket + ")";
    }

    @Override
    public void checkServers(String parameter, List<TrafficRouter.Upstream> servers) {
        RouterSpec.super.checkServers(parameter, servers);
        for (int i = 0; i < servers.size(); i++) {
            String h = servers.get(i).host();
            if (!IPV4.matcher(h).matches() && !h.contains(":")) {
                throw new ParameterException(parameter + "[" + i + "]", "'" + h + "' is a host name",
                        "an IP address and port such as 127.0.0.1:8002: HAProxy's runtime API cannot resolve names");
            }
        }
    }

    @Override
    public TrafficRouter create(String service, RouterHost host, CommandRunner commands, ConsoleLog log) {
        return new HaproxyRouter(service, this, host, commands, log);
    }
}
