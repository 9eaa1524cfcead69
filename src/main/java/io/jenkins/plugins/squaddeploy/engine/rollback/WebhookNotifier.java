package io.jenkins.plugins.squaddeploy.engine.rollback;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells people: posts a Slack-compatible incoming-webhook message ({@code {"text": "…"}}, Slack mrkdwn; Mattermost and
 * Rocket.Chat take the same) saying what failed, what was rolled back and how long it took. The URL is a secret (whoever
 * has it can post to the channel): it comes from a credential, is registered with the masker, and never appears in a
 * console line or an error message.
 */
public final class WebhookNotifier {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();

    private final Masker masker;

    public WebhookNotifier(Masker masker) {
        this.masker = masker;
    }

    /** Checks the webhook URL (from a credential named {@code credentialsId}) without ever showing it; returns it. */
    public static String check(String credentialsId, String secret) {
        return url(credentialsId, secret).toString();
    }

    static URI url(String credentialsId, String secret) {
        String form = "a Secret text credential holding the webhook URL, https://hooks.slack.com/services/… (or http:// for a receiver on a private network)";
        URI u;
        try {
            u = new URI(secret == null ? "" : secret.strip());
        } catch (URISyntaxException e) {
            throw new ParameterException("webhookCredentialsId", "the credential '" + credentialsId + "' does not hold a URL", form);
        }
        if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http")) || u.getHost() == null) {
            throw new ParameterException("webhookCredentialsId", "the credential '" + credentialsId + "' does not hold an http(s) URL", form);
        }
        return u;
    }

    /**
     * Posts {@code text}. Returns {@code HTTP 200} on success; throws IOException (message masked, never the URL)
     * when the receiver cannot be reached or answers anything but 2xx.
     */
    public String post(URI url, String text) throws IOException, InterruptedException {
        byte[] body = JSON.writeValueAsBytes(Map.of("text", text));
        HttpRequest req = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> r;
        try {
            r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("the webhook could not be reached: " + masker.mask(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        }
        if (r.statusCode() / 100 != 2) {
            String b = r.body() == null ? "" : r.body().strip();
            throw new IOException("the webhook answered HTTP " + r.statusCode() + (b.isEmpty() ? "" : ": " + masker.mask(b.length() > 200 ? b.substring(0, 200) + "…" : b)));
        }
        return "HTTP " + r.statusCode();
    }

    /** The message: what failed, the values measured, what was rolled back, the timings, the result. */
    public static String message(RollbackReport r, String build) {
        List<String> lines = new ArrayList<>();
        String head = switch (r.status()) {
            case ROLLED_BACK -> ":rotating_light: *Release failed and was rolled back*";
            case ALREADY_ROLLED_BACK -> ":information_source: *Release failed; it was already rolled back*";
            case NOTHING_TO_ROLL_BACK -> ":information_source: *Build failed; nothing to roll back*";
            case FAILED -> ":fire: *Release failed and the ROLLBACK FAILED: act now*";
        };
        lines.add(head + (build == null ? "" : " — " + escape(build)));
        lines.add("*What failed:* " + escape(r.incident() == null ? "the build failed" : r.incident().trigger()));
        if (r.incident() != null) {
            for (String m : r.incident().measuredLines()) {
                lines.add("*Measured:* " + escape(m));
            }
        }
        for (RollbackReport.Unit u : r.units()) {
            lines.add("*" + label(u.status()) + ":* " + escape(u.what() + (u.fromVersion() == null ? "" : " " + u.fromVersion()
                    + (u.fromColour() == null ? "" : " (" + u.fromColour() + ")")) + (u.toVersion() == null ? "" : " → " + u.toVersion()
                    + (u.toColour() == null ? "" : " (" + u.toColour() + ")")) + ": " + u.action()));
        }
        if (r.database() != null) {
            lines.add("*Database:* " + escape(r.database().status() + ": " + r.database().message()));
        }
        List<String> t = new ArrayList<>();
        if (r.incident() != null && r.incident().firstFailureAt() != null) {
            t.add("first failure " + r.incident().firstFailureAt());
        }
        if (r.incident() != null && r.incident().detectedAt() != null) {
            t.add("detected " + r.incident().detectedAt() + (r.detection() == null ? "" : " (+" + RollbackReport.seconds(r.detection()) + ")"));
        }
        if (r.rolledBackAt() != null) {
            t.add("rolled back " + r.rolledBackAt() + (r.rollbackTime() == null ? "" : " (+" + RollbackReport.seconds(r.rollbackTime()) + ")"));
        }
        if (r.timeToRestore() != null) {
            t.add("*time to restore " + RollbackReport.seconds(r.timeToRestore()) + "*");
        }
        if (!t.isEmpty()) {
            lines.add("*Timings:* " + String.join(", ", t));
        }
        return String.join("\n", lines);
    }

    private static String label(RollbackReport.Status s) {
        return switch (s) {
            case ROLLED_BACK -> "Rolled back";
            case ALREADY_ROLLED_BACK -> "Already rolled back";
            case NOTHING_TO_ROLL_BACK -> "Not touched";
            case FAILED -> "Rollback FAILED";
        };
    }

    /** Slack's three control characters. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
