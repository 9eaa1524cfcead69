package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Keeps src/jenkins/pom.xml (the real .hpi build, which cannot run here) consistent with versions.md and with the root
 * pom: right parent, core line and BOM, Jenkins repositories, the root's sources, and every library the root ships.
 */
class JenkinsProfilePomTest {

    private static final Path ROOT = Path.of(System.getProperty("squad.repo.root", ".")).toAbsolutePath().normalize();
    private static final Path JENKINS_POM = ROOT.resolve("src/jenkins/pom.xml");
    private static final Path ROOT_POM = ROOT.resolve("pom.xml");
    private static final Path VERSIONS = ROOT.resolve("src/test/resources/jenkins-api/versions.md");
    private static final String JENKINS_REPO = "https://repo.jenkins-ci.org/public/";

    private static Pom jenkins;
    private static Pom root;
    private static String versionsMd;

    @BeforeAll
    static void read() throws Exception {
        jenkins = Pom.read(JENKINS_POM);
        root = Pom.read(ROOT_POM);
        versionsMd = Files.readString(VERSIONS, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------ versions.md

    /** The version column of the versions.md table row naming {@code coordinates}. */
    private static String tableVersion(String coordinates) {
        for (String line : versionsMd.split("\n")) {
            if (line.startsWith("|") && line.contains("`" + coordinates + "`")) {
                String[] cells = line.split("\\|");
                String cell = cells[3].replace("*", "").strip();
                return cell.split("\\s")[0];
            }
        }
        throw new AssertionError("no row for " + coordinates + " in " + VERSIONS);
    }

    private static Matcher recommended() {
        Matcher m = Pattern.compile("Recommended: jenkins\\.baseline `([^`]+)`, jenkins\\.version `([^`]+)`, "
                + "BOM `io\\.jenkins\\.tools\\.bom:(bom-[^:`]+):([^`]+)`").matcher(versionsMd);
        assertThat(m.find()).as("the 'Recommended' line of versions.md").isTrue();
        return m;
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    void parentIsThePluginPomFromVersionsMd() {
        Element parent = jenkins.child(jenkins.project, "parent").orElseThrow();
        assertThat(jenkins.text(parent, "groupId")).isEqualTo("org.jenkins-ci.plugins");
        assertThat(jenkins.text(parent, "artifactId")).isEqualTo("plugin");
        assertThat(jenkins.text(parent, "version")).isEqualTo(tableVersion("org.jenkins-ci.plugins:plugin"))
                .isEqualTo("6.2221.va_045130417c9");
        assertThat(jenkins.child(parent, "relativePath")).as("empty <relativePath/>").hasValueSatisfying(
                e -> assertThat(e.getTextContent()).isBlank());
    }

    @Test
    void coreLineAndBomMatchVersionsMd() {
        Matcher rec = recommended();
        assertThat(jenkins.property("jenkins.baseline")).isEqualTo(rec.group(1)).isEqualTo("2.541");
        assertThat(jenkins.property("jenkins.version")).isEqualTo(rec.group(2)).isEqualTo("2.541.3");

        List<Dependency> managed = jenkins.dependencies("dependencyManagement");
        Dependency bom = managed.stream().filter(d -> d.groupId.equals("io.jenkins.tools.bom")).findFirst()
                .orElseThrow(() -> new AssertionError("no io.jenkins.tools.bom import in " + JENKINS_POM));
        assertThat(bom.artifactId).isEqualTo(rec.group(3)).isEqualTo("bom-2.541.x");
        assertThat(bom.version).isEqualTo(rec.group(4)).isEqualTo(tableVersion("io.jenkins.tools.bom:bom-2.541.x"));
        assertThat(bom.type).isEqualTo("pom");
        assertThat(bom.scope).isEqualTo("import");
    }

    @Test
    void coordinatesAndPackaging() {
        assertThat(jenkins.text(jenkins.project, "groupId")).isEqualTo("io.jenkins.plugins");
        assertThat(jenkins.text(jenkins.project, "artifactId")).isEqualTo("squad-deploy");
        assertThat(jenkins.text(jenkins.project, "packaging")).isEqualTo("hpi");
        assertThat(jenkins.text(jenkins.project, "version")).isEqualTo(root.text(root.project, "version"));
    }

    @Test
    void resolvesFromTheJenkinsRepository() {
        assertThat(jenkins.urls("repositories", "repository")).contains(JENKINS_REPO);
        assertThat(jenkins.urls("pluginRepositories", "pluginRepository")).contains(JENKINS_REPO);
    }

    @Test
    void buildsTheRootSources() throws IOException {
        Element build = jenkins.child(jenkins.project, "build").orElseThrow();
        assertThat(jenkins.path(jenkins.text(build, "sourceDirectory"))).isEqualTo(ROOT.resolve("src/main/java"));
        Element resources = jenkins.child(build, "resources").orElseThrow();
        List<Path> resourceDirs = jenkins.children(resources, "resource").stream()
                .map(r -> jenkins.path(jenkins.text(r, "directory"))).collect(Collectors.toList());
        assertThat(resourceDirs).containsExactly(ROOT.resolve("src/main/resources"));

        // The stand-in tests cannot run against real Jenkins: no test sources for this build.
        Path tests = jenkins.path(jenkins.text(build, "testSourceDirectory"));
        assertThat(tests).isNotEqualTo(ROOT.resolve("src/test/java"));
        if (Files.exists(tests)) {
            try (Stream<Path> files = Files.walk(tests)) {
                assertThat(files.filter(p -> p.toString().endsWith(".java"))).isEmpty();
            }
        }
    }

    @Test
    void declaresEveryLibraryTheRootShips() {
        Map<String, Dependency> declared = jenkins.dependencies("dependencies").stream()
                .collect(Collectors.toMap(Dependency::key, d -> d));
        List<Dependency> shipped = root.dependencies("dependencies").stream()
                .filter(d -> d.scope == null || d.scope.equals("compile") || d.scope.equals("runtime"))
                .collect(Collectors.toList());
        assertThat(shipped).extracting(Dependency::key).contains("com.fasterxml.jackson.core:jackson-databind",
                "com.jayway.jsonpath:json-path", "info.picocli:picocli", "org.postgresql:postgresql");

        for (Dependency lib : shipped) {
            Dependency mine = declared.get(lib.key());
            if (mine == null && lib.groupId.startsWith("com.fasterxml.jackson")) {
                // Jackson may come from the jackson2-api library plugin (version from the BOM) instead.
                mine = declared.get("org.jenkins-ci.plugins:jackson2-api");
                assertThat(mine).as(lib.key() + " or org.jenkins-ci.plugins:jackson2-api in " + JENKINS_POM).isNotNull();
                assertThat(mine.version).as("jackson2-api version comes from the BOM").isNull();
                continue;
            }
            if (mine == null && lib.groupId.equals("io.fabric8")) {
                // The fabric8 Kubernetes client comes from the kubernetes-client-api library plugin (version from the BOM).
                mine = declared.get("org.jenkins-ci.plugins:kubernetes-client-api");
                assertThat(mine).as(lib.key() + " or org.jenkins-ci.plugins:kubernetes-client-api in " + JENKINS_POM).isNotNull();
                assertThat(mine.version).as("kubernetes-client-api version comes from the BOM").isNull();
                continue;
            }
            assertThat(mine).as(lib.key() + " in " + JENKINS_POM).isNotNull();
            assertThat(mine.version).as(lib.key() + " version").isEqualTo(lib.version);
            assertThat(mine.scope == null || mine.scope.equals("compile") || mine.scope.equals("runtime"))
                    .as(lib.key() + " is bundled (compile/runtime scope)").isTrue();
            assertThat(mine.exclusions).as(lib.key() + " exclusions").containsAll(lib.exclusions);
        }
    }

    @Test
    void dependsOnThePluginsItsApiComesFrom() {
        Map<String, Dependency> declared = jenkins.dependencies("dependencies").stream()
                .collect(Collectors.toMap(Dependency::key, d -> d));
        for (String plugin : List.of("org.jenkins-ci.plugins.workflow:workflow-step-api",
                "org.jenkins-ci.plugins:credentials", "org.jenkins-ci.plugins:plain-credentials",
                "org.jenkins-ci.plugins:structs")) {
            Dependency d = declared.get(plugin);
            assertThat(d).as(plugin + " in " + JENKINS_POM).isNotNull();
            assertThat(d.version).as(plugin + " version comes from the BOM").isNull();
            assertThat(d.scope).as(plugin + " scope").isNull();
        }
    }

    // ------------------------------------------------------------------------------------------ pom reading

    private record Dependency(String groupId, String artifactId, String version, String type, String scope,
                              Set<String> exclusions) {
        String key() {
            return groupId + ":" + artifactId;
        }
    }

    /** A pom read with the DOM, with {@code ${property}} resolution (its own properties and project.basedir). */
    private static final class Pom {
        final Path file;
        final Element project;
        final Map<String, String> properties = new HashMap<>();

        private Pom(Path file, Element project) {
            this.file = file;
            this.project = project;
            child(project, "properties").ifPresent(props -> {
                for (Element p : children(props, null)) {
                    properties.put(p.getTagName(), p.getTextContent().strip());
                }
            });
            properties.put("project.basedir", file.getParent().toString());
            properties.put("basedir", file.getParent().toString());
        }

        static Pom read(Path file) throws Exception {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            return new Pom(file, factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement());
        }

        String property(String name) {
            String raw = properties.get(name);
            return raw == null ? null : resolve(raw);
        }

        String resolve(String value) {
            if (value == null) {
                return null;
            }
            Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String replacement = properties.containsKey(m.group(1)) ? resolve(properties.get(m.group(1))) : m.group();
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(sb);
            return sb.toString();
        }

        Path path(String value) {
            Path p = Path.of(value);
            return (p.isAbsolute() ? p : file.getParent().resolve(p)).normalize();
        }

        Optional<Element> child(Element parent, String name) {
            return children(parent, name).stream().findFirst();
        }

        List<Element> children(Element parent, String name) {
            List<Element> r = new ArrayList<>();
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                    r.add(e);
                }
            }
            return r;
        }

        /** Resolved text of a direct child element, or null. */
        String text(Element parent, String name) {
            return child(parent, name).map(e -> resolve(e.getTextContent().strip())).orElse(null);
        }

        /** The project's own dependencies ("dependencies") or its dependencyManagement ones. */
        List<Dependency> dependencies(String section) {
            Optional<Element> container = section.equals("dependencyManagement")
                    ? child(project, "dependencyManagement").flatMap(dm -> child(dm, "dependencies"))
                    : child(project, "dependencies");
            List<Dependency> r = new ArrayList<>();
            container.ifPresent(c -> {
                for (Element d : children(c, "dependency")) {
                    Set<String> exclusions = new TreeSet<>();
                    child(d, "exclusions").ifPresent(ex -> children(ex, "exclusion").forEach(
                            e -> exclusions.add(text(e, "groupId") + ":" + text(e, "artifactId"))));
                    r.add(new Dependency(text(d, "groupId"), text(d, "artifactId"), text(d, "version"),
                            text(d, "type"), text(d, "scope"), exclusions));
                }
            });
            return r;
        }

        List<String> urls(String section, String entry) {
            return child(project, section).map(s -> children(s, entry).stream().map(e -> text(e, "url"))
                    .collect(Collectors.toList())).orElse(List.of());
        }
    }
}
