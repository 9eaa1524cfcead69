package io.jenkins.plugins.squaddeploy.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/troubleshooting.md, docs/runbooks.md and docs/security.md honest against the code:
 * <ul>
 * <li>every failure message in {@code src/main/java} has an entry in docs/troubleshooting.md: for each
 * {@code new XxxException(…)}, {@code new XxxFailure(…)} or {@code new XxxFailed(…)} of the project's own and of
 * {@code IOException}/{@code AbortException} (not the JDK's programming errors such as {@code IllegalStateException},
 * nor {@code ParameterException}, whose one shape the page explains), {@code ProbeOutcome.fail/error(…)} and
 * autoRollback's {@code u.failed(…)},
 * the longest fixed piece of text of its message (a string literal at the top level of the message's
 * concatenation, at least 8 characters) must appear in the page, which quotes messages with placeholders for the
 * variable parts. A message made only of variables (a rethrown cause) has nothing fixed to look for and is skipped.
 * Likewise every {@code error "…"} of the shared-library vars.</li>
 * <li>every test the three pages cite ({@code SomethingTest}, {@code SomethingIT}, {@code SomethingTest#method}) exists
 * in {@code src/test/java}, with that method;</li>
 * <li>every relative link of the three pages points at a file that exists, and every {@code #anchor} into one of the
 * three pages at one of its headings.</li>
 * </ul>
 * The scanner is a small hand-written reader of Java string literals and brackets, not a Java parser: it is shown to
 * find messages in tricky code (nested calls, ternaries, escaped quotes, a masked wrapper) and to report a missing one.
 */
class TroubleshootingDocTest {
    private static final Path ROOT = Path.of(System.getProperty("squad.repo.root", ".")).toAbsolutePath().normalize();
    private static final List<String> PAGES = List.of("docs/troubleshooting.md", "docs/runbooks.md", "docs/security.md");
    /** Where a failure message starts: the constructor or factory call whose first argument is the message. */
    static final Pattern MESSAGE_SITE = Pattern.compile("new (?!(?:Illegal(?:State|Argument)|UnsupportedOperation|Unchecked\\w*|Interrupted"
            + "|NullPointer|Parameter)Exception\\b)[A-Z][\\w.]*(?:Exception|Failure|Failed)\\s*\\("
            + "|ProbeOutcome\\.(?:fail|error)\\s*\\(|\\bu\\.failed\\s*\\(");
    private static final int MIN_KEY = 8;

    /** A message site: where it is and the fixed text that must be in the troubleshooting page. */
    record Site(String where, String key) {
    }

    @Test
    void everyFailureMessageInTheCodeHasAnEntryInTroubleshooting() throws IOException {
        List<Site> sites = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                sites.addAll(sites(ROOT.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        assertThat(sites).as("failure messages found in src/main/java (the scanner works)").hasSizeGreaterThan(100);
        String page = normalise(read("docs/troubleshooting.md"));
        List<String> missing = sites.stream().filter(s -> !page.contains(s.key())).map(s -> s.where() + ": \"" + s.key() + "\"").toList();
        assertThat(missing).as("messages with no entry in docs/troubleshooting.md (quote the message there, with <placeholders>"
                + " for its variable parts, and say what it means and what to do)").isEmpty();
    }

    @Test
    void everyErrorOfTheSharedLibraryVarsHasAnEntryInTroubleshooting() throws IOException {
        List<Site> sites = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("vars"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".groovy")).sorted().toList()) {
                sites.addAll(groovyErrors(ROOT.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        assertThat(sites).as("error(...) calls found in vars/*.groovy (the scanner works)").hasSizeGreaterThan(10);
        String page = normalise(read("docs/troubleshooting.md"));
        List<String> missing = sites.stream().filter(s -> !page.contains(s.key())).map(s -> s.where() + ": \"" + s.key() + "\"").toList();
        assertThat(missing).as("errors of the shared-library vars with no entry in docs/troubleshooting.md").isEmpty();
    }

    @Test
    void theGroovyScannerSplitsGStringsAtTheirPlaceholders() {
        String code = """
                def call(Map args) {
                    if (!args.url) {
                        error "serviceHealth: 'url' is required, e.g. http://127.0.0.1:8000/health"
                    }
                    error("approvalGate: 'onTimeout' must be 'abort', 'proceed' or 'skip', got '${args.onTimeout}'")
                    error("${where}: expected a map with the keys ${accepted.join(', ')}, got $given")
                    log.error('not this one')
                }
                """;
        assertThat(groovyErrors("v.groovy", code)).extracting(Site::key).containsExactly(
                "serviceHealth: 'url' is required, e.g. http://127.0.0.1:8000/health",
                "approvalGate: 'onTimeout' must be 'abort', 'proceed' or 'skip', got '",
                "expected a map with the keys");
    }

    @Test
    void theScannerFindsMessagesInTrickyCodeAndReportsAMissingOne() {
        String code = """
                class X {
                    void a() throws Exception {
                        throw new DeployException("the image " + ref + " could not be pulled: " + e.getMessage()
                                + ". Build it (imageSource: 'build'), then deploy again.", e);
                    }
                    void b() throws Exception {
                        throw new RouterException(what + " said \\"no\\" (" + f(g(1), "x, y", ')') + ")");
                    }
                    void c() { return ProbeOutcome.fail(ok ? "short" : "a ternary at the top level", 3); }
                    void d() { ctx.onFailure(new AbortException(masker.mask("verifyHealth: the deadline of " + d + " s passed"))); }
                    void e() { throw new IOException(e.getMessage(), e); }
                    void f() { return u.failed(colour + " was the first colour to get traffic"); }
                }
                """;
        List<Site> found = sites("X.java", code);
        assertThat(found).extracting(Site::key).containsExactly(
                "Build it (imageSource: 'build'), then deploy again.",
                "said \"no\" (",
                "a ternary at the top level",
                "verifyHealth: the deadline of",
                "was the first colour to get traffic");
        assertThat(found.get(0).where()).isEqualTo("X.java:3");
        String page = normalise("`the image <ref> could not be pulled: <why>. Build it (imageSource: 'build'), then deploy\n again.`");
        assertThat(found.stream().filter(s -> !page.contains(s.key())).map(Site::key))
                .as("a page quoting only the first message misses the other four")
                .hasSize(4).doesNotContain("Build it (imageSource: 'build'), then deploy again.");
    }

    @Test
    void everyTestTheDocsCiteExistsWithItsMethod() throws IOException {
        Pattern cited = Pattern.compile("\\b([A-Z][a-z][A-Za-z0-9]*(?:Test|IT))(?:#([a-zA-Z_][A-Za-z0-9_]*))?\\b");
        Set<String> missing = new LinkedHashSet<>();
        int count = 0;
        for (String page : PAGES) {
            Matcher m = cited.matcher(read(page));
            while (m.find()) {
                String source = testSource(m.group(1));
                count++;
                if (source == null) {
                    missing.add(page + ": " + m.group(1) + " (no such test class in src/test/java)");
                } else if (m.group(2) != null && !Pattern.compile("\\bvoid " + Pattern.quote(m.group(2)) + "\\s*\\(").matcher(source).find()) {
                    missing.add(page + ": " + m.group(1) + "#" + m.group(2) + " (no such method)");
                }
            }
        }
        assertThat(count).as("tests cited by the pages").isGreaterThan(50);
        assertThat(missing).as("tests cited in the docs that do not exist (renamed or removed?)").isEmpty();
    }

    @Test
    void relativeLinksOfTheDocsPointAtFilesAndHeadingsThatExist() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
        List<String> broken = new ArrayList<>();
        for (String page : PAGES) {
            Path dir = ROOT.resolve(page).getParent();
            Matcher m = link.matcher(read(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? ROOT.resolve(page) : dir.resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no file " + ROOT.relativize(resolved) + ")");
                    continue;
                }
                String rel = ROOT.relativize(resolved).toString().replace('\\', '/');
                if (anchor != null && PAGES.contains(rel) && !anchors(read(rel)).contains(anchor)) {
                    broken.add(page + ": " + target + " (no heading #" + anchor + " in " + rel + ")");
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void everyTableRowHasTheCellsOfItsHeader() {
        List<String> bad = new ArrayList<>();
        for (String page : PAGES) {
            String[] lines = read(page).split("\n");
            int header = -1;
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith("|")) {
                    header = -1;
                    continue;
                }
                int cells = lines[i].split("(?<!\\\\)\\|", -1).length;
                if (header < 0) {
                    header = cells;
                } else if (cells != header) {
                    bad.add(page + ":" + (i + 1) + ": " + (cells - 2) + " cells, the header has " + (header - 2)
                            + " (a '|' inside `code` must be written \\|)");
                }
            }
        }
        assertThat(bad).as("table rows whose cells do not match the header").isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ the scanner

    /** Every message site in one source file, with the key text its message must show in the docs. */
    static List<Site> sites(String file, String code) {
        List<Site> out = new ArrayList<>();
        Matcher m = MESSAGE_SITE.matcher(code);
        while (m.find()) {
            if (insideStringOrComment(code, m.start())) {
                continue;
            }
            int end = closing(code, m.end());
            String message = firstArgument(code.substring(m.end(), end)).strip();
            Matcher wrapped = Pattern.compile("masker\\.mask\\((.*)\\)", Pattern.DOTALL).matcher(message);
            if (wrapped.matches()) {
                message = wrapped.group(1).strip();
            }
            String key = null;
            for (String literal : topLevelLiterals(message)) {
                String k = normalise(literal.replaceFirst("^[\\s.,;:]+", "")).strip();
                if (k.length() >= MIN_KEY && (key == null || k.length() > key.length())) {
                    key = k;
                }
            }
            if (key != null) {
                int line = 1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                out.add(new Site(file + ":" + line, key));
            }
        }
        return out;
    }

    /** Whether {@code pos} lies in a string literal or a comment (a rough scan from the start of its line and of the file). */
    private static boolean insideStringOrComment(String code, int pos) {
        boolean inString = false;
        for (int i = 0; i < pos; i++) {
            char c = code.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                if (code.startsWith("\"\"\"", i)) {
                    int close = code.indexOf("\"\"\"", i + 3);
                    if (close < 0 || close > pos) {
                        return true;
                    }
                    i = close + 2;
                } else {
                    inString = true;
                }
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                int nl = code.indexOf('\n', i);
                if (nl < 0 || nl > pos) {
                    return true;
                }
                i = nl;
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                int close = code.indexOf("*/", i + 2);
                if (close < 0 || close > pos) {
                    return true;
                }
                i = close + 1;
            }
        }
        return inString;
    }

    /** The index just after the bracket that closes the one opened before {@code from}. */
    private static int closing(String code, int from) {
        int depth = 1;
        int i = from;
        while (depth > 0 && i < code.length()) {
            char c = code.charAt(i);
            if (c == '"') {
                i = afterLiteral(code, i) - 1;
            } else if (c == '\'') {
                i = afterChar(code, i) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            i++;
        }
        return i - 1;
    }

    /** The index just after the string literal starting at {@code start}. */
    private static int afterLiteral(String code, int start) {
        int i = start + 1;
        while (i < code.length() && code.charAt(i) != '"') {
            if (code.charAt(i) == '\\') {
                i++;
            }
            i++;
        }
        return i + 1;
    }

    /** The index just after the char literal starting at {@code start} ({@code 'x'}, {@code '\\''}, {@code '\\u0041'}). */
    private static int afterChar(String code, int start) {
        int close = code.charAt(start + 1) == '\\' ? code.indexOf('\'', start + 3) : start + 2;
        return close < 0 ? code.length() : close + 1;
    }

    private static String firstArgument(String args) {
        int depth = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '"') {
                i = afterLiteral(args, i) - 1;
            } else if (c == '\'') {
                i = afterChar(args, i) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return args.substring(0, i);
            }
        }
        return args;
    }

    /** The string literals that are not inside brackets: the fixed text of a concatenated message. */
    static List<String> topLevelLiterals(String expression) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '"') {
                int end = afterLiteral(expression, i);
                if (depth == 0) {
                    out.add(unescape(expression.substring(i + 1, end - 1)));
                }
                i = end - 1;
            } else if (c == '\'') {
                i = afterChar(expression, i) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
        return out;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code error "…"} / {@code error("…")} in a shared-library var: the longest fixed piece of the (G)string. */
    static List<Site> groovyErrors(String file, String code) {
        List<Site> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?<![.\\w])error\\s*\\(?\\s*([\"'])").matcher(code);
        while (m.find()) {
            char quote = m.group(1).charAt(0);
            List<String> pieces = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            int i = m.end();
            while (i < code.length() && code.charAt(i) != quote) {
                char c = code.charAt(i);
                if (c == '\\' && i + 1 < code.length()) {
                    cur.append(code.charAt(i + 1));
                    i += 2;
                } else if (quote == '"' && c == '$' && i + 1 < code.length() && code.charAt(i + 1) == '{') {
                    pieces.add(cur.toString());
                    cur.setLength(0);
                    int depth = 0;
                    i++; // at the '{'
                    do {
                        char d = code.charAt(i);
                        depth += d == '{' ? 1 : d == '}' ? -1 : 0;
                        i++;
                    } while (depth > 0 && i < code.length());
                } else if (quote == '"' && c == '$' && i + 1 < code.length() && Character.isJavaIdentifierStart(code.charAt(i + 1))) {
                    pieces.add(cur.toString());
                    cur.setLength(0);
                    i++;
                    while (i < code.length() && (Character.isJavaIdentifierPart(code.charAt(i)) || code.charAt(i) == '.')) {
                        i++;
                    }
                } else {
                    cur.append(c);
                    i++;
                }
            }
            pieces.add(cur.toString());
            String key = null;
            for (String piece : pieces) {
                String k = normalise(piece.replaceFirst("^[\\s.,;:]+", "")).strip();
                if (k.length() >= MIN_KEY && (key == null || k.length() > key.length())) {
                    key = k;
                }
            }
            if (key != null) {
                out.add(new Site(file + ":" + (1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count()), key));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Collapses runs of white space, so a message may wrap in the page. */
    static String normalise(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private static String read(String page) {
        try {
            return Files.readString(ROOT.resolve(page), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String testSource(String className) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/test/java"))) {
            Path p = files.filter(f -> f.getFileName().toString().equals(className + ".java")).findFirst().orElse(null);
            return p == null ? null : Files.readString(p, StandardCharsets.UTF_8);
        }
    }

    /** GitHub-style heading anchors of a page: lower case, punctuation dropped, spaces as '-'. */
    static Set<String> anchors(String page) {
        Set<String> out = new LinkedHashSet<>();
        boolean fence = false;
        for (String line : page.split("\n")) {
            if (line.startsWith("```")) {
                fence = !fence;
            }
            if (!fence && line.matches("#{1,6} .*")) {
                String text = line.replaceFirst("#{1,6} ", "").strip().toLowerCase(java.util.Locale.ROOT);
                out.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return out;
    }
}
