package io.jenkins.plugins.squaddeploy.pipeline;

import groovy.lang.Closure;
import groovy.lang.MetaMethod;
import groovy.lang.Script;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * What the harness registers with JenkinsPipelineUnit for every step, symbol and declarative keyword: calls go to
 * {@link PipelineExecution#dispatch} (the harness calls {@link #invoke} directly, without Groovy's reflection).
 */
final class DslClosure extends Closure<Object> {
    private static final long serialVersionUID = 1L;

    private final transient PipelineExecution exec;
    private final String name;

    DslClosure(PipelineExecution exec, String name) {
        super(null);
        this.exec = exec;
        this.name = name;
    }

    /**
     * As in Jenkins (CpsScript.invokeMethod), a method the Jenkinsfile or a var defines itself wins over a step or
     * keyword of the same name; JenkinsPipelineUnit sets the calling script as this closure's delegate.
     */
    Object invoke(Object[] args) {
        if (getDelegate() instanceof Script script) {
            MetaMethod own = ownMethod(script, args);
            if (own != null) {
                return exec.helper.callScriptMethod(own, script, args);
            }
        }
        return exec.dispatch(name, args);
    }

    private MetaMethod ownMethod(Script script, Object[] args) {
        MetaMethod m = InvokerHelper.getMetaClass(script).getMetaMethod(name, args);
        if (m == null) {
            return null;
        }
        Class<?> declaring = m.getDeclaringClass().getTheClass();
        boolean userCode = Script.class.isAssignableFrom(declaring) && declaring != Script.class
                && !declaring.getName().startsWith("com.lesfurets.");
        return userCode ? m : null;
    }

    public Object doCall() {
        return invoke(new Object[0]);
    }

    public Object doCall(Object a) {
        return invoke(new Object[] {a});
    }

    public Object doCall(Object a, Object b) {
        return invoke(new Object[] {a, b});
    }

    public Object doCall(Object a, Object b, Object c) {
        return invoke(new Object[] {a, b, c});
    }

    public Object doCall(Object a, Object b, Object c, Object d) {
        return invoke(new Object[] {a, b, c, d});
    }
}
