package hudson.model;

import hudson.Extension;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stand-in for {@code hudson.model.Descriptor}: metadata about a {@link Describable} class.
 * <p>Every descriptor registers itself (first one wins) so that {@link Describable#getDescriptor()} can find it.
 */
public abstract class Descriptor<T extends Describable<T>> {

    private static final Map<Class<?>, Descriptor<?>> BY_CLASS = new ConcurrentHashMap<>();

    public final transient Class<? extends T> clazz;

    protected Descriptor(Class<? extends T> clazz) {
        this.clazz = clazz;
        BY_CLASS.putIfAbsent(clazz, this);
    }

    /** Infers the described class from the enclosing class, as Jenkins does. */
    @SuppressWarnings("unchecked")
    protected Descriptor() {
        this.clazz = (Class<T>) getClass().getEnclosingClass();
        if (clazz == null) {
            throw new AssertionError(getClass() + " doesn't have an outer class. "
                    + "Use the constructor that takes the Class object explicitly.");
        }
        BY_CLASS.putIfAbsent(clazz, this);
    }

    /** The simple name of the described class, as in Jenkins. */
    public String getDisplayName() {
        return clazz.getSimpleName();
    }

    public String getId() {
        return clazz.getName();
    }

    public String getHelpFile() {
        return getHelpFile(null);
    }

    /** No help files without Jenkins. */
    public String getHelpFile(String fieldName) {
        return null;
    }

    /** Lookup behind {@link Describable#getDescriptor()}. */
    static Descriptor<?> findFor(Class<?> type) {
        Descriptor<?> d = BY_CLASS.get(type);
        if (d != null) {
            return d;
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (Descriptor.class.isAssignableFrom(nested)
                    && Modifier.isStatic(nested.getModifiers())
                    && !Modifier.isAbstract(nested.getModifiers())
                    && nested.isAnnotationPresent(Extension.class)) {
                try {
                    Constructor<?> c = nested.getDeclaredConstructor();
                    c.setAccessible(true);
                    c.newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Could not instantiate " + nested.getName(), e);
                }
                d = BY_CLASS.get(type);
                if (d != null) {
                    return d;
                }
            }
        }
        throw new UnsupportedOperationException("no Jenkins here: no descriptor for " + type.getName()
                + " (the stand-in finds one already constructed, or an @Extension static nested Descriptor subclass)");
    }
}
