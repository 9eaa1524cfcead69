package hudson.model;

/** Stand-in for {@code hudson.model.Action} (its {@code ModelObject} supertype is not declared here). */
public interface Action {
    String getIconFileName();

    String getDisplayName();

    String getUrlName();
}
