package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes a service through an nginx upstream include that blueGreenSwitch owns. A switch renders the file from
 * the template, replaces it atomically (keeping the old one as {@code <file>.previous}), runs {@code nginx -t}
 * and, only when that passes, a graceful reload ({@code nginx -s reload}): new connections go to the new colour,
 * old workers finish the requests in flight. When {@code nginx -t} or the reload command fails, the old file is
 * put back, so the configuration nginx runs never changes. The active colour is read from the header line the
 * file starts with, so any new router object (another build, a restart, the CLI) reads the same answer.
 */
public final class NginxRouter implements TrafficRouter {
    static final String HEADER_PREFIX = "# squad-deploy blueGreenSwitch:";
    private static final Pattern HEADER = Pattern.compile("(?m)^# squad-deploy blueGreenSwitch: service=(\\S+) colour=(\\S+)");
    private static final List<String> PLACEHOLDERS = List.of("service", "colour", "address", "name", "disabled");

    private final String service;
    private final NginxRouterSpec spec;
    private final RouterHost host;
    private final CommandRunner commands;
    private final ConsoleLog log;

    public NginxRouter(String service, NginxRouterSpec spec, RouterHost host, CommandRunner commands, ConsoleLog log) {
        this.service = service;
        this.spec = spec;
        this.host = host;
        this.commands = commands;
        this.log = log == null ? ConsoleLog.SILENT : log;
    }

    /** nginx's old workers keep accepting new connections for about 0.1 s after a graceful reload: 3 times that. */
    public static final java.time.Duration SETTLE = java.time.Duration.ofMillis(300);

    @Override
    public java.time.Duration settle() {
        return SETTLE;
    }

    @Override
    public String kind() {
        return "nginx";
    }

    @Override
    public String activeColour() throws IOException, InterruptedException {
        recoverCutSwitch();
        return colourIn(host.readFile(spec.config()));
    }

    /**
     * {@code <config>.switching}: written before a switch replaces the upstream file, removed once nginx was reloaded
     * (or the file put back). Left behind only when the switch was cut (the process killed, the agent lost) — then the
     * file may name the new colour while nginx still runs the old one.
     */
    String pendingFile() {
        return spec.config() + ".switching";
    }

