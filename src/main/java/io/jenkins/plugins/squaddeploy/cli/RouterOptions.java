package io.jenkins.plugins.squaddeploy.cli;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.HaproxyRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The router flags shared by {@code squad switch}, {@code squad deploy} and {@code squad rollback}, and the
 * mapping of the steps' router parameter names ({@code router.config}, {@code router.nginxArgs[0]}, …) to them,
 * so an error names the flag the person typed.
 */
final class RouterOptions {
    private static final Pattern ARG = Pattern.compile("router\\.(nginx|haproxy)Args\\[(\\d+)]");

    @Option(names = "--router", paramLabel = "KIND", description = "the router in front of the colours: nginx or haproxy")
    String router;

    @Option(names = "--nginx-config", paramLabel = "FILE", description = "nginx: the upstream include file blueGreenSwitch owns")
    String nginxConfig;

    @Option(names = "--nginx", paramLabel = "PROGRAM", defaultValue = NginxRouterSpec.DEFAULT_NGINX, description = "nginx: the nginx program (default ${DEFAULT-VALUE})")
    String nginx;

    @Option(names = "--nginx-arg", paramLabel = "ARG", description = "nginx: argument selecting the instance (repeatable), e.g. --nginx-arg=-p --nginx-arg=/srv/nginx/")
    List<String> nginxArgs = new ArrayList<>();

    @Option(names = "--haproxy-socket", paramLabel = "SOCKET", description = "HAProxy: the admin socket (level admin)")
    String haproxySocket;

    @Option(names = "--haproxy-config", paramLabel = "FILE", description = "HAProxy: the config file with blueGreenSwitch's managed backend block")
    String haproxyConfig;

    @Option(names = "--haproxy-backend", paramLabel = "NAME", description = "HAProxy: the backend (default: the service)")
    String haproxyBackend;

    @Option(names = "--haproxy", paramLabel = "PROGRAM", defaultValue = HaproxyRouterSpec.DEFAULT_HAPROXY, description = "HAProxy: the haproxy program (default ${DEFAULT-VALUE})")
    String haproxy;

    @Option(names = "--haproxy-arg", paramLabel = "ARG", description = "HAProxy: argument loading the configuration for haproxy -c (repeatable; default -f <config>)")
    List<String> haproxyArgs = new ArrayList<>();

    @Option(names = "--template", paramLabel = "FILE", description = "a router template file instead of the built-in one")
    String template;

    boolean given() {
        return router != null;
    }

    /** The flag of a router parameter, or null when {@code parameter} is not one. */
    String flag(String parameter) {
        Matcher arg = ARG.matcher(parameter);
        if (arg.matches()) {
            return "--" + arg.group(1) + "-arg #" + (Integer.parseInt(arg.group(2)) + 1);
        }
        return switch (parameter) {
            case "router.config" -> "nginx".equals(router) ? "--nginx-config" : "--haproxy-config";
            case "router.nginx" -> "--nginx";
            case "router.haproxy" -> "--haproxy";
            case "router.socket" -> "--haproxy-socket";
            case "router.backend" -> "--haproxy-backend";
            case "router.template" -> "--template";
            default -> null;
        };
    }

    /**
     * The router of {@code --router}, validated with the flags' names.
     * @param otherFlags names the flags of the command's other parameters
     */
    RouterSpec spec(String service, UnaryOperator<String> otherFlags) {
        if (router == null) {
            throw new ParameterException("--router", "no router was given", "nginx or haproxy");
        }
        UnaryOperator<String> name = p -> {
            String f = flag(p);
            return f != null ? f : otherFlags.apply(p);
        };
        return switch (router) {
            case "nginx" -> NginxRouterSpec.of(name, nginxConfig, nginx, nginxArgs, template);
            case "haproxy" -> HaproxyRouterSpec.of(name, service, haproxySocket, haproxyBackend, haproxyConfig, haproxy, haproxyArgs, template);
            default -> throw new ParameterException("--router", "unknown router " + ParameterException.show(router), "nginx or haproxy");
        };
    }

    /** Without --router, router flags are a mistake: say which one. */
    void refuseFlagsWithoutRouter() {
        for (String[] f : new String[][] {{"--nginx-config", nginxConfig}, {"--haproxy-socket", haproxySocket}, {"--haproxy-config", haproxyConfig}}) {
            if (f[1] != null) {
                throw new ParameterException(f[0], "it only applies with --router", "--router nginx or --router haproxy with it, or neither");
            }
        }
    }
}
