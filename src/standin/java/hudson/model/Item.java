package hudson.model;

/**
 * Stand-in for {@code hudson.model.Item}, reduced to the naming methods that {@link AbstractItem} implements (the other
 * members need undeclared types such as {@code ItemGroup} or {@code Permission}, or would have to be implemented by
 * every test job).
 */
public interface Item {
    String getName();

    String getFullName();

    String getDisplayName();
}
