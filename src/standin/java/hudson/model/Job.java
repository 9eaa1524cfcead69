package hudson.model;

import hudson.ExtensionPoint;

/**
 * Stand-in for {@code hudson.model.Job}. There is no build history store: a test subclass overrides
 * {@link #getLastBuild()} (and its runs override {@link Run#getPreviousBuild()}); the other lookups walk that chain.
 */
public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends AbstractItem implements ExtensionPoint {

    public RunT getBuildByNumber(int n) {
        for (RunT r = getLastBuild(); r != null; r = r.getPreviousBuild()) {
            if (r.getNumber() == n) {
                return r;
            }
        }
        return null;
    }

    public RunT getLastBuild() {
        return null;
    }

    /** The newest completed build whose result is SUCCESS or UNSTABLE, as in Jenkins. */
    public RunT getLastSuccessfulBuild() {
        for (RunT r = getLastBuild(); r != null; r = r.getPreviousBuild()) {
            Result result = r.getResult();
            if (!r.isBuilding() && result != null && result.isBetterOrEqualTo(Result.UNSTABLE)) {
                return r;
            }
        }
        return null;
    }
}
