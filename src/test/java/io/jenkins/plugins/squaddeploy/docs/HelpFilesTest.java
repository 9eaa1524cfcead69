package io.jenkins.plugins.squaddeploy.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.squaddeploy.steps.VerifyHealthStep;
import io.jenkins.plugins.squaddeploy.steps.health.CommandCheck;
import io.jenkins.plugins.squaddeploy.steps.health.HttpCheck;
import io.jenkins.plugins.squaddeploy.steps.health.PostgresCheck;
import io.jenkins.plugins.squaddeploy.steps.health.RedisCheck;
import io.jenkins.plugins.squaddeploy.steps.health.TcpCheck;
import java.beans.Introspector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Every class under {@code io.jenkins.plugins.squaddeploy.steps} with a {@link DataBoundConstructor}
 * (a step or a describable such as a health check) must ship, in
 * {@code src/main/resources/<package path>/<ClassName>/}:
 * <ul>
 * <li>{@code config.jelly} (its form in the Snippet Generator) whose {@code field="..."} attributes all name
 * existing properties;</li>
 * <li>{@code help.html};</li>
 * <li>{@code help-<property>.html} for every constructor parameter and {@link DataBoundSetter} property (a
 * setter {@code setFooBar} is property {@code fooBar}, as Stapler and structs name it). As Jenkins looks the
 * file up along the class hierarchy ({@code Descriptor.getHelpFile}), the file may be in the directory of the
 * class or of any superclass, e.g. {@code HealthCheck/help-name.html} for the inherited {@code name}.</li>
 * </ul>
 * Help files must be HTML fragments wrapped in {@code <div>}, as Jenkins expects.
 *
 * <p>The classes are found by scanning the compiled main classes (the directory or jar that holds
 * {@link VerifyHealthStep}) and loading them, so a new step or check is covered without touching this test.
 * The checker itself is tested on a fake class, so a check that can never fail would show.
 */
class HelpFilesTest {
    private static final String STEPS_PACKAGE = "io.jenkins.plugins.squaddeploy.steps";

    private static FileSystem jar;
    private static Path classesRoot;
    private static Path resourcesRoot;

    @BeforeAll
    static void locateMainClasses() throws Exception {
        URI location = VerifyHealthStep.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path p = Path.of(location);
        if (Files.isDirectory(p)) {
            classesRoot = p;
        } else {
            jar = FileSystems.newFileSystem(p);
            classesRoot = jar.getPath("/");
        }
        // The files as written (src/main/resources) when the build says where the repository is (surefire sets
        // squad.repo.root), so a file deleted there but still in target/classes from an earlier build is missed;
        // otherwise the copies next to the classes, where Jenkins finds them.
        String repo = System.getProperty("squad.repo.root");
        Path sources = repo == null ? null : Path.of(repo, "src", "main", "resources");
        resourcesRoot = sources != null && Files.isDirectory(sources) ? sources : classesRoot;
    }

    @AfterAll
    static void closeJar() throws IOException {
        if (jar != null) {
            jar.close();
        }
    }

    @Test
    void everyStepAndCheckHasConfigAndHelpForEveryParameter() {
        List<Class<?>> bound = dataBoundClasses(classesRoot, STEPS_PACKAGE);
        assertThat(bound).as("@DataBoundConstructor classes found under " + classesRoot)
                .contains(VerifyHealthStep.class, HttpCheck.class, TcpCheck.class, PostgresCheck.class, RedisCheck.class, CommandCheck.class);

        HelpFileChecker checker = new HelpFileChecker(path -> read(resourcesRoot, path));
        List<String> problems = new ArrayList<>();
        for (Class<?> c : bound) {
            problems.addAll(checker.check(c));
        }
        assertThat(problems).as("help and form files under " + resourcesRoot + " for " + bound.size() + " classes").isEmpty();
    }

    @Test
    void checkerFindsEveryPropertyOfAFakeClass() {
        assertThat(HelpFileChecker.properties(FakeCheck.class))
                .containsExactlyInAnyOrder("url", "port", "retries", "label", "name");
    }

    @Test
    void checkerAcceptsACompleteFakeClass() {
        assertThat(new HelpFileChecker(complete()::get).check(FakeCheck.class)).isEmpty();
    }

    @Test
    void inheritedPropertyMayBeDocumentedInTheConcreteClass() {
        Map<String, String> files = complete();
        files.remove(dir(FakeBase.class) + "help-name.html");
        files.put(dir(FakeCheck.class) + "help-name.html", "<div>Name in the concrete class.</div>");
        assertThat(new HelpFileChecker(files::get).check(FakeCheck.class)).isEmpty();
    }

