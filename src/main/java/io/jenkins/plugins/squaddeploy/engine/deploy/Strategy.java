package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a release replaces the running one. */
public enum Strategy {
    /** Start the new version as the idle colour beside the live one; traffic moves by a router switch. */
    BLUE_GREEN("blueGreen"),
    /** Add one replica of the new version, wait until healthy, retire one old replica; repeat (max surge 1). */
    ROLLING("rolling"),
    /** Replace the running instance in place, keeping the old image tagged {@code :rollback} (the hotfix "quick swap"). */
    RECREATE("recreate");

    private final String id;

    Strategy(String id) {
        this.id = id;
    }

    /** The name used in pipelines, the CLI, labels and the state file. */
    public String id() {
        return id;
    }

    public static String accepted() {
        return "one of " + Arrays.stream(values()).map(s -> "'" + s.id + "'").collect(Collectors.joining(", "));
    }

    public static Strategy parse(String parameter, String text) {
        if (text == null || text.isBlank()) {
            throw new ParameterException(parameter, "no strategy was given", accepted());
        }
        for (Strategy s : values()) {
            if (s.id.equals(text.strip())) {
                return s;
            }
        }
        throw new ParameterException(parameter, "unknown strategy " + ParameterException.show(text), accepted());
    }

    @Override
    public String toString() {
        return id;
    }
}
