package io.jenkins.plugins.squaddeploy.engine.deploy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker image reference, {@code [registry[:port]/]path[:tag][@digest]}, checked against the grammar of
 * Docker's reference package (github.com/distribution/reference): lower-case path components separated by
 * {@code .}, {@code _}, {@code __} or dashes; a tag of up to 128 word characters, dots and dashes; a digest
 * {@code algorithm:hex}. A release must name its version, so a tag or a digest is required.
 */
public record ImageRef(String name, String tag, String digest) implements Serializable {
    public static final String ACCEPTED = "an image reference with a tag or digest, such as 'squad-api:1.0.0', "
            + "'registry.example.com:5000/team/squad-api:1.0.0' or 'squad-api@sha256:<64 hex digits>'"
            + " (lower-case repository path; tag: letters, digits, '_', '.', '-', at most 128 characters)";

    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|-+)";
    private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
    private static final String NAME = "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final Pattern REFERENCE = Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
    static final Pattern TAG_PATTERN = Pattern.compile(TAG);

    /** Parses {@code text}; {@code parameter} names the step parameter in the error. */
    public static ImageRef parse(String parameter, String text) {
        if (text == null || text.isBlank()) {
            throw new ParameterException(parameter, "no image was given", ACCEPTED);
        }
        Matcher m = REFERENCE.matcher(text);
        if (!m.matches()) {
            throw new ParameterException(parameter, ParameterException.show(text) + " is not a valid image reference", ACCEPTED);
        }
        if (m.group(1).length() > 255) {
            throw new ParameterException(parameter, "the repository name is longer than 255 characters", ACCEPTED);
        }
        if (m.group(2) == null && m.group(3) == null) {
            throw new ParameterException(parameter, ParameterException.show(text) + " has neither a tag nor a digest, so the release"
                    + " would have no version (write ':latest' if you really mean it)", ACCEPTED);
        }
        return new ImageRef(m.group(1), m.group(2), m.group(3));
    }

    /** The same repository with another tag and no digest, e.g. {@code squad-api:rollback}. */
    public String withTag(String newTag) {
        if (!TAG_PATTERN.matcher(newTag).matches()) {
            throw new IllegalArgumentException("not a tag: " + newTag);
        }
        return name + ":" + newTag;
    }

    @Override
    public String toString() {
        return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
