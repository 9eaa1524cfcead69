package hudson.model;

/**
 * Stand-in for {@code hudson.model.AbstractItem}.
 * <p>No constructor is declared (Jenkins' {@code AbstractItem(ItemGroup, String)} needs an undeclared type); the name
 * defaults to the simple class name, and a test subclass overrides {@link #getName()} to choose one.
 * {@link #getFullName()} is {@link #getName()} (no folders here).
 */
public abstract class AbstractItem extends Actionable implements Item {

    public String getName() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? "job" : simple;
    }

    public String getDisplayName() {
        return getName();
    }

    public final String getFullName() {
        return getName();
    }

    public final String getFullDisplayName() {
        return getDisplayName();
    }
}
