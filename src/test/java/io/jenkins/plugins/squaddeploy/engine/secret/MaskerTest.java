package io.jenkins.plugins.squaddeploy.engine.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MaskerTest {
    private static final String SECRET = "s3cr3t/P@ss+w0rd\"x";

    @Test
    void masksRawBase64UrlAndJsonForms() {
        Masker m = new Masker().add(SECRET);
        String b64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        String url = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        String json = "\"s3cr3t/P@ss+w0rd\\\"x\"";
        String text = "raw=" + SECRET + " b64=" + b64 + " url=" + url + " json=" + json;
        String masked = m.mask(text);
        assertThat(masked).doesNotContain(SECRET).doesNotContain(b64).doesNotContain(url).doesNotContain("s3cr3t/P@ss+w0rd\\\"x");
        assertThat(masked).startsWith("raw=****");
    }

    @Test
    void masksTheJsonFormWithEscapedSlashes() {
        Masker m = new Masker().add(SECRET);
        String escaped = "s3cr3t\\/P@ss+w0rd\\\"x"; // s3cr3t\/P@ss+w0rd\"x, as json_encode writes it
        assertThat(m.mask("{\"echo\":\"" + escaped + "\"}")).isEqualTo("{\"echo\":\"****\"}");
    }

    @Test
    void masksSecretInsideALongerBase64TextAtAnyAlignment() {
        Masker m = new Masker().addUserPassword("deployer", "hunter2-long-password");
        for (String prefix : new String[] {"", "a", "ab", "abc"}) {
            String header = Base64.getEncoder().encodeToString((prefix + "deployer:hunter2-long-password").getBytes(StandardCharsets.UTF_8));
            String masked = m.mask("Authorization: Basic " + header);
            assertThat(masked).as("prefix '%s'", prefix).contains(Masker.MASK);
            String secretB64Core = Base64.getEncoder().encodeToString("hunter2-long-password".getBytes(StandardCharsets.UTF_8)).substring(4, 16);
            assertThat(masked).doesNotContain(secretB64Core);
        }
    }

    @Test
    void masksEachLineOfAMultiLineSecretAndExceptionChains() {
        String key = "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\nEEEEFFFFGGGG\n-----END KEY-----";
        Masker m = new Masker().add(key);
        assertThat(m.mask("line: EEEEFFFFGGGG")).isEqualTo("line: ****");
        Exception e = new RuntimeException("outer", new IllegalStateException("inner AAAABBBBCCCCDDDD"));
        assertThat(m.describe(e)).isEqualTo("outer: inner ****");
    }

    @Test
    void masksASecretCutShortByAShortenedText() {
        Masker m = new Masker().add(SECRET);
        String body = "denied " + "x".repeat(100) + SECRET;
        String shown = body.substring(0, 120) + "…"; // what a response snippet cut to 120 characters shows
        assertThat(shown).contains(SECRET.substring(0, 13) + "…");
        assertThat(m.mask("HTTP 503 (body: " + shown + ")")).endsWith("x****…)").doesNotContain(SECRET.substring(0, 5));
        assertThat(m.mask("the road goes on…")).isEqualTo("the road goes on…");
    }

    @Test
    void ordinaryTextIsUntouched() {
        Masker m = new Masker().add("pa55word");
        assertThat(m.mask("verifyHealth: all 3 check(s) passed in 1.2 s")).isEqualTo("verifyHealth: all 3 check(s) passed in 1.2 s");
        assertThat(new Masker().mask("nothing registered")).isEqualTo("nothing registered");
    }
}
