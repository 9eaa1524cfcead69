package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.kube.KubeApi;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOps;
import io.jenkins.plugins.squaddeploy.engine.kube.KubeOps.Address;
import io.jenkins.plugins.squaddeploy.engine.kube.RolloutWatch;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes Service as the router of a blue-green pair: each colour is a Deployment whose pods carry the label
 * {@code colourLabel=<colour>}; the Service's selector says which colour gets the traffic. Switching patches the
 * selector (the previous selector is kept for {@link #restorePrevious()}); the switch is proven through the Service's
 * Endpoints: every address must be a ready pod of the new colour, and at least one must be there.
 */
public final class KubeServiceRouter implements TrafficRouter {
    private final KubeServiceRouterSpec spec;
    private final KubeApi api;
    private final ConsoleLog log;
    private final Duration poll;
    private LinkedHashMap<String, String> previous;

    public KubeServiceRouter(KubeServiceRouterSpec spec, KubeApi api, ConsoleLog log, Duration poll) {
        this.spec = spec;
        this.api = api;
        this.log = log == null ? ConsoleLog.SILENT : log;
        this.poll = poll == null ? Duration.ofMillis(500) : poll;
    }

    @Override
    public String kind() {
        return "kubernetes";
    }

    private LinkedHashMap<String, String> selector() throws IOException, InterruptedException {
        LinkedHashMap<String, String> s = api.call(new KubeOps.ReadSelector(spec.service()));
        if (s == null) {
            throw new RouterException("service " + spec.service() + " does not exist in namespace " + api.connection().namespace());
        }
        return s;
    }

    @Override
    public String activeColour() throws IOException, InterruptedException {
        return selector().get(spec.colourLabel());
    }

    @Override
    public void route(String colour, List<Upstream> upstreams) throws IOException, InterruptedException {
        LinkedHashMap<String, String> now = selector();
        LinkedHashMap<String, String> next = new LinkedHashMap<>(now);
        next.put(spec.colourLabel(), colour);
        log.info("blueGreenSwitch: kubectl patch service " + spec.service() + " -n " + api.connection().namespace() + " selector " + now + " → " + next);
        try {
            previous = api.call(new KubeOps.SetSelector(spec.service(), next));
        } catch (IOException e) {
            throw new RouterException("the selector of service " + spec.service() + " could not be changed: " + e.getMessage(), e);
        }
    }

    @Override
    public void restorePrevious() throws IOException, InterruptedException {
        if (previous == null) {
            return;
        }
        log.info("blueGreenSwitch: kubectl patch service " + spec.service() + " selector back to " + previous);
        api.call(new KubeOps.SetSelector(spec.service(), previous));
    }

    @Override
    public String verifyBackends(String colour, Duration deadline, ConsoleLog progress) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        long nextLine = start + TimeUnit.SECONDS.toNanos(2);
        String state;
        while (true) {
            List<Address> addresses = api.call(new KubeOps.ReadEndpoints(spec.service(), spec.colourLabel()));
            List<Address> wrong = new ArrayList<>();
            int ready = 0;
            for (Address a : addresses) {
                if (a.ready() && colour.equals(a.colour())) {
                    ready++;
                } else {
                    wrong.add(a);
                }
            }
            state = addresses.isEmpty() ? "the service has no endpoints"
                    : ready + " ready endpoint(s) of " + colour + (wrong.isEmpty() ? "" : ", " + wrong.size() + " other: "
                    + String.join(", ", wrong.stream().limit(4).map(Address::describe).toList()));
            if (ready >= 1 && wrong.isEmpty()) {
                log.info(String.format(Locale.ROOT, "blueGreenSwitch: endpoints of service %s: %s (%s)", spec.service(), state, RolloutWatch.elapsed(start)));
                return null;
            }
            long now = System.nanoTime();
            if (now - end >= 0) {
                return "the endpoints of service " + spec.service() + " did not become ready pods of " + colour + " within " + RolloutWatch.human(deadline) + ": " + state;
            }
            if (now - nextLine >= 0) {
                (progress == null ? log : progress).info(String.format(Locale.ROOT, "blueGreenSwitch: waiting for the endpoints of service %s: %s (%s elapsed of %s)",
                        spec.service(), state, RolloutWatch.elapsed(start), RolloutWatch.human(deadline)));
                nextLine = now + TimeUnit.SECONDS.toNanos(5);
            }
            long wait = now - start < TimeUnit.SECONDS.toNanos(5) ? Math.min(poll.toNanos(), TimeUnit.MILLISECONDS.toNanos(100)) : poll.toNanos();
            TimeUnit.NANOSECONDS.sleep(Math.max(1, Math.min(wait, end - now)));
        }
    }
}
