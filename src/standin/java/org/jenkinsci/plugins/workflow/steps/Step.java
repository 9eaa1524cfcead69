package org.jenkinsci.plugins.workflow.steps;

import hudson.ExtensionPoint;
import hudson.model.AbstractDescribableImpl;

/** Stand-in for workflow-step-api's {@code Step}: the configured form of a pipeline step. */
@SuppressWarnings("deprecation")
public abstract class Step extends AbstractDescribableImpl<Step> implements ExtensionPoint {

    public abstract StepExecution start(StepContext context) throws Exception;

    @Override
    public StepDescriptor getDescriptor() {
        return (StepDescriptor) super.getDescriptor();
    }
}
