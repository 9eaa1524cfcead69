package io.jenkins.plugins.squaddeploy.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import io.jenkins.plugins.squaddeploy.engine.window.DeployWindows;
import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.StepExecutions;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code deployWindow windows: ['Sat 02:00-04:00 UTC']}: whether now is inside one of the deploy windows; outside, the
 * build fails with the time the next window opens (or, with {@code failOutside: false}, the step returns that so the
 * pipeline can ask for a hotfix override). Returns a map: {@code inside}, {@code window}, {@code opensAt},
 * {@code closesAt} (ISO-8601 with the window's zone), {@code at}, {@code message}.
 */
public class DeployWindowStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> windows;
    private String at;
    private boolean failOutside = true;

    @DataBoundConstructor
    public DeployWindowStep(List<String> windows) {
        this.windows = windows == null ? new ArrayList<>() : new ArrayList<>(windows);
    }

    public List<String> getWindows() {
        return windows;
    }

    public String getAt() {
        return at;
    }

    /** The moment to decide for (ISO-8601 instant), instead of now: for planning a release, and for tests. */
    @DataBoundSetter
    public void setAt(String at) {
        this.at = at;
    }

    public boolean isFailOutside() {
        return failOutside;
    }

    @DataBoundSetter
    public void setFailOutside(boolean failOutside) {
        this.failOutside = failOutside;
    }

    /** Validates and decides; the map the step returns. */
    Map<String, Object> decide() {
        DeployWindows calendar = DeployWindows.parse("windows", windows);
        Instant now;
        if (at == null || at.isBlank()) {
            now = Instant.now();
        } else {
            try {
                now = Instant.parse(at.strip());
            } catch (DateTimeParseException e) {
                throw new ParameterException("at", "got " + ParameterException.show(at), "an ISO-8601 instant such as '2026-11-28T02:30:00Z'");
            }
        }
        DeployWindows.Decision d = calendar.at(now);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("inside", d.inside());
        out.put("window", d.window());
        out.put("opensAt", d.opensAt().toOffsetDateTime().toString());
        out.put("closesAt", d.closesAt().toOffsetDateTime().toString());
        out.put("at", d.at().toString());
        out.put("message", d.message());
        return out;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return StepExecutions.synchronous(context, ctx -> {
            Masker masker = new Masker();
            ListenerConsoleLog log = new ListenerConsoleLog(ctx.get(TaskListener.class), masker);
            StepConsole console = StepConsole.start(log, "deployWindow", "check " + (windows.size() == 1 ? "the deploy window " + windows.get(0)
                    : windows.size() + " deploy windows") + (at == null || at.isBlank() ? " now" : " at " + at));
            Map<String, Object> r;
            try {
                r = decide();
            } catch (ParameterException e) {
                console.failed(e.getMessage());
                throw new AbortException("deployWindow: " + e.getMessage());
            }
            log.info("deployWindow: " + r.get("message"));
            if (!(Boolean) r.get("inside") && failOutside) {
                console.failed("outside the window; next opens " + r.get("opensAt"));
                throw new AbortException("deployWindow: no deploy now: " + r.get("message")
                        + ". A hotfix outside the window needs an override with a reason and an approval.");
            }
            console.ok((Boolean) r.get("inside") ? "inside " + r.get("window") + ", closes " + r.get("closesAt")
                    : "outside the windows; next " + r.get("window") + " opens " + r.get("opensAt"));
            return r;
        });
    }

    @Extension
    @Symbol("deployWindow")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "deployWindow";
        }

        @Override
        public String getDisplayName() {
            return "Check the deploy window (calendar with time zones)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class);
        }
    }
}
