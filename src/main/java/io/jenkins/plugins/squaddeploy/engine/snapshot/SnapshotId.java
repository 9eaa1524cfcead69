package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshot IDs: {@code <UTC time to the millisecond>-<series>}, e.g. {@code 20261122T023545.123Z-postgres-app}.
 * The fixed-width time comes first, so sorting IDs as text sorts them by time. An ID is also the name of the
 * snapshot's directory in the store, so anything else (slashes, dots, {@code ..}) is refused before it touches a path.
 */
public final class SnapshotId {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    static final Pattern ID = Pattern.compile("([0-9]{8}T[0-9]{6}\\.[0-9]{3}Z)-(" + SnapshotSources.SERIES.pattern() + ")");
    public static final String FORM = "a snapshot ID as listed by action: 'list', e.g. 20261122T023545.123Z-postgres-app";

    private SnapshotId() {
    }

    public static String of(Instant at, String series) {
        return TIME.format(at) + "-" + series;
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Validates an ID the user gave (parameter {@code p}); refuses anything that could leave the store. */
    public static String check(String p, String id) {
        if (!isValid(id)) {
            throw new ParameterException(p, "got " + ParameterException.show(id) + (id != null && (id.contains("/") || id.contains("..")) ? " (a path, not an ID)" : ""), FORM);
        }
        return id;
    }

    public static Instant time(String id) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a snapshot ID: " + id);
        }
        return Instant.from(TIME.parse(m.group(1)));
    }

    public static String series(String id) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a snapshot ID: " + id);
        }
        return m.group(2);
    }
}
