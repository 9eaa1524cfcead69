package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after {@code package} (failsafe): the built jar must not ship any stand-in class, because at run time Jenkins
 * core and the plugins provide the real ones. System properties (set in the pom): {@code squad.artifact} = the jar,
 * {@code squad.repo.root} = the project directory.
 */
class ArtifactContentIT {

    private static final String PLUGIN_PACKAGE = "io/jenkins/plugins/squaddeploy/";

    @Test
    void jarHoldsPluginClassesButNoStandInClass() throws IOException {
        Path jar = Path.of(requiredProperty("squad.artifact"));
        Path standIn = Path.of(requiredProperty("squad.repo.root")).resolve("src/standin/java");
        assertThat(jar).as("built artifact").isRegularFile();

        Set<String> standInTypes = standInBinaryNames(standIn);
        assertThat(standInTypes).as("types declared under " + standIn).contains("hudson.FilePath", "hudson.Launcher$ProcStarter");

        List<String> leaked = new ArrayList<>();
        int pluginClasses = 0;
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = jarFile.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                if (name.startsWith(PLUGIN_PACKAGE)) {
                    pluginClasses++;
                }
                String binaryName = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                String outer = binaryName.contains("$") ? binaryName.substring(0, binaryName.indexOf('$')) : binaryName;
                // the declared type itself, or anything compiled inside a stand-in top-level type ($1, lambdas, ...)
                if (standInTypes.contains(binaryName) || standInTypes.contains(outer)) {
                    leaked.add(name);
                }
            }
        }
        if (!leaked.isEmpty()) {
            fail(jar + " contains stand-in classes (they must come from Jenkins at run time):\n  "
                    + String.join("\n  ", leaked));
        }
        assertThat(pluginClasses).as("classes under " + PLUGIN_PACKAGE + " in " + jar).isPositive();
    }

    private static String requiredProperty(String key) {
        String value = System.getProperty(key);
        assertThat(value).as("system property " + key).isNotBlank();
        return value;
    }

    /** Binary names (Outer$Inner) of every type declared in the stand-in sources. */
    private static Set<String> standInBinaryNames(Path root) throws IOException {
        JavaParser parser = new JavaParser(
                new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17));
        Set<String> names = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        for (Path file : files) {
            ParseResult<CompilationUnit> r = parser.parse(Files.readString(file, StandardCharsets.UTF_8));
            CompilationUnit cu = r.getResult().orElseThrow(() -> new IllegalStateException(file + ": " + r.getProblems()));
            String pkg = cu.getPackageDeclaration().map(p -> p.getNameAsString() + ".").orElse("");
            for (TypeDeclaration<?> t : cu.getTypes()) {
                collect(t, pkg + t.getNameAsString(), names);
            }
        }
        return names;
    }

    private static void collect(TypeDeclaration<?> type, String binaryName, Set<String> names) {
        names.add(binaryName);
        for (BodyDeclaration<?> member : type.getMembers()) {
            if (member instanceof TypeDeclaration<?> nested) {
                collect(nested, binaryName + "$" + nested.getNameAsString(), names);
            }
        }
    }
}