    static Stream<Arguments> brokenFakes() {
        String own = dir(FakeCheck.class);
        return Stream.of(
                Arguments.of("constructor parameter without help", remove(own + "help-port.html"), "help-port.html"),
                Arguments.of("setter without help", remove(own + "help-retries.html"), "help-retries.html"),
                Arguments.of("field setter without help", remove(own + "help-label.html"), "help-label.html"),
                Arguments.of("inherited setter without help anywhere", remove(dir(FakeBase.class) + "help-name.html"), "help-name.html"),
                Arguments.of("no help.html", remove(own + "help.html"), "help.html"),
                Arguments.of("no config.jelly", remove(own + "config.jelly"), "config.jelly"),
                Arguments.of("config.jelly names a missing property",
                        put(own + "config.jelly", jelly("url", "port", "retries", "label", "name", "retry")), "'retry'"),
                Arguments.of("config.jelly is not XML", put(own + "config.jelly", "<j:jelly><f:entry field='url'>"), "config.jelly"),
                Arguments.of("help file not wrapped in <div>", put(own + "help-url.html", "<p>URL</p>"), "help-url.html"),
                Arguments.of("empty help file", put(own + "help.html", "  "), "help.html"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFakes")
    void checkerReportsEachKindOfProblem(String what, Consumer<Map<String, String>> breakIt, String expected) {
        Map<String, String> files = complete();
        breakIt.accept(files);
        List<String> problems = new HelpFileChecker(files::get).check(FakeCheck.class);
        assertThat(problems).as(what).hasSize(1);
        assertThat(problems.get(0)).as(what).contains("FakeCheck").contains(expected);
    }

    @Test
    void scanFindsClassesInSubpackagesAndSkipsClassesWithoutDataBoundConstructor() {
        List<Class<?>> bound = dataBoundClasses(classesRoot, STEPS_PACKAGE);
        assertThat(bound).contains(HttpCheck.class)
                .noneMatch(c -> c.getSimpleName().equals("HealthCheck") || c.getSimpleName().equals("DescriptorImpl"));
    }

    // ---- the checker ----

    /** Reports missing or inconsistent help and form files of one class; resources are read by path. */
    static final class HelpFileChecker {
        private final Function<String, String> resources;

        /** @param resources the text of a resource such as {@code a/b/C/help.html}, or null when there is none */
        HelpFileChecker(Function<String, String> resources) {
            this.resources = resources;
        }

        List<String> check(Class<?> c) {
            List<String> problems = new ArrayList<>();
            String who = c.getName().substring(c.getPackageName().length() + 1);
            Set<String> properties;
            try {
                properties = properties(c);
            } catch (IllegalStateException e) {
                return List.of(who + ": " + e.getMessage());
            }
            String own = dir(c);
            helpFile(who, own + "help.html", problems, true);
            String config = resources.apply(own + "config.jelly");
            if (config == null) {
                problems.add(who + ": no " + own + "config.jelly (the form of its parameters in the Snippet Generator)");
            } else {
                for (String field : fields(who, config, problems)) {
                    if (!properties.contains(field)) {
                        problems.add(who + ": " + own + "config.jelly has field='" + field + "', which is no @DataBoundConstructor "
                                + "parameter or @DataBoundSetter property; properties are " + properties);
                    }
                }
            }
            for (String property : properties) {
                String file = "help-" + property + ".html";
                List<String> looked = new ArrayList<>();
                boolean found = false;
                for (Class<?> k = c; k != null && k != Object.class && !found; k = k.getSuperclass()) {
                    looked.add(dir(k));
                    found = helpFile(who, dir(k) + file, problems, false);
                }
                if (!found) {
                    problems.add(who + ": no " + file + " for property '" + property + "' (looked in " + String.join(", ", looked) + ")");
                }
            }
            return problems;
        }

        /** Checks a help file's shape; returns whether it exists. A missing file is a problem only when {@code required}. */
        private boolean helpFile(String who, String path, List<String> problems, boolean required) {
            String text = resources.apply(path);
            if (text == null) {
                if (required) {
                    problems.add(who + ": no " + path);
                }
                return false;
            }
            String t = text.strip();
            if (!t.startsWith("<div") || !t.endsWith("</div>")) {
                problems.add(who + ": " + path + " is " + (t.isEmpty() ? "empty" : "not an HTML fragment wrapped in <div>…</div>"));
            }
            return true;
        }

        /** Constructor parameters and setter properties, in declaration order, the inherited ones last. */
        static Set<String> properties(Class<?> c) {
            Set<String> names = new LinkedHashSet<>();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (k.isAnnotationPresent(DataBoundConstructor.class)) {
                    for (Parameter p : k.getParameters()) {
                        if (!p.isNamePresent()) {
                            throw new IllegalStateException("constructor parameter names are not in the class file; compile with -parameters");
                        }
                        names.add(p.getName());
                    }
                }
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Method m : k.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(DataBoundSetter.class) && !m.isBridge()) {
                        if (!m.getName().startsWith("set") || m.getName().length() == 3) {
                            throw new IllegalStateException("@DataBoundSetter method " + m.getName() + " is not named setXxx");
                        }
                        names.add(Introspector.decapitalize(m.getName().substring(3)));
                    }
                }
                for (Field f : k.getDeclaredFields()) {
                    if (f.isAnnotationPresent(DataBoundSetter.class)) {
                        names.add(f.getName());
                    }
                }
            }
            return names;
        }

        /** Every {@code field="..."} attribute in a Jelly file. */
        private static List<String> fields(String who, String jelly, List<String> problems) {
            Document doc;
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                DocumentBuilder b = f.newDocumentBuilder();
                b.setErrorHandler(new DefaultHandler()); // no "[Fatal Error]" lines on stderr; errors still throw
                doc = b.parse(new ByteArrayInputStream(jelly.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                problems.add(who + ": config.jelly is not well-formed XML (" + e.getMessage() + ")");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            NodeList all = doc.getElementsByTagName("*");
            for (int i = 0; i < all.getLength(); i++) {
                Element e = (Element) all.item(i);
                if (e.hasAttribute("field")) {
                    out.add(e.getAttribute("field"));
                }
            }
            return out;
        }
    }

    /** Where Jenkins looks for a class's views and help: the class name as a path, nested classes with '$'. */
    static String dir(Class<?> c) {
        return c.getName().replace('.', '/') + "/";
    }

    // ---- scanning the compiled classes ----

    static List<Class<?>> dataBoundClasses(Path root, String packageName) {
        Path pkg = root.resolve(packageName.replace('.', '/'));
        assertThat(Files.isDirectory(pkg)).as(pkg + " exists").isTrue();
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(pkg)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".class")).sorted().collect(Collectors.toList())) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                if (name.endsWith("package-info") || name.endsWith("module-info")) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, HelpFilesTest.class.getClassLoader());
                if (Stream.of(c.getDeclaredConstructors()).anyMatch(k -> k.isAnnotationPresent(DataBoundConstructor.class))) {
                    out.add(c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static String read(Path root, String path) {
        Path p = root.resolve(path);
        try {
            return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- a fake describable and its files ----

    /** Stands for HealthCheck: an abstract base with an inherited setter. */
    public abstract static class FakeBase {
        @DataBoundSetter
        public void setName(String name) {
        }
    }

    /** Stands for a check: constructor parameters, a setter, a field setter and the inherited name. */
    public static class FakeCheck extends FakeBase {
        @DataBoundSetter
        public String label;

        @DataBoundConstructor
        public FakeCheck(String url, int port) {
        }

        @DataBoundSetter
        public void setRetries(int retries) {
        }

        public void setNotBound(String ignored) {
        }
    }

    private static Map<String, String> complete() {
        String own = dir(FakeCheck.class);
        Map<String, String> files = new LinkedHashMap<>();
        files.put(own + "config.jelly", jelly("url", "port", "retries", "label", "name"));
        files.put(own + "help.html", "<div>A fake check.</div>");
        for (String p : List.of("url", "port", "retries", "label")) {
            files.put(own + "help-" + p + ".html", "<div>\n  <p>About " + p + ".</p>\n</div>\n");
        }
        files.put(dir(FakeBase.class) + "help-name.html", "<div>The name, documented once in the base class.</div>");
        return files;
    }

    private static String jelly(String... fields) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?jelly escape-by-default='true'?>\n"
                + "<j:jelly xmlns:j=\"jelly:core\" xmlns:f=\"/lib/form\">\n");
        for (String f : fields) {
            sb.append("  <f:entry field=\"").append(f).append("\" title=\"${%").append(f).append("}\"><f:textbox/></f:entry>\n");
        }
        return sb.append("</j:jelly>\n").toString();
    }

    private static Consumer<Map<String, String>> remove(String path) {
        return files -> assertThat(files.remove(path)).as(path).isNotNull();
    }

    private static Consumer<Map<String, String>> put(String path, String text) {
        return files -> files.put(path, text);
    }
}
