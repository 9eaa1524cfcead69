package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import java.io.Serializable;
import java.util.List;

/** A validated router configuration; serialisable, so a step can rebuild its router after a restart. */
public sealed interface RouterSpec extends Serializable permits NginxRouterSpec, HaproxyRouterSpec {
    /** {@code nginx} or {@code haproxy}. */
    String kind();

    /** Where it routes, for console lines: e.g. {@code nginx /etc/nginx/conf.d/api-upstream.conf}. */
    String describe();

    /**
     * Checks a colour's servers against what this router can route to (e.g. HAProxy's runtime API takes IP
     * addresses only).
     * @param parameter where the servers stand in the step, e.g. {@code colours[1].servers}
     */
    default void checkServers(String parameter, List<TrafficRouter.Upstream> servers) {
    }

    TrafficRouter create(String service, RouterHost host, CommandRunner commands, ConsoleLog log);
}
