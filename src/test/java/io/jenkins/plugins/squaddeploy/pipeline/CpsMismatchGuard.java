package io.jenkins.plugins.squaddeploy.pipeline;

import com.cloudbees.groovy.cps.impl.CpsCallableInvocation;
import com.cloudbees.groovy.cps.impl.CpsClosure;
import com.cloudbees.groovy.cps.sandbox.DefaultInvoker;

/**
 * Catches what groovy-cps 1.12 (the one JenkinsPipelineUnit 1.1 runs on) would otherwise get silently wrong: a
 * CPS-transformed closure handed to plain Groovy/Java code, typically {@code list.each { ... }} or
 * {@code collect}/{@code findAll}. Jenkins' current workflow-cps runs those collection methods with CPS closures
 * (its CpsDefaultGroovyMethods), and for any other method prints "expected to call X but wound up catching Y";
 * groovy-cps 1.12 would run the closure once and return its value as the method's. The harness fails instead, so
 * a test never passes on a result Jenkins would not produce.
 */
final class CpsMismatchGuard extends DefaultInvoker {
    private static final long serialVersionUID = 1L;

    @Override
    public Object methodCall(Object receiver, String method, Object[] args) throws Throwable {
        try {
            return super.methodCall(receiver, method, args);
        } catch (CpsCallableInvocation inv) {
            boolean closureBody = inv.receiver instanceof CpsClosure;
            boolean callingThatClosure = receiver == inv.receiver && (method.equals("call") || method.equals("doCall"));
            if (closureBody && !callingThatClosure) {
                String target = (receiver instanceof Class<?> c ? c.getName() : receiver == null ? "null" : receiver.getClass().getName()) + "." + method;
                throw new UnsupportedOperationException("expected to call " + target + " but wound up catching "
                        + inv.receiver.getClass().getName() + ".call: " + target + " was given a CPS-transformed closure. Jenkins runs "
                        + "Groovy's collection methods (each, collect, findAll, ...) with such closures, but the groovy-cps 1.12 of this "
                        + "test harness cannot, and other methods do not work in Jenkins either: use a for loop, or put the code in a @NonCPS method");
            }
            throw inv;
        }
    }
}
