package io.jenkins.plugins.squaddeploy.docs;

import hudson.model.Describable;
import io.jenkins.plugins.squaddeploy.steps.VerifyHealthStep;
import java.beans.Introspector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Generates the reference part of {@code docs/steps/<symbol>.md} from the step classes and their help files, the same
 * text the Snippet Generator shows. Each page keeps hand-written guide sections (examples, console, failure messages,
 * what is proven how) around one generated block between {@link #BEGIN} and {@link #END}; only that block is
 * rewritten. A step without a page gets a new one with a short hand-written stub around the block.
 *
 * <p>Run it with {@code ./squad docs}; {@link StepDocsTest} fails when a page is stale.
 *
 * <p>What goes in a block: the step's symbol and class, its {@code help.html}, a table of its parameters (type,
 * required or optional) and one section per parameter from its {@code help-<param>.html}. A parameter whose type is a
 * describable family (health checks, deploy targets, routers, snapshot sources, ...) lists the symbols of that family,
 * and the family itself (each member with its help and parameters) is documented on the page of one step, its home:
 * the first step, in name order, that takes it as a required parameter, else the first that takes it at all.
 */
public final class StepDocs {
    static final String BEGIN_PREFIX = "<!-- BEGIN GENERATED REFERENCE";
    static final String BEGIN = BEGIN_PREFIX + " (./squad docs, from the step classes and their help files: edit those, then regenerate) -->";
    static final String END = "<!-- END GENERATED REFERENCE -->";
    static final String STEPS_PACKAGE = "io.jenkins.plugins.squaddeploy.steps";

    private final List<Class<?>> bound;
    private final Function<String, String> resources;

    /**
     * @param bound     every {@code @DataBoundConstructor} class under the steps package
     * @param resources the text of a resource such as {@code a/b/C/help.html}, or null
     */
    StepDocs(List<Class<?>> bound, Function<String, String> resources) {
        this.bound = List.copyOf(bound);
        this.resources = resources;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        StepDocs docs = forRepository(repo);
        Path dir = repo.resolve("docs/steps");
        Files.createDirectories(dir);
        int changed = 0;
        for (Map.Entry<String, String> page : docs.pages(dir).entrySet()) {
            Path f = dir.resolve(page.getKey());
            String old = Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
            if (!page.getValue().equals(old)) {
                Path tmp = dir.resolve("." + page.getKey() + ".tmp");
                Files.writeString(tmp, page.getValue(), StandardCharsets.UTF_8);
                Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                System.out.println((old == null ? "created " : "updated ") + repo.relativize(f));
                changed++;
            }
        }
        System.out.println(changed == 0 ? "docs/steps is up to date" : changed + " page(s) written");
    }

    /** The generator over the compiled classes on the class path and the help files under {@code repo/src/main/resources}. */
    static StepDocs forRepository(Path repo) throws Exception {
        Path mainClasses = Path.of(VerifyHealthStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isDirectory(mainClasses)) {
            throw new IllegalStateException("the step classes must be a directory (target/classes), not " + mainClasses);
        }
        Path resourcesRoot = repo.resolve("src/main/resources");
        if (!Files.isDirectory(resourcesRoot)) {
            throw new IllegalStateException("no " + resourcesRoot + " (give the repository root as the argument)");
        }
        return new StepDocs(HelpFilesTest.dataBoundClasses(mainClasses, STEPS_PACKAGE), path -> {
            Path p = resourcesRoot.resolve(path);
            try {
                return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** File name ({@code verifyHealth.md}) to the page's full new text, for every step; existing pages from {@code dir}. */
    Map<String, String> pages(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Class<?> step : steps()) {
            String name = symbol(step) + ".md";
            Path f = dir.resolve(name);
            String old = Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
            out.put(name, page(step, old));
        }
        return out;
    }

    /** The page of a step: the old page with its generated block replaced, or a new page. */
    String page(Class<?> step, String old) {
        String block = block(step);
        if (old == null) {
            return "# `" + symbol(step) + "`: " + displayName(step) + "\n\n**Step:** `" + symbol(step) + "` · **Class:** `" + step.getName()
                    + "`\n\n" + help(step, "help.html") + "\n" + block + "\n";
        }
        int b = old.indexOf(BEGIN_PREFIX);
        int e = old.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalStateException("docs/steps/" + symbol(step) + ".md has no generated block (" + BEGIN_PREFIX + " … " + END
                    + "); put both marker lines where the reference belongs");
        }
        return old.substring(0, b) + block + old.substring(e + END.length());
    }

    /** Steps in name order. */
    List<Class<?>> steps() {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : bound) {
            if (Step.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers()) && symbolOrNull(c) != null) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparing(StepDocs::symbol));
        return out;
    }

