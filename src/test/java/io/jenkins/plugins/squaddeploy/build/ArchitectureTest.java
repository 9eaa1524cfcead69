package io.jenkins.plugins.squaddeploy.build;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boundaries that keep the engine usable without Jenkins (CLI, tests) and the Jenkins layer thin:
 * the engine imports no Jenkins type; step adapters do no network, process, JSON, SQL or thread work
 * themselves (that is engine logic); the CLI does not depend on the Jenkins adapters.
 */
class ArchitectureTest {
    private static final String ROOT = "io.jenkins.plugins.squaddeploy";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
        assertThat(classes.stream().filter(c -> c.getPackageName().startsWith(ROOT + ".engine")).count())
                .as("engine classes imported").isGreaterThan(10);
        assertThat(classes.stream().filter(c -> c.getPackageName().startsWith(ROOT + ".steps")).count())
                .as("step classes imported").isGreaterThan(5);
    }

    static final ArchRule ENGINE_KNOWS_NO_JENKINS = noClasses().that().resideInAPackage(ROOT + ".engine..")
            .should().dependOnClassesThat().resideInAnyPackage("hudson..", "jenkins..", "org.jenkinsci..", "com.cloudbees..", "org.kohsuke..",
                    ROOT + ".steps..", ROOT + ".cli..")
            .because("the engine runs without Jenkins (CLI, tests) and must not import Jenkins types");

    static final ArchRule ADAPTERS_ONLY_TRANSLATE = noClasses().that().resideInAPackage(ROOT + ".steps..")
            .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.sql..", "java.net.http..", "java.nio.file..",
                    "com.fasterxml.jackson..", "com.jayway.jsonpath..", "org.postgresql..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.concurrent.ExecutorService.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.concurrent.Executors.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(Thread.class.getName())
            .because("step adapters translate parameters and Jenkins context; network, process, JSON and concurrency work is engine logic");

    static final ArchRule CLI_IS_NOT_JENKINS = noClasses().that().resideInAPackage(ROOT + ".cli..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".steps..", "hudson..", "jenkins..", "org.jenkinsci..", "com.cloudbees..")
            .because("the CLI is for the day Jenkins is down");

    @Test
    void engineImportsNoJenkinsType() {
        ENGINE_KNOWS_NO_JENKINS.check(classes);
    }

    @Test
    void stepAdaptersHoldNoEngineLogic() {
        ADAPTERS_ONLY_TRANSLATE.check(classes);
    }

    @Test
    void cliDoesNotDependOnJenkins() {
        CLI_IS_NOT_JENKINS.check(classes);
    }

    @Test
    void rulesCatchViolations() {
        // The rules must be able to fail: a test class that uses the network from the steps package
        // and one that imports hudson from the engine package.
        JavaClasses bad = new ClassFileImporter().importClasses(BadAdapterSample.class, BadEngineSample.class);
        EvaluationResult adapter = noClasses().that().haveSimpleName("BadAdapterSample")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..").evaluate(bad);
        assertThat(adapter.hasViolation()).isTrue();
        EvaluationResult engine = noClasses().that().haveSimpleName("BadEngineSample")
                .should().dependOnClassesThat().resideInAnyPackage("hudson..").evaluate(bad);
        assertThat(engine.hasViolation()).isTrue();
    }

    static final class BadAdapterSample {
        java.net.URI uri() {
            return java.net.URI.create("http://127.0.0.1/");
        }
    }

    static final class BadEngineSample {
        hudson.AbortException error() {
            return new hudson.AbortException("x");
        }
    }
}
