package hudson;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Stand-in for {@code hudson.Extension}. The real one is also {@code @Indexable} (sezpoz), and has a
 * {@code dynamicLoadable()} element typed {@code jenkins.YesNoMaybe}; neither is available here.
 * <p>The stand-in's {@code Describable#getDescriptor()} only instantiates nested descriptors carrying this annotation.
 */
@Retention(RUNTIME)
@Target({TYPE, FIELD, METHOD})
@Documented
public @interface Extension {
    double ordinal() default 0;

    @Deprecated
    boolean optional() default false;
}
