package hudson.model;

/** Stand-in for {@code hudson.model.AbstractDescribableImpl} (deprecated in core 2.505: implement Describable). */
@Deprecated(since = "2.505")
public abstract class AbstractDescribableImpl<T extends AbstractDescribableImpl<T>> implements Describable<T> {
}
