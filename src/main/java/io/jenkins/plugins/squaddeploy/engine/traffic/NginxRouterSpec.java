package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * nginx in front of a service: the upstream include file blueGreenSwitch owns ({@code config}), the nginx
 * command with the arguments that select the running instance ({@code argv}, e.g. {@code [/usr/sbin/nginx, -p,
 * /srv/nginx/, -c, /srv/nginx/nginx.conf]}), and an optional template file on the router's machine.
 */
public record NginxRouterSpec(String config, List<String> argv, String template, Duration commandTimeout) implements RouterSpec {
    public static final String DEFAULT_NGINX = "nginx";

    public NginxRouterSpec {
        argv = List.copyOf(argv);
        commandTimeout = commandTimeout == null ? Duration.ofSeconds(30) : commandTimeout;
    }

    /**
     * @param p the parameter that holds the router, e.g. {@code router}
     */
    public static NginxRouterSpec of(String p, String config, String nginx, List<String> nginxArgs, String template) {
        return of(n -> p + n.substring("router".length()), config, nginx, nginxArgs, template);
    }

    /**
     * @param name the displayed name of each parameter, given as the step names it: {@code router.config},
     *             {@code router.nginx}, {@code router.nginxArgs[0]}, {@code router.template}
     */
    public static NginxRouterSpec of(UnaryOperator<String> name, String config, String nginx, List<String> nginxArgs, String template) {
        String c = SwitchSpecs.absolutePath(name.apply("router.config"), config, "/etc/nginx/conf.d/api-upstream.conf");
        List<String> argv = SwitchSpecs.argv(name.apply("router.nginx"), i -> name.apply("router.nginxArgs[" + i + "]"), nginx, nginxArgs, DEFAULT_NGINX);
        for (int i = 1; i < argv.size(); i++) {
            if (argv.get(i).equals("-s") || argv.get(i).equals("-t") || argv.get(i).equals("-T")) {
                throw new ParameterException(name.apply("router.nginxArgs[" + (i - 1) + "]"), "'" + argv.get(i) + "' is added by blueGreenSwitch itself",
                        "only the arguments that select the nginx instance, such as ['-p', '/srv/nginx/', '-c', '/srv/nginx/nginx.conf']");
            }
        }
        String t = template == null || template.isBlank() ? null
                : SwitchSpecs.absolutePath(name.apply("router.template"), template, "/etc/squad/nginx-upstream.conf.tmpl");
        return new NginxRouterSpec(c, argv, t, null);
    }

    @Override
    public String kind() {
        return "nginx";
    }

    @Override
    public String describe() {
        return "nginx " + config;
    }

    @Override
    public TrafficRouter create(String service, RouterHost host, CommandRunner commands, ConsoleLog log) {
        return new NginxRouter(service, this, host, commands, log);
    }
}
