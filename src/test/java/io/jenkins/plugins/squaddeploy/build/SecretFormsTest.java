package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The leak scanner's forms find a secret wherever an encoder may have put it, and nothing in clean text. */
class SecretFormsTest {
    private static final String SECRET = "pw-Zq8!x7Lk2#rT9";

    private static boolean found(String text) {
        return SecretForms.of(SECRET).values().stream().anyMatch(text::contains);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBasicHeaderHoldingThePasswordIsFoundForEveryLengthOfUserName() {
        for (String user : new String[] {"bo", "ann", "alice", "deploy-bot", "x"}) {
            String header = "Authorization: Basic " + b64(user + ":" + SECRET);
            assertThat(found(header)).as("Basic header of user %s", user).isTrue();
        }
    }

    @Test
    void theSecretBase64EncodedAtEachOffsetOfALongerTextIsFound() {
        for (String before : new String[] {"", "a", "ab", "abc", "{\"k\":\""}) {
            for (String after : new String[] {"", "z", "zz", "\"}"}) {
                String text = "payload " + b64(before + SECRET + after) + " end";
                assertThat(found(text)).as("base64(%s + secret + %s)", before, after).isTrue();
                String url = Base64.getUrlEncoder().encodeToString((before + SECRET + after).getBytes(StandardCharsets.UTF_8));
                assertThat(found(url)).as("base64url(%s + secret + %s)", before, after).isTrue();
            }
        }
    }

    @Test
    void theOtherFormsAreFoundAndCleanTextIsNot() {
        Map<String, String> forms = SecretForms.of(SECRET);
        assertThat(forms).containsKeys("raw", "url-encoded", "json-escaped", "base64 inside a text, offset 0", "base64 inside a text, offset 1",
                "base64 inside a text, offset 2");
        assertThat(found("url=" + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8))).isTrue();
        assertThat(found("password: ****, Authorization: Basic " + b64("alice:****") + ", token " + b64("another-secret-value"))).isFalse();
        assertThat(SecretForms.of("line-one-abc\nline-two-xyz")).containsEntry("line 1", "line-one-abc").containsEntry("line 2", "line-two-xyz");
    }
}
