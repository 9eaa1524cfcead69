package hudson.model;

import java.io.Serializable;

/**
 * Stand-in for {@code hudson.model.Result}: the outcome of a build, ordered from best ({@link #SUCCESS}) to worst.
 * <p>Left out: {@code color} ({@code BallColor}) and {@code conv} (an XStream converter), whose types are not declared.
 */
public final class Result implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Result SUCCESS = new Result("SUCCESS", 0, true);
    public static final Result UNSTABLE = new Result("UNSTABLE", 1, true);
    public static final Result FAILURE = new Result("FAILURE", 2, true);
    public static final Result NOT_BUILT = new Result("NOT_BUILT", 3, false);
    public static final Result ABORTED = new Result("ABORTED", 4, false);

    private static final Result[] ALL = {SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED};

    private final String name;
    public final int ordinal;
    public final boolean completeBuild;

    private Result(String name, int ordinal, boolean complete) {
        this.name = name;
        this.ordinal = ordinal;
        this.completeBuild = complete;
    }

    /** The worse of the two. */
    public Result combine(Result that) {
        return this.ordinal < that.ordinal ? that : this;
    }

    public static Result combine(Result r1, Result r2) {
        return r1.combine(r2);
    }

    public boolean isWorseThan(Result that) {
        return this.ordinal > that.ordinal;
    }

    public boolean isWorseOrEqualTo(Result that) {
        return this.ordinal >= that.ordinal;
    }

    public boolean isBetterThan(Result that) {
        return this.ordinal < that.ordinal;
    }

    public boolean isBetterOrEqualTo(Result that) {
        return this.ordinal <= that.ordinal;
    }

    public boolean isCompleteBuild() {
        return completeBuild;
    }

    @Override
    public String toString() {
        return name;
    }

    public String toExportedObject() {
        return name;
    }

    /** Case-insensitive; unknown names give {@link #FAILURE}, as in Jenkins. */
    public static Result fromString(String s) {
        for (Result r : ALL) {
            if (s.equalsIgnoreCase(r.name)) {
                return r;
            }
        }
        return FAILURE;
    }

    /** No-op (Jenkins registers an XStream converter here). */
    public static void init() {
    }

    private Object readResolve() {
        for (Result r : ALL) {
            if (ordinal == r.ordinal) {
                return r;
            }
        }
        return FAILURE;
    }
}
