package io.jenkins.plugins.squaddeploy.engine.rollback;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployTestbed;
import io.jenkins.plugins.squaddeploy.engine.deploy.DockerClient;
import io.jenkins.plugins.squaddeploy.engine.deploy.LocalDeployFiles;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseRecord;
import io.jenkins.plugins.squaddeploy.engine.deploy.ReleaseStore;
import io.jenkins.plugins.squaddeploy.engine.deploy.SquadDeployer;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import io.jenkins.plugins.squaddeploy.engine.traffic.BlueGreenSwitcher;
import io.jenkins.plugins.squaddeploy.engine.traffic.ColourSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.DockerColourStopper;
import io.jenkins.plugins.squaddeploy.engine.traffic.LocalRouterHost;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouter;
import io.jenkins.plugins.squaddeploy.engine.traffic.NginxRouterSpec;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchOptions;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchRequest;
import io.jenkins.plugins.squaddeploy.engine.traffic.SwitchResult;
import io.jenkins.plugins.squaddeploy.engine.traffic.TrafficRouter;
import io.jenkins.plugins.squaddeploy.testbed.Binaries;
import io.jenkins.plugins.squaddeploy.testbed.Http;
import io.jenkins.plugins.squaddeploy.testbed.NginxFixture;
import io.jenkins.plugins.squaddeploy.testbed.Testbed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One blue-green service for a rollback test: squadDeploy's docker target on two host ports (blue, green), a state
 * directory, and a real nginx (testbed fixture) routing {@code /} to the live colour through an upstream include that
 * blueGreenSwitch owns. nginx's server block closes client connections after each answer ({@code keepalive_timeout 0},
 * the zero-drop set-up of docs/benchmarks.md) and includes {@link #extraConf}, which a test can break so that
 * {@code nginx -t} fails.
 */
public final class RollbackBed implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    public static final String SWITCH_SERVICE = "api";

    /** The service name the router (upstream) is named after: blueGreenSwitch's {@code api}, or squadDeploy's own service. */
    public final String routerService;

    public final DeployTestbed bed;
    public final Path dir;
    public final String service;
    public final int bluePort;
    public final int greenPort;
    public final Path stateDir;
    public final Path upstream;
    public final Path extraConf;
    public final NginxFixture nginx;
    public final NginxRouterSpec routerSpec;
    public final DeployTestbed.Lines log = new DeployTestbed.Lines();

    private RollbackBed(DeployTestbed bed, boolean routerNamedAfterService) throws IOException, InterruptedException {
        this.bed = bed;
        this.dir = Testbed.newWorkDir("rollback");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.service = bed.newService();
        this.routerService = routerNamedAfterService ? service : SWITCH_SERVICE;
        int[] p = DeployTestbed.ports(2);
        this.bluePort = p[0];
        this.greenPort = p[1];
        this.stateDir = dir.resolve("state");
        this.upstream = dir.resolve("api-upstream.conf");
        this.extraConf = dir.resolve("extra.conf");
        Files.writeString(extraConf, "# nothing\n");
        NginxRouterSpec plain = NginxRouterSpec.of("router", upstream.toString(), null, List.of(), null);
        Files.writeString(upstream, new NginxRouter(routerService, plain, new LocalRouterHost(), null, null)
                .render("blue", List.of(new TrafficRouter.Upstream("127.0.0.1", bluePort))));
        this.nginx = NginxFixture.create(String.join("\n",
                "include " + upstream + ";",
                "include " + extraConf + ";",
                "server {",
                "    listen 127.0.0.1:@PORT@;",
                "    keepalive_timeout 0;",
                "    location / {",
                "        proxy_pass http://" + routerService + ";",
                "        proxy_http_version 1.1;",
                "        proxy_set_header Connection \"\";",
                "        proxy_next_upstream error timeout;",
                "    }",
                "}"));
        this.routerSpec = NginxRouterSpec.of("router", upstream.toString(), Binaries.nginx().toString(),
                List.of("-p", nginx.dir().toString(), "-e", nginx.dir().resolve("logs/error.log").toString(), "-c", nginx.configFile().toString()), null);
    }

    public static RollbackBed create(DeployTestbed bed) {
        return create(bed, false);
    }

    /** With {@code routerNamedAfterService}: nginx's upstream is named after the squadDeploy service, as squadDeploy's own router hand-over names it. */
    public static RollbackBed create(DeployTestbed bed, boolean routerNamedAfterService) {
        try {
            return new RollbackBed(bed, routerNamedAfterService);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String ports() {
        return "blue=" + bluePort + ",green=" + greenPort;
    }

    public DeployRequest.Builder request(String version, String strategy, String ports) {
        return DeployRequest.builder().service(service).environment("test").image(bed.image(version)).strategy(strategy)
                .docker(List.of(), null, List.of()).ports(ports).stateDir(stateDir.toString()).labels(DeployTestbed.testLabels())
                .healthTimeoutSeconds(30).buildUrl("http://jenkins.example/job/shop/7/").upstreamHost("127.0.0.1");
    }

    public SquadDeployer deployer() {
        return new SquadDeployer(bed.client(), new LocalDeployFiles(dir), log, null);
    }

    /** squadDeploy blueGreen of {@code version} (no router: the switch is blueGreenSwitch's). */
    public Deployment.Released deploy(String version) throws IOException, InterruptedException {
        return deploy(request(version, "blueGreen", ports()).build());
    }

    public Deployment.Released deploy(DeployRequest req) throws IOException, InterruptedException {
        ReleaseRecord rec = deployer().deploy(req);
        return new Deployment.Released(req, rec, null, Instant.now());
    }

    /** squadDeploy blueGreen of {@code version} handing the healthy release to the router itself (its {@code router} parameter). */
    public Deployment.Released deployThroughRouter(String version) throws IOException, InterruptedException {
        DeployRequest req = request(version, "blueGreen", ports())
                .switchSettings(new DeployRequest.SwitchSettings(publicUrl(), "$.version", Duration.ofSeconds(20), 5)).build();
        ReleaseRecord rec = deployer().withRouter(router()).deploy(req);
        return new Deployment.Released(req, rec, routerSpec, Instant.now());
    }

    public TrafficRouter router() {
        return routerSpec.create(routerService, new LocalRouterHost(), new LocalCommandRunner(), log);
    }

    public List<ColourSpec> colours() {
        return List.of(new ColourSpec("blue", List.of(new TrafficRouter.Upstream("127.0.0.1", bluePort)),
                        new DockerColourStopper("docker", List.of(service + "-blue"), null, null, 5)),
                new ColourSpec("green", List.of(new TrafficRouter.Upstream("127.0.0.1", greenPort)),
                        new DockerColourStopper("docker", List.of(service + "-green"), null, null, 5)));
    }

    public URI publicUrl() {
        return URI.create(nginx.baseUrl() + "/health");
    }

    /** blueGreenSwitch to {@code colour} (serving {@code version}), verified through nginx; recorded as the step records it. */
    public Deployment.Switched switchTo(String colour, String version) throws IOException, InterruptedException {
        int port = colour.equals("blue") ? bluePort : greenPort;
        SwitchResult r = new BlueGreenSwitcher(router(), new LocalRouterHost(), log, new Masker()).switchTo(new SwitchRequest(routerService, colour,
                List.of(new TrafficRouter.Upstream("127.0.0.1", port)), publicUrl(), version, "$.version", Duration.ofSeconds(20), 5), SwitchOptions.defaults());
        return new Deployment.Switched(routerService, routerSpec, colours(), publicUrl(), "$.version", Duration.ofSeconds(20), 5, r.from(), r.to(), version,
                Instant.now());
    }

    public Rollbacker rollbacker(DockerClient docker) {
        return new Rollbacker(docker, new LocalDeployFiles(dir), new LocalRouterHost(), new LocalCommandRunner(), log, new Masker()).pollEvery(200);
    }

    public Rollbacker rollbacker() {
        return rollbacker(bed.client());
    }

    /** The version nginx serves on /health, or what it answered instead. */
    public String versionThroughRouter() {
        try {
            Http.Response r = Http.get(nginx.baseUrl() + "/health", Duration.ofSeconds(5));
            return r.status() == 200 ? JSON.readTree(r.body()).path("version").asText() : "HTTP " + r.status();
        } catch (IOException e) {
            return "down: " + e.getMessage();
        }
    }

    /** Waits until nginx serves {@code version} on new connections 5 times in a row (after a reload old workers accept for a moment). */
    public void awaitServing(String version) {
        int[] inARow = {0};
        io.jenkins.plugins.squaddeploy.testbed.Poll.until("nginx to serve " + version + " on new connections", Duration.ofSeconds(10), () -> {
            inARow[0] = version.equals(versionThroughRouter()) ? inARow[0] + 1 : 0;
            return inARow[0] >= 5;
        });
    }

    /** Sets a sample-service knob inside a running container (see SampleService#setKnob). */
    public void setKnob(String container, String knob, String value) {
        bed.docker.ok(Duration.ofSeconds(20), "exec", container, "/bin/sh", "-c", "printf '%s\\n' \"$1\" > \"/tmp/squad/knobs/$2\"", "sh", value, knob);
    }

    public ReleaseStore.State state() throws IOException, InterruptedException {
        return new ReleaseStore(new LocalDeployFiles(dir), ReleaseStore.stateFile(stateDir.toString(), service)).read();
    }

    public Map<String, Object> journal() throws IOException {
        Path j = stateDir.resolve(service + ".rollback.json");
        return Files.exists(j) ? JSON.readValue(j.toFile(), Map.class) : Map.of();
    }

    @Override
    public void close() {
        nginx.close();
        Testbed.deleteRecursively(dir);
    }
}
