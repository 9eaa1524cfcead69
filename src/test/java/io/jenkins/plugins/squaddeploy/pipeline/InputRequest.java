package io.jenkins.plugins.squaddeploy.pipeline;

import java.util.List;
import java.util.Map;

/**
 * An {@code input} the pipeline waited on (step or stage directive), as recorded by the harness.
 *
 * @param stage the stage it was in, or null
 * @param parameters the parameter definitions, each {@code [type: 'string', name: ..., defaultValue: ...]}
 */
public record InputRequest(String stage, String message, String id, String ok, String submitter, String submitterParameter,
                           List<Map<String, Object>> parameters) {
}
