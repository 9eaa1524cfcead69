package io.jenkins.plugins.squaddeploy.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Validation shared by every step's parameters: each failure names the parameter and the accepted form. */
public final class Params {
    private Params() {
    }

    /**
     * An http(s) URL with a host, no user info, no blanks or control characters.
     * @param form the accepted form, as the parameter's help says it
     * @param userInfoHint what to use instead of credentials in the URL, appended to the form
     */
    public static URI httpUrl(String p, String url, String form, String userInfoHint) {
        if (url == null || url.isBlank()) {
            throw new ParameterException(p, "no URL given", form);
        }
        if (url.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new ParameterException(p, ParameterException.show(url) + " holds spaces or control characters", form);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ParameterException(p, ParameterException.show(url) + " is not a valid URL (" + e.getReason() + ")", form);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw new ParameterException(p, ParameterException.show(url) + " is not an http(s) URL with a host", form);
        }
        if (uri.getRawUserInfo() != null) {
            throw new ParameterException(p, "the URL holds a user name or password", form + userInfoHint);
        }
        if (uri.getPort() > 65535) {
            throw new ParameterException(p, "port " + uri.getPort() + " is out of range", form);
        }
        return uri;
    }

    /** A string or a list of strings under {@code key} of a parameter map; null when absent. */
    public static List<String> strings(Map<String, Object> m, String key, String p) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof CharSequence s) {
            return List.of(s.toString());
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof CharSequence)) {
                    throw new ParameterException(p + "." + key + "[" + i + "]", "got " + ParameterException.show(l.get(i)), "a string");
                }
                out.add(l.get(i).toString());
            }
            return out;
        }
        throw new ParameterException(p + "." + key, "got " + ParameterException.show(v), "a list of strings");
    }
}
