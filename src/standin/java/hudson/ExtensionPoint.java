package hudson;

/** Stand-in for {@code hudson.ExtensionPoint} (marker interface). */
public interface ExtensionPoint {
}
