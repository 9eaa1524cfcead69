package io.jenkins.plugins.squaddeploy.pipeline;

import java.io.Serializable;
import java.util.Map;

/**
 * The value of a call such as {@code usernamePassword(credentialsId: ..., ...)}, {@code string(...)} or
 * {@code booleanParam(...)}: in Jenkins an uninstantiated describable, made concrete by the step that receives it
 * ({@code withCredentials} binds credentials, {@code input} and {@code parameters} define parameters).
 * Serializable, like Jenkins' {@code UninstantiatedDescribable}.
 */
public record SymbolCall(String symbol, Map<String, Object> arguments) implements Serializable {
    private static final long serialVersionUID = 1L;

    Object get(String key) {
        return arguments.get(key);
    }

    String string(String key) {
        Object v = arguments.get(key);
        return v == null ? null : v.toString();
    }

    @Override
    public String toString() {
        return symbol + arguments;
    }
}
