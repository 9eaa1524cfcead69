package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Descriptor;
import java.util.Collections;
import java.util.Set;

/**
 * Stand-in for workflow-step-api's {@code StepDescriptor}. Members needing structs, {@code ExtensionList} or
 * {@code MissingContextVariableException} ({@code newInstance}, {@code all}, {@code checkContextAvailability}, ...)
 * are left out.
 */
public abstract class StepDescriptor extends Descriptor<Step> {

    public abstract Set<? extends Class<?>> getRequiredContext();

    public Set<? extends Class<?>> getProvidedContext() {
        return Collections.emptySet();
    }

    public abstract String getFunctionName();

    public boolean takesImplicitBlockArgument() {
        return false;
    }

    public boolean isAdvanced() {
        return false;
    }

    public boolean isMetaStep() {
        return false;
    }
}
