package hudson.model;

/** Stand-in for {@code hudson.model.InvisibleAction}: an action with no UI. */
public abstract class InvisibleAction implements Action {
    public final String getIconFileName() {
        return null;
    }

    public final String getDisplayName() {
        return null;
    }

    public String getUrlName() {
        return null;
    }
}