    /** The generated block of one step, markers included. */
    String block(Class<?> step) {
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n\n");
        parameters(md, step, "##", "###");
        for (Class<?> family : families()) {
            if (home(family) == step) {
                md.append("## ").append(familyTitle(family)).append("\n\n");
                md.append("Used by ").append(String.join(", ", usersOf(family).stream().map(s -> "`" + symbol(s) + "`").toList()))
                        .append(" (parameter");
                List<String> params = new ArrayList<>();
                for (Class<?> s : usersOf(family)) {
                    for (Property p : properties(s)) {
                        if (family.equals(p.family)) {
                            params.add("`" + symbol(s) + "(" + p.name + ":)`");
                        }
                    }
                }
                md.append(params.size() == 1 ? " " : "s ").append(String.join(", ", params)).append(").\n\n");
                for (Class<?> member : members(family)) {
                    md.append("### `").append(symbol(member)).append("`: ").append(displayName(member)).append("\n\n");
                    md.append("**Class:** `").append(member.getName()).append("`\n\n");
                    md.append(help(member, "help.html")).append("\n");
                    parameters(md, member, null, "####");
                }
            }
        }
        md.append(END);
        return md.toString();
    }

    private void parameters(StringBuilder md, Class<?> c, String heading, String sub) {
        List<Property> props = properties(c);
        if (props.isEmpty()) {
            md.append("No parameters.\n\n");
            return;
        }
        if (heading != null) {
            md.append(heading).append(" Parameters\n\n");
        }
        md.append("| Parameter | Type | |\n|---|---|---|\n");
        for (Property p : props) {
            md.append("| `").append(p.name).append("` | ").append(typeText(p).replace("|", "\\|")).append(" | ")
                    .append(p.required ? "required" : "optional").append(" |\n");
        }
        md.append("\n");
        for (Property p : props) {
            md.append(sub).append(" `").append(p.name).append("`").append(p.required ? "" : " (optional)").append("\n\n");
            md.append("- **Type:** ").append(typeText(p)).append("\n");
            md.append(p.required ? "- **Required**\n\n" : "- **Optional**\n\n");
            md.append(helpOf(c, p.name)).append("\n");
        }
    }

    private String typeText(Property p) {
        if (p.family == null) {
            return "`" + p.type + "`";
        }
        List<String> symbols = members(p.family).stream().map(m -> "`" + symbol(m) + "(…)`").toList();
        String one = symbols.size() == 1 ? symbols.get(0) : "one of " + String.join(", ", symbols);
        String where = home(p.family) == null ? "" : " (see [" + familyTitle(p.family) + "](" + symbol(home(p.family)) + ".md#"
                + anchor(familyTitle(p.family)) + "))";
        return (p.list ? "list, each " : "") + one + where;
    }

