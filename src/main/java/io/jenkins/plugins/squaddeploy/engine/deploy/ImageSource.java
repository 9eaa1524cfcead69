package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Where the release image comes from before anything is changed. */
public enum ImageSource {
    /** Use the image if this Docker host has it, else {@code docker pull} it. */
    AUTO("auto"),
    /** Always {@code docker pull} (a registry is needed). */
    PULL("pull"),
    /** {@code docker build -t <image> <buildContext>} on the Docker host. */
    BUILD("build"),
    /** The image must already be on the Docker host (built or loaded earlier); never pulls. */
    LOCAL("local");

    private final String id;

    ImageSource(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static String accepted() {
        return "one of " + Arrays.stream(values()).map(s -> "'" + s.id + "'").collect(Collectors.joining(", "));
    }

    public static ImageSource parse(String parameter, String text) {
        if (text == null || text.isBlank()) {
            return AUTO;
        }
        for (ImageSource s : values()) {
            if (s.id.equals(text.strip())) {
                return s;
            }
        }
        throw new ParameterException(parameter, "unknown image source " + ParameterException.show(text), accepted());
    }

    @Override
    public String toString() {
        return id;
    }
}
