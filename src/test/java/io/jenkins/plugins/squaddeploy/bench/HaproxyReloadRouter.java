package io.jenkins.plugins.squaddeploy.bench;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.traffic.FileBackup;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterException;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterFiles;
import io.jenkins.plugins.squaddeploy.engine.traffic.RouterTemplate;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HAProxy switch that was measured and NOT chosen: render the backend with only the new colour's servers
 * into the config (a marked region), {@code haproxy -c}, then a seamless master-worker reload (SIGUSR2 to the master; the
 * new worker takes the listening sockets over from the old one through the admin socket's
 * {@code expose-fd listeners}, i.e. {@code -x}). The old worker finishes its connections and exits. Kept in the
 * benchmark only, to reproduce the comparison in docs/benchmarks.md.
 */
final class HaproxyReloadRouter implements TrafficRouter {
    static final String BEGIN = "# >>> bench backend";
    static final String END = "# <<< bench backend";
    private static final Pattern COLOUR = Pattern.compile("(?m)^# colour=(\\S+)");
    private final String config;
    private final List<String> checkArgv;
    private final long masterPid;
    private final CommandRunner commands;

    /** @param config the HAProxy config holding the region between {@link #BEGIN} and {@link #END} */
    HaproxyReloadRouter(String config, List<String> checkArgv, long masterPid, CommandRunner commands) {
        this.config = config;
        this.checkArgv = checkArgv;
        this.masterPid = masterPid;
        this.commands = commands;
    }

    static String render(String colour, List<Upstream> upstreams) {
        List<RouterTemplate.Server> servers = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            servers.add(new RouterTemplate.Server(colour + "-" + (i + 1), upstreams.get(i), false));
        }
        return BEGIN + "\n# colour=" + colour + "\n" + RouterTemplate.render(RouterTemplate.builtIn(RouterTemplate.HAPROXY),
                Map.of("service", "api", "colour", colour, "backend", "api"), servers) + END + "\n";
    }

    @Override
    public String kind() {
        return "haproxy-reload";
    }

    @Override
    public String activeColour() throws IOException {
        String s = RouterFiles.read(config);
        Matcher m = s == null ? null : COLOUR.matcher(s);
        return m != null && m.find() ? m.group(1) : null;
    }

    @Override
    public void route(String colour, List<Upstream> upstreams) throws IOException, InterruptedException {
        String current = RouterFiles.read(config);
        int from = current.indexOf(BEGIN);
        int to = current.indexOf(END, from) + END.length() + 1;
        FileBackup b = RouterFiles.install(config, current.substring(0, from) + render(colour, upstreams) + current.substring(to));
        List<String> check = new ArrayList<>(checkArgv);
        check.add("-c");
        if (!run(check).succeeded()) {
            RouterFiles.restore(config, b);
            throw new RouterException("haproxy -c failed");
        }
        if (!run(List.of("/bin/sh", "-c", "kill -USR2 " + masterPid)).succeeded()) {
            RouterFiles.restore(config, b);
            throw new RouterException("cannot signal the HAProxy master " + masterPid);
        }
    }

    @Override
    public void restorePrevious() throws IOException, InterruptedException {
        String prev = RouterFiles.read(RouterFiles.previousOf(config));
        if (prev != null) {
            RouterFiles.install(config, prev);
            run(List.of("/bin/sh", "-c", "kill -USR2 " + masterPid));
        }
    }

    private CommandResult run(List<String> argv) throws IOException, InterruptedException {
        return commands.run(CommandRequest.of(argv, Duration.ofSeconds(30)));
    }
}
