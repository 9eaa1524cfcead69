package io.jenkins.plugins.squaddeploy.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvent;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import io.jenkins.plugins.squaddeploy.engine.spi.ConsoleLog;
import io.jenkins.plugins.squaddeploy.engine.spi.StepConsole;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code squadReport event: 'migrated the schema', type: 'note', details: ['tables=12']}: adds one event to this build's
 * deploy report, for what the steps do not record themselves (a var's work, a person's approval, a smoke test).
 * With {@code approvedBy} it is an approval record: who approved {@code event}, now.
 */
public class SquadReportStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String event;
    private String type = "note";
    private String status = "INFO";
    private List<String> details = new ArrayList<>();
    private String approvedBy;
    private String approvedAt;
    private String output;

    @DataBoundConstructor
    public SquadReportStep(String event) {
        this.event = event;
    }

    public String getEvent() {
        return event;
    }

    public String getType() {
        return type;
    }

    @DataBoundSetter
    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    @DataBoundSetter
    public void setStatus(String status) {
        this.status = status;
    }

    public List<String> getDetails() {
        return details;
    }

    @DataBoundSetter
    public void setDetails(List<String> details) {
        this.details = details == null ? new ArrayList<>() : new ArrayList<>(details);
    }

    public String getApprovedBy() {
        return approvedBy;
    }

    @DataBoundSetter
    public void setApprovedBy(String approvedBy) {
        this.approvedBy = approvedBy == null || approvedBy.isBlank() ? null : approvedBy.strip();
    }

    public String getApprovedAt() {
        return approvedAt;
    }

    /** When the approval was given (ISO-8601, e.g. from input's answer time); default: now. */
    @DataBoundSetter
    public void setApprovedAt(String approvedAt) {
        this.approvedAt = approvedAt == null || approvedAt.isBlank() ? null : approvedAt.strip();
    }

    public String getOutput() {
        return output;
    }

    @DataBoundSetter
    public void setOutput(String output) {
        this.output = output;
    }

    /** The event, every parameter validated (an {@link AbortException} naming the first bad one and the accepted form). */
    ReportEvent toEvent(Instant now) throws AbortException {
        if (event == null || event.isBlank()) {
            throw new AbortException("squadReport: event: no text given; expected one line saying what happened, e.g. event: 'schema migrated to v42'");
        }
        String t = (approvedBy != null && "note".equals(type) ? "approval" : type == null ? "note" : type.strip().toLowerCase(Locale.ROOT));
        if (!t.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new AbortException("squadReport: type: got '" + type + "'; expected a lowercase word such as " + String.join(", ", ReportEvent.TYPES));
        }
        String s = status == null ? "INFO" : status.strip().toUpperCase(Locale.ROOT);
        if (!ReportEvent.STATUSES.contains(s)) {
            throw new AbortException("squadReport: status: got '" + status + "'; expected one of " + String.join(", ", ReportEvent.STATUSES));
        }
        ReportEvent.Builder b = ReportEvent.of(t, "squadReport", now).title(event.strip()).status(s);
        for (int i = 0; i < details.size(); i++) {
            String d = details.get(i);
            int eq = d == null ? -1 : d.indexOf('=');
            if (eq < 1) {
                throw new AbortException("squadReport: details[" + i + "]: got '" + d + "'; expected 'key=value', e.g. 'rows=1200'");
            }
            b.detail(d.substring(0, eq).strip(), d.substring(eq + 1).strip());
        }
        Instant at = now;
        if (approvedAt != null) {
            if (approvedBy == null) {
                throw new AbortException("squadReport: approvedAt: given without approvedBy; expected both, e.g. approvedBy: 'alice', approvedAt: '2026-11-22T05:00:00Z'");
            }
            try {
                at = Instant.parse(approvedAt);
            } catch (java.time.format.DateTimeParseException e) {
                throw new AbortException("squadReport: approvedAt: got '" + approvedAt + "'; expected an ISO-8601 UTC time such as 2026-11-22T05:00:00Z");
            }
        }
        if (approvedBy != null) {
            b.approval(approvedBy, at, event.strip());
        }
        b.output(event.strip(), output);
        return b.finishedAt(now).finish();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(context, this);
    }

    /** Writes off the CPS thread (the report's files are written on the controller and copied to the workspace). */
    static final class Execution extends GeneralNonBlockingStepExecution {
        private static final long serialVersionUID = 1L;
        private final SquadReportStep step;

        Execution(StepContext context, SquadReportStep step) {
            super(context);
            this.step = step;
        }

        @Override
        public boolean start() throws Exception {
            run(this::add);
            return false;
        }

        private void add() throws Exception {
            StepContext ctx = getContext();
            Masker masker = new Masker();
            ConsoleLog log = new ListenerConsoleLog(ctx.get(TaskListener.class), masker);
            StepConsole console = StepConsole.start(log, "squadReport", "add '" + step.event + "' (" + (step.approvedBy != null ? "approval by " + step.approvedBy
                    : step.type) + ") to the deploy report");
            try {
                ReportEvent e = step.toEvent(Instant.now());
                if (ctx.get(Run.class) == null) {
                    throw new AbortException("squadReport: there is no build to add the event to");
                }
                BuildReport.add(ctx, log, e, masker);
                console.ok("added '" + e.title() + "' (" + e.type() + ", " + e.status() + ")");
                ctx.onSuccess(null);
            } catch (AbortException e) {
                console.failed(e.getMessage());
                ctx.onFailure(e);
            }
        }
    }

    @Extension
    @Symbol("squadReport")
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "squadReport";
        }

        @Override
        public String getDisplayName() {
            return "Add an event or an approval to the build's deploy report";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class);
        }
    }
}
