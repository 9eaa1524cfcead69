package io.jenkins.plugins.squaddeploy.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Polices the Jenkins API stand-in (src/standin/java): every public/protected declaration in it must be a real
 * Jenkins declaration from src/test/resources/jenkins-api/signatures.txt (see {@link StandInSignatureChecker} for the
 * exact rules). The other tests feed the checker deliberately wrong sources to show that it does fail.
 */
class StandInSignatureTest {

    private static final Path ROOT = Path.of(System.getProperty("squad.repo.root", ".")).toAbsolutePath().normalize();
    private static final Path SIGNATURES = ROOT.resolve("src/test/resources/jenkins-api/signatures.txt");
    private static final Path STAND_IN = ROOT.resolve("src/standin/java");

    private static StandInSignatureChecker checker;

    @BeforeAll
    static void load() {
        checker = StandInSignatureChecker.fromFile(SIGNATURES);
    }

    private static List<StandInSignatureChecker.Problem> check(String source) {
        return StandInSignatureChecker.fromFile(SIGNATURES).checkSource("Test.java", source);
    }

    private static String describe(List<StandInSignatureChecker.Problem> problems) {
        return problems.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void everyStandInDeclarationIsInSignatures() {
        StandInSignatureChecker tree = StandInSignatureChecker.fromFile(SIGNATURES);
        List<StandInSignatureChecker.Problem> problems = tree.checkTree(STAND_IN);
        tree.notes().forEach(note -> System.out.println("[stand-in] " + note));
        assertThat(tree.declaredTypes()).as("types found under " + STAND_IN).contains("hudson.FilePath", "hudson.model.Run");
        assertThat(tree.checkedDeclarations()).as("declarations compared").isGreaterThan(tree.declaredTypes().size());
        System.out.println("[stand-in] " + tree.declaredTypes().size() + " types, " + tree.checkedDeclarations()
                + " declarations checked against " + SIGNATURES.getFileName());
        if (!problems.isEmpty()) {
            fail(problems.size() + " stand-in declaration(s) have no matching line in " + SIGNATURES + ":\n"
                    + describe(problems));
        }
    }

    @Test
    void signatureFileIsReadAsItsIndexSays() throws IOException {
        // The header lists "<fqn> <- [source] filter (N lines)" for every type: the parser must find exactly those.
        Pattern entry = Pattern.compile("^#\\s+(\\S+) <- \\[\\w+\\] \\w+ \\((\\d+) lines\\)$");
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SIGNATURES, StandardCharsets.UTF_8)) {
            Matcher m = entry.matcher(line);
            if (m.matches()) {
                index.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        assertThat(index).hasSizeGreaterThan(50);
        assertThat(checker.signatureTypes()).containsExactlyInAnyOrderElementsOf(index.keySet());
        index.forEach((fqn, lines) -> assertThat(checker.lineCount(fqn)).as(fqn).isEqualTo(lines));
    }

    @Test
    void reportsMemberMissingFromSignatures() {
        List<StandInSignatureChecker.Problem> problems = check("""
                package hudson.model;

                import java.io.Serializable;

                public final class Result implements Serializable {
                    private Result() {
                    }

                    public String foo() {
                        return null;
                    }
                }
                """);
        assertThat(problems).as(describe(problems)).hasSize(1);
        assertThat(problems.get(0).location()).isEqualTo("Test.java:9");
        assertThat(problems.get(0).declaration()).isEqualTo("public String foo ( )");
    }

    @Test
    void reportsTheBriefsDeliberatelyWrongResult() {
        List<StandInSignatureChecker.Problem> problems = check(
                "package hudson.model; public class Result { public String foo() { return null; } }");
        String all = describe(problems);
        assertThat(all).contains("header does not match", "public String foo ( )",
                "implicit default constructor of hudson.model.Result");
    }

    @Test
    void reportsTopLevelTypesWithoutLines() {
        assertThat(describe(check("package hudson.model; public class Bogus { }")))
                .contains("top-level type hudson.model.Bogus has no lines");
        assertThat(describe(check("package hudson; class Helper { }")))
                .contains("top-level type hudson.Helper has no lines");
        assertThat(describe(check("package hudson; public class Util { public static class Extra { } }")))
                .contains("type hudson.Util.Extra has no lines");
    }

    @Test
    void acceptsNormalisedAndReducedDeclarations() {
        // comments, whitespace, final parameters, ignorable annotations, initial values, omitted annotations
        // (@QuickSilver) and omitted supertypes (StaplerOverridable, ...) are all fine; private members are free.
        List<StandInSignatureChecker.Problem> problems = check("""
                package hudson.model;

                import hudson.ExtensionPoint;

                /** Javadoc. */
                public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>>
                        extends AbstractItem implements ExtensionPoint {
                    private int helper;

                    @Override
                    public RunT getBuildByNumber(final int n) {
                        return null; // whatever
                    }

                    public   RunT   getLastBuild() { return null; }

                    private void free(String anything) { }
                }
                """);
        assertThat(problems).as(describe(problems)).isEmpty();

        problems = check("""
                package hudson.model;

                import java.io.Serializable;

                public final class Result implements Serializable {
                    public static final Result SUCCESS = new Result(0);
                    public final int ordinal;

                    private Result(int ordinal) { this.ordinal = ordinal; }

                    @SuppressWarnings("unused")
                    public static Result fromString(String s) { return SUCCESS; }
                }
                """);
        assertThat(problems).as(describe(problems)).isEmpty();
    }

    @Test
    void rejectsAddedAnnotationsSupertypesAndModifiers() {
        String addedAnnotation = describe(check("""
                package hudson.model;
                public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends AbstractItem {
                    @Deprecated
                    public RunT getLastBuild() { return null; }
                }
                """));
        assertThat(addedAnnotation).contains("@ Deprecated public RunT getLastBuild ( )");

        String addedSupertype = describe(check("""
                package hudson;
                import java.io.IOException;
                import java.io.Serializable;
                public class AbortException extends IOException implements Serializable {
                    public AbortException() { }
                }
                """));
        assertThat(addedSupertype).contains("implements [Serializable] is not a subset of []");

        String missingStatic = describe(check("""
                package hudson.model;
                import java.io.Serializable;
                public final class Result implements Serializable {
                    private Result() { }
                    public Result fromString(String s) { return null; }
                }
                """));
        assertThat(missingStatic).contains("public Result fromString ( String s )");

        String wrongThrows = describe(check("""
                package hudson;
                import java.io.IOException;
                public abstract class Proc {
                    protected Proc() { }
                    public abstract int join() throws IOException;
                }
                """));
        assertThat(wrongThrows).contains("public abstract int join ( ) throws IOException");
    }

    @Test
    void rejectsImportsThatResolveElsewhere() {
        // In remoting, callAsync returns hudson.remoting.Future (same package), not java.util.concurrent.Future.
        String problems = describe(check("""
                package hudson.remoting;

                import java.io.IOException;
                import java.util.concurrent.Future;

                public interface VirtualChannel {
                    <V, T extends Throwable> Future<V> callAsync(Callable<V, T> callable) throws IOException;
                }
                """));
        assertThat(problems).contains("Future is imported as java.util.concurrent.Future but signatures.txt resolves it"
                + " to the same package or java.lang");
        assertThat(problems).as("the declaration itself matches textually").doesNotContain("no matching line");

        String missingImport = describe(check("""
                package hudson;
                public class AbortException extends IOException {
                    public AbortException() { }
                }
                """));
        assertThat(missingImport).contains("IOException must be imported as java.io.IOException");
    }

    @Test
    void rejectsUndeclaredImplicitConstructor() {
        // Jenkins' Proc has "protected Proc()": an implicit public one would be an API Jenkins does not have.
        String problems = describe(check("""
                package hudson;
                public abstract class Proc {
                }
                """));
        assertThat(problems).contains("implicit default constructor of hudson.Proc");
        // ... while a '#' implicit-constructor line allows it (Util has no constructor in source).
        assertThat(check("package hudson; public class Util { }")).isEmpty();
    }
}
