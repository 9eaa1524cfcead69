package hudson.model;

/**
 * Stand-in for {@code hudson.model.Describable}.
 * <p>There is no Jenkins instance here, so {@link #getDescriptor()} looks for the descriptor whose {@code clazz} is
 * exactly this object's class: one already constructed, or else a static nested {@link Descriptor} subclass of this
 * class annotated {@code @Extension}, instantiated through its no-argument constructor (what Jenkins would have
 * registered). Without one it throws {@link UnsupportedOperationException}.
 */
public interface Describable<T extends Describable<T>> {
    @SuppressWarnings("unchecked")
    default Descriptor<T> getDescriptor() {
        return (Descriptor<T>) Descriptor.findFor(getClass());
    }
}