    /**
     * After a cut switch, makes the file and the running nginx agree again, conservatively: when the file was already
     * replaced, the previous upstream (what served before the cut switch) is put back and nginx reloaded; the switch
     * itself is never finished unverified. A no-op when no switch was cut.
     */
    void recoverCutSwitch() throws IOException, InterruptedException {
        String pending = host.readFile(pendingFile());
        if (pending == null) {
            return;
        }
        Matcher m = Pattern.compile("from-sha256=(\\S+)").matcher(pending);
        String from = m.find() ? m.group(1) : "";
        String live = host.readFile(spec.config());
        String previous = host.readFile(RouterFiles.previousOf(spec.config()));
        if (live != null && !sha256(live).equals(from) && previous != null && sha256(previous).equals(from)) {
            log.warn("blueGreenSwitch: nginx: a switch of " + service + " was cut before it finished (" + pending.strip() + "); " + spec.config()
                    + " may name a colour nginx does not run: putting the previous upstream back and reloading nginx, so both agree");
            FileBackup backup = host.installFile(spec.config(), previous);
            apply(backup, "undo a cut switch");
        } else {
            log.warn("blueGreenSwitch: nginx: a switch of " + service + " was cut before it replaced " + spec.config() + " (" + pending.strip()
                    + "); nothing to undo");
        }
        host.restoreFiles(pendingFile(), new FileBackup(pendingFile(), null, null));
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The colour recorded in a file's header; null for no file or a file not written by blueGreenSwitch. */
    String colourIn(String content) throws RouterException {
        if (content == null) {
            return null;
        }
        Matcher m = HEADER.matcher(content);
        if (!m.find()) {
            return null;
        }
        if (!m.group(1).equals(service)) {
            throw new RouterException(spec.config() + " routes service '" + m.group(1) + "', not '" + service
                    + "': each service needs its own upstream file (router config)");
        }
        return m.group(2);
    }

    @Override
    public void route(String colour, List<Upstream> upstreams) throws IOException, InterruptedException {
        recoverCutSwitch();
        String content = render(colour, upstreams);
        String current = host.readFile(spec.config());
        if (current != null && !HEADER.matcher(current).find()) {
            log.warn("blueGreenSwitch: " + spec.config() + " was not written by blueGreenSwitch; it is replaced and kept as "
                    + RouterFiles.previousOf(spec.config()));
        } else {
            colourIn(current); // refuses another service's file before anything changes
        }
        long start = System.nanoTime();
        FileBackup marker = host.installFile(pendingFile(), "switch of service=" + service + " to colour=" + colour + " from-sha256="
                + (current == null ? "none" : sha256(current)) + " since " + java.time.Instant.now() + "\n");
        unrestored = false;
        boolean installed = false;
        try {
            FileBackup backup = host.installFile(spec.config(), content);
            installed = true;
            apply(backup, "switch to " + colour);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // known state (put back, nginx with it): no marker; unknown (the write or the put-back cut): the marker stays
            if (installed && !unrestored) {
                try {
                    removeMarker(marker);
                } catch (IOException | InterruptedException | RuntimeException markerKept) {
                    e.addSuppressed(markerKept); // harmless: the next look at the router finds the file as it was
                }
            }
            throw e;
        }
        removeMarker(marker);
        log.info(String.format("blueGreenSwitch: nginx: %s now routes %s to %s (%s); nginx -t passed, reload sent (%d ms)",
                spec.config(), service, colour, String.join(", ", upstreams.stream().map(RouterTemplate::address).toList()),
                (System.nanoTime() - start) / 1_000_000));
    }

    @Override
    public void restorePrevious() throws IOException, InterruptedException {
        String previous = host.readFile(RouterFiles.previousOf(spec.config()));
        if (previous == null) {
            log.info("blueGreenSwitch: nginx: no " + RouterFiles.previousOf(spec.config()) + " to restore");
            return;
        }
        FileBackup backup = host.installFile(spec.config(), previous);
        apply(backup, "restore the previous upstream");
        String colour = colourIn(previous);
        log.info("blueGreenSwitch: nginx: restored " + spec.config() + " from " + RouterFiles.previousOf(spec.config())
                + (colour == null ? "" : ": " + service + " routes to " + colour + " again"));
    }

    /** nginx -t, then reload; on any failure the files are put back as they were before {@code backup}. */
    private void apply(FileBackup backup, String what) throws IOException, InterruptedException {
        boolean reloadStarted = false;
        try {
            CommandResult test = run("-t");
            if (!test.succeeded()) {
                throw new RouterException("nginx -t rejected the configuration with the new upstream (" + what + "): "
                        + tail(test) + ". The file was put back; nginx still runs its previous configuration.");
            }
            reloadStarted = true;
            CommandResult reload = run("-s", "reload");
            if (!reload.succeeded()) {
                throw new RouterException("nginx -s reload failed (" + what + "): " + tail(reload)
                        + ". The file was put back; nginx still runs its previous configuration.");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // An aborted switch puts things back too: the remote calls and commands below need a clear interrupt flag.
            boolean interrupted = Thread.interrupted();
            try {
                host.restoreFiles(spec.config(), backup);
                if (reloadStarted) {
                    // the reload signal may have reached nginx before the abort: make it run the restored file again
                    CommandResult again = run("-s", "reload");
                    if (!again.succeeded()) {
                        throw new RouterException("nginx -s reload of the restored file failed: " + tail(again));
                    }
                }
            } catch (IOException | InterruptedException | RuntimeException restoreFailed) {
                unrestored = true; // the marker stays: the next look at the router sets it right
                e.addSuppressed(restoreFailed);
                if (e instanceof RouterException) {
                    throw new RouterException(e.getMessage() + " PUTTING THE FILE BACK FAILED TOO: " + restoreFailed.getMessage()
                            + "; check " + spec.config() + " before nginx reloads", e);
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }

    /** Set when a failed switch could not put the file (and nginx) back: its marker is then left for {@link #recoverCutSwitch}. */
    private boolean unrestored;

    /** Removes the switch marker, also when the switch was aborted (a clear interrupt flag for the remote call). */
    private void removeMarker(FileBackup marker) throws IOException, InterruptedException {
        boolean interrupted = Thread.interrupted();
        try {
            host.restoreFiles(pendingFile(), marker);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private CommandResult run(String... extra) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(spec.argv());
        argv.addAll(List.of(extra));
        try {
            return commands.run(CommandRequest.of(argv, spec.commandTimeout()));
        } catch (IOException e) {
            throw new RouterException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
    }

    /** The file {@link #route} writes for {@code colour}: the header line, then the rendered template. */
    public String render(String colour, List<Upstream> upstreams) throws IOException, InterruptedException {
        String template = template();
        List<RouterTemplate.Server> servers = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            servers.add(new RouterTemplate.Server(colour + "-" + (i + 1), upstreams.get(i), false));
        }
        String body = RouterTemplate.render(template, Map.of("service", service, "colour", colour), servers);
        return header(service, colour, upstreams) + "\n" + body;
    }

    static String header(String service, String colour, List<Upstream> upstreams) {
        return HEADER_PREFIX + " service=" + service + " colour=" + colour + " servers="
                + String.join(",", upstreams.stream().map(RouterTemplate::address).toList());
    }

    private String template() throws IOException, InterruptedException {
        String t;
        if (spec.template() == null) {
            t = RouterTemplate.builtIn(RouterTemplate.NGINX);
        } else {
            t = host.readFile(spec.template());
            if (t == null) {
                throw new ParameterException("router.template", "file " + spec.template() + " does not exist on the router's machine",
                        "the absolute path of an upstream template on the agent, or no template for the built-in one");
            }
        }
        RouterTemplate.validate(t, PLACEHOLDERS, List.of("address"), "router.template");
        return t;
    }

    private static String tail(CommandResult r) {
        if (r.timedOut()) {
            return "timed out after " + r.elapsedMs() + " ms";
        }
        String text = (r.stderr() + "\n" + r.stdout()).strip();
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\\R")) {
            if (!l.isBlank() && !l.contains("test failed") && !l.contains("syntax is ok")) {
                lines.add(l.strip());
            }
        }
        if (lines.isEmpty()) {
            return "exit " + r.exitCode();
        }
        String shown = String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        return "exit " + r.exitCode() + ": " + (shown.length() > 600 ? shown.substring(0, 600) + "…" : shown);
    }
}
