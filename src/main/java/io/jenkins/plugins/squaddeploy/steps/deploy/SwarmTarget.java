package io.jenkins.plugins.squaddeploy.steps.deploy;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.OrchestratedSpec;
import io.jenkins.plugins.squaddeploy.engine.orchestrate.swarm.SwarmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code swarmTarget(services: ['shop_api'], updateParallelism: 1, updateDelay: '5s', updateMonitor: '10s', failureAction: 'rollback')}
 * or {@code swarmTarget(stackFile: 'stack.yml', stack: 'shop')}: Docker Swarm performs the rolling update; squadDeploy
 * watches it, fails when Swarm rolled back by itself, and rolls back every service of the deploy when one fails.
 */
public class SwarmTarget extends OrchestratedTarget {
    private static final long serialVersionUID = 1L;

    private List<String> services = new ArrayList<>();
    private String stackFile;
    private String stack;
    private String imageVariable = "IMAGE";
    private Integer updateParallelism;
    private String updateDelay;
    private String updateMonitor;
    private String failureAction = "rollback";
    private String maxFailureRatio;
    private boolean stackRollback = true;

    @DataBoundConstructor
    public SwarmTarget() {
    }

    public List<String> getServices() {
        return services;
    }

    @DataBoundSetter
    public void setServices(List<String> services) {
        this.services = services == null ? new ArrayList<>() : new ArrayList<>(services);
    }

    public String getStackFile() {
        return stackFile;
    }

    @DataBoundSetter
    public void setStackFile(String stackFile) {
        this.stackFile = blankToNull(stackFile);
    }

    public String getStack() {
        return stack;
    }

    @DataBoundSetter
    public void setStack(String stack) {
        this.stack = blankToNull(stack);
    }

    public String getImageVariable() {
        return imageVariable;
    }

    @DataBoundSetter
    public void setImageVariable(String imageVariable) {
        this.imageVariable = imageVariable == null || imageVariable.isBlank() ? "IMAGE" : imageVariable.strip();
    }

    public Integer getUpdateParallelism() {
        return updateParallelism;
    }

    @DataBoundSetter
    public void setUpdateParallelism(Integer updateParallelism) {
        this.updateParallelism = updateParallelism;
    }

    public String getUpdateDelay() {
        return updateDelay;
    }

    @DataBoundSetter
    public void setUpdateDelay(String updateDelay) {
        this.updateDelay = blankToNull(updateDelay);
    }

    public String getUpdateMonitor() {
        return updateMonitor;
    }

    @DataBoundSetter
    public void setUpdateMonitor(String updateMonitor) {
        this.updateMonitor = blankToNull(updateMonitor);
    }

    public String getFailureAction() {
        return failureAction;
    }

    @DataBoundSetter
    public void setFailureAction(String failureAction) {
        this.failureAction = failureAction == null || failureAction.isBlank() ? "rollback" : failureAction.strip();
    }

    public String getMaxFailureRatio() {
        return maxFailureRatio;
    }

    @DataBoundSetter
    public void setMaxFailureRatio(String maxFailureRatio) {
        this.maxFailureRatio = blankToNull(maxFailureRatio);
    }

    public boolean isStackRollback() {
        return stackRollback;
    }

    @DataBoundSetter
    public void setStackRollback(boolean stackRollback) {
        this.stackRollback = stackRollback;
    }

    @Override
    protected OrchestratedSpec toSpec(String parameter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("services", services);
        m.put("stackFile", stackFile);
        m.put("stack", stack);
        m.put("imageVariable", imageVariable);
        m.put("updateParallelism", updateParallelism);
        m.put("updateDelay", updateDelay);
        m.put("updateMonitor", updateMonitor);
        m.put("failureAction", "rollback".equals(failureAction) ? null : failureAction);
        m.put("maxFailureRatio", maxFailureRatio);
        m.put("stackRollback", stackRollback);
        return SwarmSpec.of(m, parameter);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Extension
    @Symbol("swarmTarget")
    public static class DescriptorImpl extends DeployTargetDescriptor {
        @Override
        public String getDisplayName() {
            return "Docker Swarm services or stack";
        }
    }
}
