package io.jenkins.plugins.squaddeploy.engine.orchestrate;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import io.jenkins.plugins.squaddeploy.engine.deploy.ImageRef;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One orchestrated release, validated: the fields every orchestrated target shares, and the target's own
 * {@link OrchestratedSpec}.
 *
 * @param image    the image to release (with a tag or digest)
 * @param images   images for single units that differ from {@code image} (unit name → image), often empty
 * @param strategy what the user asked for, or null: the target's default (each target accepts its own set and says so)
 * @param timeout  how long the rollout may take to converge (squadDeploy's healthTimeout)
 * @param buildUrl recorded with the release; may be null
 */
public record OrchestratedRequest(String service, String environment, String version, String image, Map<String, String> images,
                                  String strategy, Duration timeout, String buildUrl, OrchestratedSpec spec) implements Serializable {
    private static final long serialVersionUID = 1L;
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}");
    static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,252}");

    public OrchestratedRequest {
        images = Map.copyOf(images == null ? Map.of() : images);
    }

    /** The image of {@code unit}: its own from {@code images}, else {@code image}. */
    public String imageOf(String unit) {
        return images.getOrDefault(unit, image);
    }

    /**
     * Validates the common fields (named as squadDeploy's parameters) and builds the request.
     *
     * @param images       {@code unit=image} items, may be null
     * @param timeoutSeconds null: {@link DeployRequest#DEFAULT_HEALTH_TIMEOUT_S}
     */
    public static OrchestratedRequest of(String service, String environment, String image, String version, List<String> images, String strategy,
                                         Integer timeoutSeconds, String buildUrl, OrchestratedSpec spec) {
        if (service == null || !DeployRequest.NAME.matcher(service.strip()).matches()) {
            throw new ParameterException("service", service == null ? "no service was given" : ParameterException.show(service) + " is not a valid service name",
                    DeployRequest.NAME_FORM);
        }
        String env = environment == null || environment.isBlank() ? DeployRequest.DEFAULT_ENVIRONMENT : environment.strip();
        if (!DeployRequest.NAME.matcher(env).matches()) {
            throw new ParameterException("environment", ParameterException.show(env) + " is not a valid environment name", DeployRequest.NAME_FORM);
        }
        ImageRef ref = ImageRef.parse("image", image == null ? null : image.strip());
        String ver = version == null || version.isBlank() ? ref.tag() : version.strip();
        if (ver == null) {
            throw new ParameterException("version", "the image " + ref + " has no tag to take the version from", "a version such as '1.2.3'");
        }
        if (!VERSION.matcher(ver).matches()) {
            throw new ParameterException("version", ParameterException.show(ver) + " is not a valid version",
                    "1 to 128 characters of letters, digits, '_', '.', '+' and '-', such as '1.2.3' or '2025.01.17-hotfix'");
        }
        Map<String, String> per = new LinkedHashMap<>();
        if (images != null) {
            for (int i = 0; i < images.size(); i++) {
                String item = images.get(i);
                int eq = item == null ? -1 : item.indexOf('=');
                String p = "images[" + i + "]";
                if (eq <= 0 || !UNIT.matcher(item.substring(0, eq).strip()).matches()) {
                    throw new ParameterException(p, "got " + ParameterException.show(item), "unit=image, e.g. 'shop_worker=squad-worker:2.0.0'");
                }
                per.put(item.substring(0, eq).strip(), ImageRef.parse(p, item.substring(eq + 1).strip()).toString());
            }
        }
        String strat = strategy == null || strategy.isBlank() ? null : strategy.strip();
        int t = timeoutSeconds == null ? DeployRequest.DEFAULT_HEALTH_TIMEOUT_S : timeoutSeconds;
        if (t < 1 || t > 86400) {
            throw new ParameterException("healthTimeout", "got " + t, "seconds from 1 to 86400: how long the rollout may take to converge");
        }
        if (spec == null) {
            throw new ParameterException("target", "no target was given", "an orchestrated target such as swarmTarget(services: ['shop_api'])");
        }
        return new OrchestratedRequest(service.strip(), env, ver, ref.toString(), per, strat, Duration.ofSeconds(t),
                buildUrl == null || buildUrl.isBlank() ? null : buildUrl.strip(), spec);
    }
}
