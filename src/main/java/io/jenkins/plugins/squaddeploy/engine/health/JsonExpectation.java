package io.jenkins.plugins.squaddeploy.engine.health;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An expectation on a JSON document: a JSONPath, an operator and a value, written as text, e.g.
 * {@code $.status == 'healthy'} or {@code $.services.* in ['connected', 'healthy']}.
 * A path that matches several values ({@code *}, {@code ..}, filters) must match at least one value and
 * every value must satisfy the operator. A path alone means "present and not null".
 */
public final class JsonExpectation implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String FORM = "a JSONPath, optionally followed by an operator (==, !=, <, <=, >, >=, in, not in, =~) and a "
            + "value: a 'quoted string', a number, true, false, null or a list such as ['connected', 'healthy'] — e.g. "
            + "$.status == 'healthy'";

    static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .build();
    private static final List<String> OPERATORS = List.of("not in", "==", "!=", "<=", ">=", "=~", "<", ">", "in");

    private final String text;
    private final String path;
    private final String operator; // null: exists
    private final Object expected; // String, Number, Boolean, null or List
    private transient JsonPath compiled;

    private JsonExpectation(String text, String path, String operator, Object expected) {
        this.text = text;
        this.path = path;
        this.operator = operator;
        this.expected = expected;
    }

    /**
     * Parses and validates an expectation.
     * @param parameter the parameter name for error messages, e.g. {@code checks[0].expect[1]}
     */
    public static JsonExpectation parse(String text, String parameter) {
        if (text == null || text.isBlank()) {
            throw new ParameterException(parameter, "the expectation is empty", FORM);
        }
        String s = text.strip();
        if (!s.startsWith("$")) {
            throw new ParameterException(parameter, ParameterException.show(s) + " does not start with a JSONPath ($…)", FORM);
        }
        int end = endOfPath(s);
        String path = s.substring(0, end);
        try {
            JsonPath.compile(path);
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new ParameterException(parameter, "JSONPath " + ParameterException.show(path) + " cannot be parsed (" + io.jenkins.plugins.squaddeploy.engine.ParameterException.why(e) + ")", FORM);
        }
        String rest = s.substring(end).strip();
        if (rest.isEmpty()) {
            return new JsonExpectation(s, path, null, null);
        }
        String op = null;
        for (String candidate : OPERATORS) {
            if (rest.startsWith(candidate)) {
                boolean word = Character.isLetter(candidate.charAt(0));
                if (!word || rest.length() == candidate.length() || !Character.isLetterOrDigit(rest.charAt(candidate.length()))) {
                    op = candidate;
                    break;
                }
            }
        }
        if (op == null) {
            throw new ParameterException(parameter, "unknown operator in " + ParameterException.show(s), FORM);
        }
        String valueText = rest.substring(op.length()).strip();
        if (valueText.isEmpty()) {
            throw new ParameterException(parameter, "no value after '" + op + "' in " + ParameterException.show(s), FORM);
        }
        Object value;
        try {
            value = op.equals("=~") ? regexLiteral(valueText) : LENIENT.readValue(valueText, Object.class);
        } catch (Exception e) {
            throw new ParameterException(parameter, "value " + ParameterException.show(valueText) + " is not a quoted string, number, boolean, null or list", FORM);
        }
        if ((op.equals("in") || op.equals("not in")) && !(value instanceof List)) {
            throw new ParameterException(parameter, "'" + op + "' needs a list, got " + ParameterException.show(valueText), FORM);
        }
        if (op.equals("=~")) {
            if (!(value instanceof String)) {
                throw new ParameterException(parameter, "'=~' needs a quoted regular expression", FORM);
            }
            try {
                Pattern.compile((String) value);
            } catch (PatternSyntaxException e) {
                throw new ParameterException(parameter, "regular expression " + ParameterException.show(value) + " is invalid", FORM);
            }
        }
        if (List.of("<", "<=", ">", ">=").contains(op) && !(value instanceof Number)) {
            throw new ParameterException(parameter, "'" + op + "' compares numbers, got " + ParameterException.show(valueText), FORM);
        }
        return new JsonExpectation(s, path, op, value);
    }

    /** A quoted regular expression, taken literally: {@code '^1\.4\.'} keeps its backslashes. */
    private static Object regexLiteral(String text) throws java.io.IOException {
        if (text.length() >= 2 && (text.charAt(0) == '\'' || text.charAt(0) == '"') && text.charAt(text.length() - 1) == text.charAt(0)) {
            return text.substring(1, text.length() - 1);
        }
        return LENIENT.readValue(text, Object.class);
    }

    /** Index after the JSONPath: the first blank outside brackets, parentheses and quotes. */
    private static int endOfPath(String s) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[' || c == '(') {
                depth++;
            } else if (c == ']' || c == ')') {
                depth--;
            } else if (depth == 0 && (Character.isWhitespace(c) || (i > 0 && "=!<>".indexOf(c) >= 0))) {
                return i;
            }
        }
        return s.length();
    }

    public String text() {
        return text;
    }

    /**
     * Evaluates against a parsed JSON document (Jackson tree as maps/lists).
     * @return null when satisfied, otherwise what was found, e.g. {@code $.status == 'healthy' failed: actual 'degraded'}
     */
    public String check(Object document) {
        JsonPath p = compiled();
        Object found;
        try {
            found = p.read(document, JSON_PATH);
        } catch (PathNotFoundException e) {
            return text + " failed: " + (p.isDefinite() ? "no value at " : "no values found at ") + path;
        } catch (RuntimeException e) {
            return text + " failed: " + e.getMessage();
        }
        if (!p.isDefinite()) {
            Collection<?> values = found instanceof Collection<?> c ? c : List.of(found);
            if (values.isEmpty()) {
                return text + " failed: no values found at " + path;
            }
            List<String> bad = new ArrayList<>();
            for (Object v : values) {
                if (!satisfies(v)) {
                    bad.add(render(v));
                }
            }
            return bad.isEmpty() ? null : text + " failed: actual " + (values.size() == 1 ? "" : bad.size() + " of " + values.size() + " values ") + String.join(", ", bad);
        }
        return satisfies(found) ? null : text + " failed: actual " + render(found);
    }

    private boolean satisfies(Object actual) {
        if (operator == null) {
            return actual != null;
        }
        switch (operator) {
            case "==":
                return jsonEquals(actual, expected);
            case "!=":
                return !jsonEquals(actual, expected);
            case "in":
                return ((List<?>) expected).stream().anyMatch(e -> jsonEquals(actual, e));
            case "not in":
                return ((List<?>) expected).stream().noneMatch(e -> jsonEquals(actual, e));
            case "=~":
                return actual != null && Pattern.compile((String) expected).matcher(String.valueOf(actual)).find();
            default:
                if (!(actual instanceof Number)) {
                    return false;
                }
                int cmp = decimal(actual).compareTo(decimal(expected));
                return switch (operator) {
                    case "<" -> cmp < 0;
                    case "<=" -> cmp <= 0;
                    case ">" -> cmp > 0;
                    default -> cmp >= 0;
                };
        }
    }

    private static boolean jsonEquals(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        return Objects.equals(a, b);
    }

    private static BigDecimal decimal(Object n) {
        return new BigDecimal(n.toString());
    }

    static String render(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
        }
        String s = v.toString();
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private JsonPath compiled() {
        if (compiled == null) {
            compiled = JsonPath.compile(path);
        }
        return compiled;
    }

    @Override
    public String toString() {
        return text;
    }
}
