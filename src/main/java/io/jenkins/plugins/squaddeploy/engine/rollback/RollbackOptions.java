package io.jenkins.plugins.squaddeploy.engine.rollback;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.deploy.DeployRequest;
import java.io.Serializable;
import java.time.Duration;

/**
 * How autoRollback goes about it.
 *
 * @param service          only this service's releases and switches (null: everything the build recorded)
 * @param verifyDeadline   how long the switch back may take to verify through the router (null: what the switch recorded)
 * @param samples          consecutive samples through the router that must report the old version (null: as recorded)
 * @param healthTimeout    how long restarted or redeployed instances may take to be healthy
 * @param keepFailedColour leave the failed release's containers running (stopped by default once traffic is back)
 * @param buildUrl         the build doing the rollback (recorded on a redeployed release and in the journal)
 */
public record RollbackOptions(String service, Duration verifyDeadline, Integer samples, Duration healthTimeout, boolean keepFailedColour,
                              String buildUrl) implements Serializable {
    public static final int DEFAULT_HEALTH_TIMEOUT_S = DeployRequest.DEFAULT_HEALTH_TIMEOUT_S;
    private static final java.util.regex.Pattern SERVICE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public RollbackOptions {
        if (healthTimeout == null) {
            healthTimeout = Duration.ofSeconds(DEFAULT_HEALTH_TIMEOUT_S);
        }
    }

    public static RollbackOptions defaults() {
        return new RollbackOptions(null, null, null, null, false, null);
    }

    /**
     * Validated options from what users write; 0 (or null) for verifyDeadline and samples means "as recorded".
     */
    public static RollbackOptions of(String service, int verifyDeadlineSeconds, int samples, int healthTimeoutSeconds, boolean keepFailedColour,
                                     String buildUrl) {
        String s = service == null || service.isBlank() ? null : service.strip();
        if (s != null && !SERVICE.matcher(s).matches()) {
            // a squadDeploy service or a blueGreenSwitch service; anything else can match nothing the build recorded
            throw new ParameterException("service", "got " + ParameterException.show(service),
                    "the service as squadDeploy or blueGreenSwitch named it: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (verifyDeadlineSeconds < 0 || verifyDeadlineSeconds > 3600) {
            throw new ParameterException("verifyDeadline", "got " + verifyDeadlineSeconds, "a number of seconds from 1 to 3600, or 0 for the deadline the switch used");
        }
        if (samples < 0 || samples > 1000) {
            throw new ParameterException("samples", "got " + samples, "a number of samples in a row from 1 to 1000, or 0 for the number the switch used");
        }
        if (healthTimeoutSeconds < 1 || healthTimeoutSeconds > 86400) {
            throw new ParameterException("healthTimeout", "got " + healthTimeoutSeconds, "a number of seconds from 1 to 86400 (default " + DEFAULT_HEALTH_TIMEOUT_S + ")");
        }
        return new RollbackOptions(s, verifyDeadlineSeconds == 0 ? null : Duration.ofSeconds(verifyDeadlineSeconds), samples == 0 ? null : samples,
                Duration.ofSeconds(healthTimeoutSeconds), keepFailedColour, buildUrl == null || buildUrl.isBlank() ? null : buildUrl);
    }
}
