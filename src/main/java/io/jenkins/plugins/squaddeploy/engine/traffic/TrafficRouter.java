package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A load balancer in front of the colours of one service (nginx, HAProxy; Kubernetes Service later).
 * State is read back from the router itself, never from the build that last changed it.
 */
public interface TrafficRouter {
    /** {@code nginx}, {@code haproxy}, … */
    String kind();

    /**
     * How long, after a switch, the old colour may still take a new connection although the router already sends new
     * connections to the new colour (nginx: old workers during a graceful reload). A switch's verification must see
     * only the new colour for at least this long. Zero for routers that change no process (HAProxy's runtime API).
     */
    default java.time.Duration settle() {
        return java.time.Duration.ZERO;
    }

    /** The colour that receives traffic now, as the router says; null when the router routes to no known colour. */
    String activeColour() throws IOException, InterruptedException;

    /**
     * Sends new requests to {@code colour}'s upstreams. Validates the new configuration first (e.g.
     * {@code nginx -t}, {@code haproxy -c}); on any failure the previous configuration keeps serving and a
     * {@link RouterException} says why. Keeps the previous configuration so {@link #restorePrevious()} can
     * put it back.
     */
    void route(String colour, List<Upstream> upstreams) throws IOException, InterruptedException;

    /** Puts back the configuration that was live before the last {@link #route}; no-op when there is none. */
    void restorePrevious() throws IOException, InterruptedException;

    /**
     * After {@link #route}: waits up to {@code deadline} until the router's own view of its backends shows only {@code colour}
     * (a Kubernetes Service: every endpoint a ready pod of that colour). Returns null when it does, else what it shows.
     * Routers without such a view (nginx, HAProxy: verified through the public URL) return null at once.
     */
    default String verifyBackends(String colour, Duration deadline, ConsoleLog progress) throws IOException, InterruptedException {
        return null;
    }

    /** One backend address of a colour. */
    record Upstream(String host, int port) implements java.io.Serializable {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