    private static String anchor(String heading) {
        return heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    // ---- families of describables ----

    /** The abstract describable types that some step parameter takes, in name order. */
    List<Class<?>> families() {
        Set<Class<?>> out = new LinkedHashSet<>();
        for (Class<?> s : steps()) {
            for (Property p : properties(s)) {
                if (p.family != null) {
                    out.add(p.family);
                }
            }
        }
        List<Class<?>> list = new ArrayList<>(out);
        list.sort(Comparator.comparing(Class::getSimpleName));
        return list;
    }

    /** The concrete, symbol-bearing members of a family, in symbol order. */
    List<Class<?>> members(Class<?> family) {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : bound) {
            if (family.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers()) && symbolOrNull(c) != null) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparing(StepDocs::symbol));
        return out;
    }

    private List<Class<?>> usersOf(Class<?> family) {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> s : steps()) {
            if (properties(s).stream().anyMatch(p -> family.equals(p.family))) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Families whose home the rule below would put on the wrong page: snapshot sources are optional for both
     * autoRollback ({@code databaseSource}) and dbSnapshot ({@code source}), and belong with dbSnapshot.
     */
    private static final Map<String, String> HOME_OVERRIDES = Map.of("DbSnapshotSource", "dbSnapshot");

    /** The step whose page documents a family: the first that requires it, else the first that takes it. */
    Class<?> home(Class<?> family) {
        String forced = HOME_OVERRIDES.get(family.getSimpleName());
        if (forced != null) {
            for (Class<?> s : steps()) {
                if (symbol(s).equals(forced)) {
                    return s;
                }
            }
        }
        Class<?> any = null;
        for (Class<?> s : steps()) {
            for (Property p : properties(s)) {
                if (family.equals(p.family)) {
                    if (p.required) {
                        return s;
                    }
                    if (any == null) {
                        any = s;
                    }
                }
            }
        }
        return any;
    }

    /** "HealthCheck" → "Health check types", "DeployTarget" → "Deploy target types". */
    static String familyTitle(Class<?> family) {
        String words = family.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1) + " types";
    }

    // ---- properties ----

    /** A bound parameter: constructor ones first (required), then setters (optional), as Stapler binds them. */
    record Property(String name, String type, boolean required, Class<?> family, boolean list) {
    }

    List<Property> properties(Class<?> c) {
        Map<String, Property> out = new LinkedHashMap<>();
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (k.isAnnotationPresent(DataBoundConstructor.class)) {
                for (Parameter p : k.getParameters()) {
                    out.put(p.getName(), property(p.getName(), p.getParameterizedType(), true));
                }
            }
        }
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            hierarchy.add(k);
        }
        for (Class<?> k : hierarchy) {
            List<Method> methods = new ArrayList<>(List.of(k.getDeclaredMethods()));
            methods.sort(Comparator.comparing(Method::getName));
            for (Method m : sourceOrder(k, methods)) {
                if (m.isAnnotationPresent(DataBoundSetter.class) && !m.isBridge() && m.getParameterCount() == 1) {
                    String name = Introspector.decapitalize(m.getName().substring(3));
                    out.putIfAbsent(name, property(name, m.getGenericParameterTypes()[0], false));
                }
            }
            for (Field f : k.getDeclaredFields()) {
                if (f.isAnnotationPresent(DataBoundSetter.class)) {
                    out.putIfAbsent(f.getName(), property(f.getName(), f.getGenericType(), false));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Setters in the order of the fields they set (the order of the source), the others after them by name. */
    private static List<Method> sourceOrder(Class<?> k, List<Method> methods) {
        List<String> fields = new ArrayList<>();
        for (Field f : k.getDeclaredFields()) {
            fields.add(f.getName());
        }
        List<Method> out = new ArrayList<>(methods);
        out.sort(Comparator.comparingInt(m -> {
            String n = m.getName().length() > 3 ? Introspector.decapitalize(m.getName().substring(3)) : m.getName();
            int i = fields.indexOf(n);
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
        return out;
    }

    private Property property(String name, Type type, boolean required) {
        Class<?> raw = raw(type);
        boolean list = List.class.isAssignableFrom(raw) || raw.isArray();
        Class<?> element = list ? element(type) : raw;
        Class<?> family = element != null && Describable.class.isAssignableFrom(element) ? element : null;
        return new Property(name, typeName(type), required, family, list);
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Class<?> element(Type t) {
        if (t instanceof Class<?> c && c.isArray()) {
            return c.getComponentType();
        }
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length == 1) {
            return raw(p.getActualTypeArguments()[0]);
        }
        return null;
    }

    private static String typeName(Type t) {
        if (t instanceof Class<?> c) {
            return c.isArray() ? typeName(c.getComponentType()) + "[]" : c.getSimpleName();
        }
        if (t instanceof ParameterizedType p) {
            List<String> args = new ArrayList<>();
            for (Type a : p.getActualTypeArguments()) {
                args.add(typeName(a));
            }
            return raw(p).getSimpleName() + "<" + String.join(", ", args) + ">";
        }
        return t.getTypeName();
    }

    // ---- names ----

    static String symbol(Class<?> c) {
        String s = symbolOrNull(c);
        if (s == null) {
            throw new IllegalStateException(c.getName() + " has no @Symbol on its DescriptorImpl");
        }
        return s;
    }

    static String symbolOrNull(Class<?> c) {
        for (Class<?> n : c.getDeclaredClasses()) {
            Symbol s = n.getAnnotation(Symbol.class);
            if (s != null && s.value().length > 0) {
                return s.value()[0];
            }
        }
        return null;
    }

    static String displayName(Class<?> c) {
        for (Class<?> n : c.getDeclaredClasses()) {
            if (n.isAnnotationPresent(Symbol.class)) {
                try {
                    Constructor<?> k = n.getDeclaredConstructor();
                    k.setAccessible(true);
                    Object d = k.newInstance();
                    return String.valueOf(n.getMethod("getDisplayName").invoke(d));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return c.getSimpleName();
                }
            }
        }
        return c.getSimpleName();
    }

    // ---- help files to Markdown ----

    private String helpOf(Class<?> c, String property) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            String text = resources.apply(HelpFilesTest.dir(k) + "help-" + property + ".html");
            if (text != null) {
                return HtmlToMarkdown.convert(text);
            }
        }
        throw new IllegalStateException("no help-" + property + ".html for " + c.getName());
    }

    private String help(Class<?> c, String file) {
        String text = resources.apply(HelpFilesTest.dir(c) + file);
        if (text == null) {
            throw new IllegalStateException("no " + file + " for " + c.getName());
        }
        return HtmlToMarkdown.convert(text);
    }

    /** The small HTML of Jenkins help files (p, code, pre, ul/ol/li, dl, a, strong/b, em/i, br, table) as Markdown. */
    static final class HtmlToMarkdown {
        private HtmlToMarkdown() {
        }

        static String convert(String html) {
            Document doc;
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                var b = f.newDocumentBuilder();
                b.setErrorHandler(new DefaultHandler());
                doc = b.parse(new ByteArrayInputStream(html.replace("&nbsp;", "&#160;").getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new IllegalStateException("help file is not well-formed: " + e.getMessage(), e);
            }
            StringBuilder out = new StringBuilder();
            blocks(doc.getDocumentElement(), out, "");
            return out.toString().replaceAll("\n{3,}", "\n\n").strip() + "\n";
        }

        private static void blocks(Element parent, StringBuilder out, String indent) {
            StringBuilder inline = new StringBuilder();
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                String tag = n instanceof Element e ? e.getTagName().toLowerCase(java.util.Locale.ROOT) : "";
                if (isBlock(tag)) {
                    flush(inline, out, indent);
                    block((Element) n, tag, out, indent);
                } else {
                    inline(n, inline);
                }
            }
            flush(inline, out, indent);
        }

        private static boolean isBlock(String tag) {
            return switch (tag) {
                case "p", "div", "pre", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "blockquote" -> true;
                default -> false;
            };
        }

        private static void flush(StringBuilder inline, StringBuilder out, String indent) {
            String text = inline.toString().replaceAll("[ \t\r\n]+", " ").replace("\u2028", "  \n" + indent).strip();
            if (!text.isEmpty()) {
                out.append(indent).append(text).append("\n\n");
            }
            inline.setLength(0);
        }

        private static void block(Element e, String tag, StringBuilder out, String indent) {
            switch (tag) {
                case "pre" -> {
                    String code = e.getTextContent().replaceAll("^\n+", "").stripTrailing();
                    String lang = e.getAttribute("class").contains("groovy") ? "groovy" : "";
                    out.append(indent).append("```").append(lang).append("\n");
                    for (String line : dedent(code).split("\n", -1)) {
                        out.append(line.isEmpty() ? "" : indent + line).append("\n");
                    }
                    out.append(indent).append("```\n\n");
                }
                case "ul", "ol" -> {
                    int i = 1;
                    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
                        if (n instanceof Element li && li.getTagName().equalsIgnoreCase("li")) {
                            String bullet = tag.equals("ul") ? "- " : (i++) + ". ";
                            StringBuilder item = new StringBuilder();
                            blocks(li, item, "");
                            String[] lines = item.toString().strip().split("\n", -1);
                            out.append(indent).append(bullet).append(lines[0]).append("\n");
                            for (int k = 1; k < lines.length; k++) {
                                out.append(lines[k].isEmpty() ? "" : indent + " ".repeat(bullet.length()) + lines[k]).append("\n");
                            }
                        }
                    }
                    out.append("\n");
                }
                case "dl" -> {
                    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
                        if (n instanceof Element d) {
                            StringBuilder text = new StringBuilder();
                            inlineChildren(d, text);
                            String t = text.toString().replaceAll("[ \t\r\n]+", " ").strip();
                            if (d.getTagName().equalsIgnoreCase("dt")) {
                                out.append(indent).append("- **").append(t).append("**");
                            } else if (d.getTagName().equalsIgnoreCase("dd")) {
                                out.append(": ").append(t).append("\n");
                            }
                        }
                    }
                    out.append("\n");
                }
                case "table" -> table(e, out, indent);
                case "h1", "h2", "h3", "h4" -> {
                    StringBuilder text = new StringBuilder();
                    inlineChildren(e, text);
                    out.append(indent).append("**").append(text.toString().replaceAll("\\s+", " ").strip()).append("**\n\n");
                }
                case "blockquote" -> {
                    StringBuilder inner = new StringBuilder();
                    blocks(e, inner, "");
                    for (String line : inner.toString().strip().split("\n", -1)) {
                        out.append(indent).append("> ").append(line).append("\n");
                    }
                    out.append("\n");
                }
                default -> blocks(e, out, indent);
            }
        }

        private static void table(Element e, StringBuilder out, String indent) {
            List<List<String>> rows = new ArrayList<>();
            NodeList trs = e.getElementsByTagName("tr");
            for (int i = 0; i < trs.getLength(); i++) {
                List<String> row = new ArrayList<>();
                for (Node n = trs.item(i).getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element cell && (cell.getTagName().equalsIgnoreCase("td") || cell.getTagName().equalsIgnoreCase("th"))) {
                        StringBuilder text = new StringBuilder();
                        inlineChildren(cell, text);
                        row.add(text.toString().replaceAll("\\s+", " ").strip().replace("|", "\\|"));
                    }
                }
                rows.add(row);
            }
            if (rows.isEmpty()) {
                return;
            }
            int cols = rows.stream().mapToInt(List::size).max().orElse(1);
            for (int i = 0; i < rows.size(); i++) {
                List<String> row = new ArrayList<>(rows.get(i));
                while (row.size() < cols) {
                    row.add("");
                }
                out.append(indent).append("| ").append(String.join(" | ", row)).append(" |\n");
                if (i == 0) {
                    out.append(indent).append("|").append("---|".repeat(cols)).append("\n");
                }
            }
            out.append("\n");
        }

        private static void inlineChildren(Element e, StringBuilder out) {
            for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
                inline(n, out);
            }
        }

        private static void inline(Node n, StringBuilder out) {
            if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                out.append(n.getNodeValue().replace("\u00a0", " "));
                return;
            }
            if (!(n instanceof Element e)) {
                return;
            }
            String tag = e.getTagName().toLowerCase(java.util.Locale.ROOT);
            StringBuilder inner = new StringBuilder();
            inlineChildren(e, inner);
            String t = inner.toString();
            switch (tag) {
                case "code", "tt", "kbd", "samp" -> {
                    String c = t.replaceAll("\\s+", " ");
                    String fence = c.contains("`") ? "`` " : "`";
                    out.append(fence).append(c).append(fence.strip().equals("``") ? " ``" : "`");
                }
                case "strong", "b" -> out.append("**").append(t.strip()).append("**");
                case "em", "i", "var" -> out.append("*").append(t.strip()).append("*");
                case "a" -> {
                    String href = e.getAttribute("href");
                    out.append(href.isEmpty() ? t : "[" + t.strip() + "](" + href + ")");
                }
                case "br" -> out.append('\u2028');
                default -> out.append(t);
            }
        }

        private static String dedent(String code) {
            int min = Integer.MAX_VALUE;
            for (String line : code.split("\n")) {
                if (!line.isBlank()) {
                    min = Math.min(min, line.length() - line.stripLeading().length());
                }
            }
            if (min == Integer.MAX_VALUE || min == 0) {
                return code;
            }
            StringBuilder out = new StringBuilder();
            for (String line : code.split("\n", -1)) {
                out.append(line.length() >= min ? line.substring(min) : line.strip()).append("\n");
            }
            return out.substring(0, out.length() - 1);
        }
    }
}
