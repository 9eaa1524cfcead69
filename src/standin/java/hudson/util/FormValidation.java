package hudson.util;

import hudson.Util;
import java.io.IOException;
import java.util.Locale;

/**
 * Stand-in for {@code hudson.util.FormValidation}: the result of a {@code doCheckXyz} form check.
 * <p>As in Jenkins, {@link #error(String)}/{@link #warning(String)}/{@link #ok(String)} HTML-escape the message, the
 * exception message ({@link #getMessage()}) is that escaped markup, and a {@code null} message gives {@link #ok()}.
 * {@link #renderHtml()} renders {@code <div class="error|warning|ok">message</div>} (no Stapler request here).
 * <p>Left out: the {@code HttpResponse} supertype, {@code respond(StaplerResponse2, String)}, the
 * {@code Throwable}-taking factories and {@code aggregate}.
 */
public abstract class FormValidation extends IOException {
    private static final long serialVersionUID = 1L;

    private static final FormValidation OK = respond(Kind.OK, "<div/>");

    public final Kind kind;

    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static FormValidation error(String message) {
        return errorWithMarkup(message == null ? null : Util.escape(message));
    }

    public static FormValidation warning(String message) {
        return warningWithMarkup(message == null ? null : Util.escape(message));
    }

    public static FormValidation ok(String message) {
        return okWithMarkup(message == null ? null : Util.escape(message));
    }

    public static FormValidation ok() {
        return OK;
    }

    public static FormValidation error(String format, Object... args) {
        return error(String.format(format, args));
    }

    public static FormValidation warning(String format, Object... args) {
        return warning(String.format(format, args));
    }

    public static FormValidation ok(String format, Object... args) {
        return ok(String.format(format, args));
    }

    public static FormValidation errorWithMarkup(String message) {
        return withMarkup(message, Kind.ERROR);
    }

    public static FormValidation warningWithMarkup(String message) {
        return withMarkup(message, Kind.WARNING);
    }

    public static FormValidation okWithMarkup(String message) {
        return withMarkup(message, Kind.OK);
    }

    /** A validation result rendering exactly the given HTML. */
    public static FormValidation respond(Kind kind, String html) {
        return new Impl(kind, null, html);
    }

    public abstract String renderHtml();

    private static FormValidation withMarkup(String message, Kind kind) {
        if (message == null) {
            return ok();
        }
        String html = "<div class=\"" + kind.name().toLowerCase(Locale.ENGLISH) + "\">" + message + "</div>";
        return new Impl(kind, message, html);
    }

    private static final class Impl extends FormValidation {
        private static final long serialVersionUID = 1L;
        private final String html;

        Impl(Kind kind, String message, String html) {
            super(kind, message);
            this.html = html;
        }

        @Override
        public String renderHtml() {
            return html;
        }

        @Override
        public String toString() {
            return kind + ": " + getMessage();
        }
    }

    /** Severity of a validation result. */
    public enum Kind {
        OK,
        WARNING,
        ERROR
    }
}
