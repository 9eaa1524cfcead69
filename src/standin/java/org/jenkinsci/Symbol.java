package org.jenkinsci;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stand-in for {@code org.jenkinsci.Symbol} (org.jenkins-ci:symbol-annotation, bundled with Jenkins core).
 * The real one is also {@code @Indexed}; that annotation is not available here.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
public @interface Symbol {
    String[] value();
}
