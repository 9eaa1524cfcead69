package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes a service through a HAProxy backend, switching at run time over the admin socket: the new colour's
 * servers are set {@code ready} (added with {@code add server} if the running backend lacks them), then the
 * old colour's are set {@code drain} (no new requests; requests in flight finish). No process is restarted and no
 * connection is closed, which is why this, not a reload, is the switch (see docs/benchmarks.md for the
 * measured comparison).
 *
 * <p>The config file keeps up: before the runtime change, blueGreenSwitch rewrites its managed block for the
 * backend (between {@code # >>> squad-deploy blueGreenSwitch: backend <name>} and {@code # <<< …} lines; appended
 * when missing) with the new colour's servers enabled and every other server {@code disabled}, keeps the old file
 * as {@code <config>.previous} and runs {@code haproxy -c}. When the check fails the file is put back and nothing
 * is changed at run time; so a later reload or restart of HAProxy keeps the live colour.
 *
 * <p>Servers are named {@code <colour>-<n>}; the active colour is read from the running HAProxy
 * ({@code show servers state}): the colour of the servers that are neither drained nor in maintenance.
 */
public final class HaproxyRouter implements TrafficRouter {
    static final String BEGIN = "# >>> squad-deploy blueGreenSwitch: backend ";
    static final String END = "# <<< squad-deploy blueGreenSwitch: backend ";
    private static final Pattern SERVER_LINE = Pattern.compile("^\\s*server\\s+(\\S+)\\s+(\\S+)(.*)$");
    private static final Pattern COLOUR_OF = Pattern.compile("^(.+?)(?:-\\d+)?$");
    private static final List<String> PLACEHOLDERS = List.of("service", "colour", "backend", "address", "name", "disabled");
    private static final int NOT_SERVING = 0x01 | 0x02 | 0x08 | 0x10 | 0x20; // FMAINT IMAINT FDRAIN IDRAIN RMAINT
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /** {@code srv_op_state} of a server HAProxy sends requests to (SRV_ST_RUNNING). */
    private static final int RUNNING = 2;
    /** {@code srv_check_state} bit CHK_ST_ENABLED, {@code srv_check_result} CHK_RES_PASSED / CHK_RES_CONDPASS. */
    private static final int CHECK_ENABLED = 0x04;
    private static final int CHECK_PASSED = 3;
    private static final int CHECK_CONDPASS = 4;
    /** How long the new colour's servers may take to pass HAProxy's own health check before the old colour is drained. */
    static final Duration UP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration UP_POLL = Duration.ofMillis(100);

    private final String service;
    private final HaproxyRouterSpec spec;
    private final RouterHost host;
    private final CommandRunner commands;
    private final ConsoleLog log;
    private Duration upTimeout = UP_TIMEOUT;
    private List<ServerState> beforeLastRoute;
    private FileBackup lastBackup;

    /** One line of {@code show servers state}. */
    record ServerState(String name, String address, int port, int adminState, int weight, int opState, int checkState, int checkResult) {
        ServerState(String name, String address, int port, int adminState, int weight) {
            this(name, address, port, adminState, weight, RUNNING, 0, CHECK_PASSED);
        }

        /**
         * Requests reach it and HAProxy's health check (when it has one) has passed since it was last enabled: a server
         * leaving maintenance is RUNNING at once but its check result is still unknown, and the first failed check
         * takes it DOWN; one whose container was replaced while drained is DOWN until {@code rise} checks passed.
         */
        boolean up() {
            boolean checked = (checkState & CHECK_ENABLED) != 0;
            return opState == RUNNING && (!checked || checkResult == CHECK_PASSED || checkResult == CHECK_CONDPASS);
        }

        boolean serving() {
            return (adminState & NOT_SERVING) == 0 && weight > 0;
        }

        String colour() {
            return colourOf(name);
        }

        TrafficRouter.Upstream upstream() {
            return new TrafficRouter.Upstream(address, port);
        }
    }

    public HaproxyRouter(String service, HaproxyRouterSpec spec, RouterHost host, CommandRunner commands, ConsoleLog log) {
        this.service = service;
        this.spec = spec;
        this.host = host;
        this.commands = commands;
        this.log = log == null ? ConsoleLog.SILENT : log;
    }

    /** How long {@link #route} waits for the new colour to pass HAProxy's health check (tests shorten it). */
    HaproxyRouter upTimeout(Duration d) {
        this.upTimeout = d;
        return this;
    }

    @Override
    public String kind() {
        return "haproxy";
    }

    @Override
    public String activeColour() throws IOException, InterruptedException {
        Set<String> colours = new LinkedHashSet<>();
        for (ServerState s : serversState()) {
            if (s.serving()) {
                colours.add(s.colour());
            }
        }
        return colours.size() == 1 ? colours.iterator().next() : null;
    }

    @Override
    public void route(String colour, List<Upstream> upstreams) throws IOException, InterruptedException {
        long start = System.nanoTime();
        String template = template();
        List<ServerState> running = serversState();
        Map<String, RouterTemplate.Server> desired = new LinkedHashMap<>();
        for (int i = 0; i < upstreams.size(); i++) {
            String name = colour + "-" + (i + 1);
            desired.put(name, new RouterTemplate.Server(name, upstreams.get(i), false));
        }
        for (ServerState s : running) {
            desired.putIfAbsent(s.name(), new RouterTemplate.Server(s.name(), s.upstream(), true));
        }
        List<RouterTemplate.Server> servers = new ArrayList<>(desired.values());
        servers.sort(Comparator.comparing(RouterTemplate.Server::name));
        String current = host.readFile(spec.config());
        String updated = withBlock(current, block(template, colour, servers));
        FileBackup backup = host.installFile(spec.config(), updated);
        try {
            check("switch to " + colour);
            applyAtRuntime(servers, running);
        } catch (IOException | InterruptedException | RuntimeException e) {
            undo(backup, running, e);
            throw e;
        }
        beforeLastRoute = running;
        lastBackup = backup;
        log.info(String.format("blueGreenSwitch: haproxy: backend %s now sends %s to %s (%s) over %s; %s updated, haproxy -c passed (%d ms)",
                spec.backend(), service, colour, String.join(", ", upstreams.stream().map(RouterTemplate::address).toList()), spec.socket(),
                spec.config(), (System.nanoTime() - start) / 1_000_000));
    }

    @Override
    public void restorePrevious() throws IOException, InterruptedException {
        String previous = host.readFile(RouterFiles.previousOf(spec.config()));
        List<RouterTemplate.Server> servers = previous == null ? null : serversIn(previous);
        if (servers == null && beforeLastRoute != null) {
            servers = new ArrayList<>();
            for (ServerState s : beforeLastRoute) {
                servers.add(new RouterTemplate.Server(s.name(), s.upstream(), !s.serving()));
            }
        }
        if (servers == null || servers.stream().allMatch(RouterTemplate.Server::disabled)) {
            log.info("blueGreenSwitch: haproxy: nothing to restore (no previous managed block for backend " + spec.backend() + ")");
            return;
        }
        List<ServerState> running = serversState();
        FileBackup backup = previous == null ? null : host.installFile(spec.config(), previous);
        try {
            if (backup != null) {
                check("restore the previous backend");
            }
            applyAtRuntime(servers, running);
        } catch (IOException | InterruptedException | RuntimeException e) {
            undo(backup, running, e);
            throw e;
        }
        if (previous == null && lastBackup != null) {
            host.restoreFiles(spec.config(), lastBackup); // the file did not exist before this object's route
        }
        Set<String> colours = new LinkedHashSet<>();
        servers.stream().filter(s -> !s.disabled()).forEach(s -> colours.add(colourOf(s.name())));
        log.info("blueGreenSwitch: haproxy: restored backend " + spec.backend() + ": " + service + " goes to " + String.join(", ", colours) + " again");
    }

    /** Puts the file back and the runtime state as it was, after a failed change; adds what failed to {@code e}. */
    private void undo(FileBackup backup, List<ServerState> running, Exception e) {
        if (backup != null) {
            try {
                host.restoreFiles(spec.config(), backup);
            } catch (IOException | InterruptedException | RuntimeException f) {
                e.addSuppressed(f);
            }
        }
        List<RouterTemplate.Server> before = new ArrayList<>();
        for (ServerState s : running) {
            before.add(new RouterTemplate.Server(s.name(), s.upstream(), !s.serving()));
        }
        try {
            applyAtRuntime(before, serversState());
        } catch (IOException | InterruptedException | RuntimeException f) {
            e.addSuppressed(f);
        }
    }

    /** Enables the servers that are not disabled (adding or re-addressing them as needed), then drains every other one. */
    private void applyAtRuntime(List<RouterTemplate.Server> servers, List<ServerState> running) throws IOException, InterruptedException {
        Map<String, ServerState> byName = new HashMap<>();
        running.forEach(s -> byName.put(s.name(), s));
        Set<String> enabled = new LinkedHashSet<>();
        for (RouterTemplate.Server s : servers) {
            if (s.disabled()) {
                continue;
            }
            enabled.add(s.name());
            String ref = spec.backend() + "/" + s.name();
            ServerState now = byName.get(s.name());
            if (now == null) {
                expect(admin("add server " + ref + " " + RouterTemplate.address(s.upstream())), "New server registered", "add server " + ref);
            } else if (!now.upstream().equals(s.upstream())) {
                expect(admin("set server " + ref + " addr " + s.upstream().host() + " port " + s.upstream().port()), "changed|no need to change",
                        "set server " + ref + " addr");
            }
            if (now == null || !now.serving()) {
                expect(admin("set server " + ref + " state ready"), null, "set server " + ref + " state ready");
            }
            if (now != null && now.weight() == 0) {
                expect(admin("set weight " + ref + " 100%"), null, "set weight " + ref + " 100%");
            }
        }
        if (running.stream().anyMatch(s -> !enabled.contains(s.name()) && s.serving())) {
            awaitUp(enabled);
        }
        for (ServerState s : running) {
            if (!enabled.contains(s.name()) && s.serving()) {
                String ref = spec.backend() + "/" + s.name();
                expect(admin("set server " + ref + " state drain"), null, "set server " + ref + " state drain");
            }
        }
    }

    /**
     * Waits until HAProxy's own health check marks every server in {@code names} UP, so that draining the old colour
     * never leaves the backend without a server that takes requests (HAProxy answers 503 then). A server leaving
     * maintenance, or one whose container was just replaced, is DOWN until {@code rise} checks passed (with the built-in
     * template {@code inter 2s rise 2}: about 2 to 4 s). When they are not all UP within {@link #UP_TIMEOUT} the switch
     * fails and the caller puts the old colour back; the old colour never stopped serving.
     */
    private void awaitUp(Set<String> names) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + upTimeout.toNanos();
        long nextReport = start + Duration.ofSeconds(5).toNanos();
        while (true) {
            List<String> down = new ArrayList<>();
            for (ServerState s : serversState()) {
                if (names.contains(s.name()) && !s.up()) {
                    down.add(s.name());
                }
            }
            if (down.isEmpty()) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (ms >= 1000) {
                    log.info("blueGreenSwitch: haproxy: " + String.join(", ", names) + " passed HAProxy's health check after " + ms + " ms");
                }
                return;
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                throw new RouterException("HAProxy's health check still marks " + String.join(", ", down) + " of backend " + spec.backend()
                        + " DOWN after " + upTimeout.toSeconds() + " s, so the old colour was not drained; check that the new colour "
                        + "answers the backend's health check (the 'check' options of its server lines)");
            }
            if (now >= nextReport) {
                log.info("blueGreenSwitch: haproxy: waiting for HAProxy's health check to mark " + String.join(", ", down) + " UP ("
                        + (now - start) / 1_000_000_000 + " s of " + upTimeout.toSeconds() + " s)");
                nextReport = now + Duration.ofSeconds(5).toNanos();
            }
            Thread.sleep(UP_POLL.toMillis());
        }
    }

    /** The running backend's servers, from {@code show servers state <backend>}. */
    List<ServerState> serversState() throws IOException, InterruptedException {
        String answer = admin("show servers state " + spec.backend());
        List<String> lines = List.of(answer.split("\n"));
        String headerLine = lines.stream().filter(l -> l.startsWith("# be_id")).findFirst().orElse(null);
        if (headerLine == null) {
            String why = answer.strip();
            if (why.contains("Can't find backend")) {
                throw new RouterException("the running HAProxy (" + spec.socket() + ") has no backend '" + spec.backend() + "'");
            }
            throw new RouterException("unexpected answer to 'show servers state " + spec.backend() + "' on " + spec.socket() + ": "
                    + (why.length() > 200 ? why.substring(0, 200) + "…" : why));
        }
        List<String> header = List.of(headerLine.substring(2).trim().split("\\s+"));
        int name = header.indexOf("srv_name");
        int addr = header.indexOf("srv_addr");
        int port = header.indexOf("srv_port");
        int admin = header.indexOf("srv_admin_state");
        int weight = header.indexOf("srv_uweight");
        int op = header.indexOf("srv_op_state");
        int checkState = header.indexOf("srv_check_state");
        int checkResult = header.indexOf("srv_check_result");
        if (Math.min(Math.min(Math.min(name, addr), Math.min(Math.min(port, admin), weight)), op) < 0) {
            throw new RouterException("'show servers state' on " + spec.socket() + " lacks a column blueGreenSwitch needs: " + headerLine);
        }
        List<ServerState> out = new ArrayList<>();
        for (String l : lines) {
            if (l.isBlank() || l.startsWith("#") || !l.contains(" ")) {
                continue;
            }
            String[] f = l.trim().split("\\s+");
            if (f.length < header.size()) {
                continue;
            }
            try {
                out.add(new ServerState(f[name], f[addr], Integer.parseInt(f[port]), Integer.parseInt(f[admin]), Integer.parseInt(f[weight]),
                        Integer.parseInt(f[op]), checkState < 0 ? 0 : Integer.parseInt(f[checkState]),
                        checkResult < 0 ? CHECK_PASSED : Integer.parseInt(f[checkResult])));
            } catch (NumberFormatException e) {
                throw new RouterException("cannot read 'show servers state' line: " + l);
            }
        }
        return out;
    }

    private String admin(String command) throws IOException, InterruptedException {
        try {
            return host.adminCommand(spec.socket(), command, SOCKET_TIMEOUT);
        } catch (RouterException e) {
            throw e;
        } catch (IOException e) {
            throw new RouterException(e.getMessage(), e);
        }
    }

    /** An answer is an error unless it is blank or matches {@code okPattern}. */
    private static void expect(String answer, String okPattern, String what) throws RouterException {
        String a = answer.strip();
        if (a.isEmpty() || (okPattern != null && Pattern.compile(okPattern).matcher(a).find())) {
            return;
        }
        throw new RouterException("HAProxy refused '" + what + "': " + (a.length() > 300 ? a.substring(0, 300) + "…" : a));
    }

    private void check(String what) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(spec.checkArgv());
        argv.add("-c");
        CommandResult r;
        try {
            r = commands.run(CommandRequest.of(argv, spec.commandTimeout()));
        } catch (IOException e) {
            throw new RouterException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        if (!r.succeeded()) {
            throw new RouterException("haproxy -c rejected the configuration with the new backend block (" + what + "): " + alerts(r)
                    + ". The file was put back and nothing was changed in the running HAProxy.");
        }
    }

    private static String alerts(CommandResult r) {
        if (r.timedOut()) {
            return "timed out after " + r.elapsedMs() + " ms";
        }
        List<String> lines = new ArrayList<>();
        for (String l : (r.stderr() + "\n" + r.stdout()).split("\\R")) {
            if (l.contains("[ALERT]")) {
                lines.add(l.replaceAll("^\\[ALERT\\]\\s*(\\(\\d+\\)\\s*)?:?\\s*", "").strip());
            }
        }
        if (lines.isEmpty()) {
            return "exit " + r.exitCode() + (r.lastLine().isEmpty() ? "" : ": " + r.lastLine());
        }
        String s = String.join(" / ", lines.subList(0, Math.min(3, lines.size())));
        return "exit " + r.exitCode() + ": " + (s.length() > 600 ? s.substring(0, 600) + "…" : s);
    }

    /**
     * The managed block {@link #route} writes, for a backend with these servers (those not {@code disabled} are the
     * live colour's): markers, a header naming the live colour, the rendered template.
     */
    public String renderBlock(String colour, List<RouterTemplate.Server> servers) throws IOException, InterruptedException {
        return block(template(), colour, servers);
    }

    /** The managed block: markers, a header naming the live colour, the rendered template. */
    String block(String template, String colour, List<RouterTemplate.Server> servers) {
        Map<String, String> values = Map.of("service", service, "colour", colour, "backend", spec.backend());
        String body = RouterTemplate.render(template, values, servers);
        if (!body.endsWith("\n")) {
            body += "\n";
        }
        List<Upstream> live = servers.stream().filter(s -> !s.disabled()).map(RouterTemplate.Server::upstream).toList();
        return BEGIN + spec.backend() + " (managed block: blueGreenSwitch rewrites it) >>>\n"
                + NginxRouter.header(service, colour, live) + "\n"
                + body
                + END + spec.backend() + " <<<\n";
    }

    /** {@code content} with its managed block for the backend replaced by {@code block}, or with {@code block} appended. */
    String withBlock(String content, String block) throws RouterException {
        List<String> lines = RouterTemplate.lines(content == null ? "" : content);
        int[] range = blockRange(lines);
        if (range == null) {
            String base = content == null ? "" : content;
            if (!base.isEmpty() && !base.endsWith("\n")) {
                base += "\n";
            }
            return base + (base.isEmpty() ? "" : "\n") + block;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < range[0]; i++) {
            out.append(lines.get(i)).append('\n');
        }
        out.append(block);
        for (int i = range[1] + 1; i < lines.size(); i++) {
            out.append(lines.get(i));
            if (i < lines.size() - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** First and last line index of the managed block, or null when there is none. */
    private int[] blockRange(List<String> lines) throws RouterException {
        int begin = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (begin < 0 && isMarker(l, BEGIN)) {
                begin = i;
            } else if (begin >= 0 && isMarker(l, END)) {
                return new int[] {begin, i};
            }
        }
        if (begin >= 0) {
            throw new RouterException(spec.config() + " has the line '" + lines.get(begin).strip() + "' but no end marker '"
                    + END + spec.backend() + " <<<' after it");
        }
        return null;
    }

    private boolean isMarker(String line, String prefix) {
        String l = line.strip();
        return l.startsWith(prefix + spec.backend() + " ") || l.equals(prefix + spec.backend());
    }

    /** The servers of the managed block in {@code content}, or null when it has none. */
    List<RouterTemplate.Server> serversIn(String content) throws RouterException {
        List<String> lines = RouterTemplate.lines(content);
        int[] range = blockRange(lines);
        if (range == null) {
            return null;
        }
        List<RouterTemplate.Server> servers = new ArrayList<>();
        for (int i = range[0] + 1; i < range[1]; i++) {
            Matcher m = SERVER_LINE.matcher(lines.get(i));
            if (m.matches()) {
                TrafficRouter.Upstream u;
                try {
                    u = SwitchSpecs.upstream("server", m.group(2));
                } catch (ParameterException e) {
                    continue;
                }
                boolean disabled = List.of(m.group(3).trim().split("\\s+")).contains("disabled");
                servers.add(new RouterTemplate.Server(m.group(1), u, disabled));
            }
        }
        return servers.isEmpty() ? null : servers;
    }

    private String template() throws IOException, InterruptedException {
        String t;
        if (spec.template() == null) {
            t = RouterTemplate.builtIn(RouterTemplate.HAPROXY);
        } else {
            t = host.readFile(spec.template());
            if (t == null) {
                throw new ParameterException("router.template", "file " + spec.template() + " does not exist on the router's machine",
                        "the absolute path of a backend template on the agent, or no template for the built-in one");
            }
        }
        RouterTemplate.validate(t, PLACEHOLDERS, List.of("address", "name", "disabled"), "router.template");
        if (!t.contains("{{backend}}")) {
            throw new ParameterException("router.template", "the template has no {{backend}}", "a template starting with 'backend {{backend}}'");
        }
        return t;
    }

    static String colourOf(String serverName) {
        Matcher m = COLOUR_OF.matcher(serverName);
        return m.matches() ? m.group(1) : serverName;
    }
}
