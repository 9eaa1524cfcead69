package hudson.model;

import hudson.EnvVars;
import hudson.ExtensionPoint;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import jenkins.model.RunAction2;

/**
 * Stand-in for {@code hudson.model.Run}: one build of a {@link Job}.
 * <p>Jenkins' constructors are not in signatures.txt, so none is declared; state lives in private fields with these
 * defaults, and a test subclass overrides the public getters to describe the build it needs:
 * building ({@link #isBuilding()} is true), no result yet, number 1, no parent, no previous build, a fresh temporary
 * {@link #getRootDir() root directory}. {@code Comparable<RunT>} is not implemented because {@code compareTo} is not
 * part of the declared subset (subclasses would otherwise have to implement it).
 */
public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable implements ExtensionPoint {

    private volatile Result result;
    private volatile String description;
    private final long timestamp = System.currentTimeMillis();
    private transient volatile File rootDir;

    /** Adds the action and, for a {@link RunAction2}, calls {@code onAttached(this)} as Jenkins does. */
    public void addAction(Action a) {
        super.addAction(a);
        if (a instanceof RunAction2) {
            ((RunAction2) a).onAttached(this);
        }
    }

    public Result getResult() {
        return result;
    }

    /** Like Jenkins: only allowed while building, and the result can only get worse. */
    public void setResult(Result r) {
        if (!isBuilding()) {
            throw new IllegalStateException("cannot change build result while not building: " + this.getExternalizableId());
        }
        if (result == null || r.isWorseThan(result)) {
            result = r;
        }
    }

    public boolean isBuilding() {
        return true;
    }

    public JobT getParent() {
        return null;
    }

    public final long getTimeInMillis() {
        return timestamp;
    }

    public final long getStartTimeInMillis() {
        return timestamp;
    }

    public String getDescription() {
        return description;
    }

    /** {@code <job full display name> #<number>}, or {@code #<number>} without a parent. */
    public String getFullDisplayName() {
        JobT parent = getParent();
        String displayName = "#" + getNumber();
        return parent == null ? displayName : parent.getFullDisplayName() + ' ' + displayName;
    }

    public int getNumber() {
        return 1;
    }

    public RunT getPreviousBuild() {
        return null;
    }

    /** The closest earlier build whose result is exactly SUCCESS, as in Jenkins. */
    public RunT getPreviousSuccessfulBuild() {
        RunT r = getPreviousBuild();
        while (r != null && r.getResult() != Result.SUCCESS) {
            r = r.getPreviousBuild();
        }
        return r;
    }

    /** {@code job/<name>/<number>/} (relative to the Jenkins root URL), or {@code <number>/} without a parent. */
    public String getUrl() {
        JobT parent = getParent();
        String own = getNumber() + "/";
        return parent == null ? own : "job/" + parent.getFullName().replace("/", "/job/") + "/" + own;
    }

    public String getId() {
        return Integer.toString(getNumber());
    }

    /** A temporary directory created on first use (Jenkins: {@code $JENKINS_HOME/jobs/<job>/builds/<id>}). */
    public File getRootDir() {
        File dir = rootDir;
        if (dir == null) {
            synchronized (this) {
                dir = rootDir;
                if (dir == null) {
                    try {
                        dir = Files.createTempDirectory("standin-run-").toFile();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    dir.deleteOnExit();
                    rootDir = dir;
                }
            }
        }
        return dir;
    }

    public void setDescription(String description) throws IOException {
        this.description = description;
    }

    /**
     * The build's characteristic variables: {@code BUILD_NUMBER}, {@code BUILD_ID}, {@code BUILD_DISPLAY_NAME}, and with
     * a parent {@code JOB_NAME}, {@code JOB_BASE_NAME}, {@code BUILD_TAG}. Unlike Jenkins, the node's environment
     * (the JVM's own variables) is not included.
     */
    public EnvVars getEnvironment(TaskListener listener) throws IOException, InterruptedException {
        EnvVars env = new EnvVars();
        String id = getId();
        env.put("BUILD_NUMBER", Integer.toString(getNumber()));
        env.put("BUILD_ID", id);
        env.put("BUILD_DISPLAY_NAME", "#" + getNumber());
        JobT parent = getParent();
        if (parent != null) {
            String fullName = parent.getFullName();
            env.put("JOB_NAME", fullName);
            env.put("JOB_BASE_NAME", parent.getName());
            env.put("BUILD_TAG", "jenkins-" + fullName.replace('/', '-') + "-" + getNumber());
        }
        return env;
    }

    /** {@code <job full name>#<number>}. */
    public String getExternalizableId() {
        JobT parent = getParent();
        return (parent == null ? "" : parent.getFullName()) + "#" + getNumber();
    }
}
