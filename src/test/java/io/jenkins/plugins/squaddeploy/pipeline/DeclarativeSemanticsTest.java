package io.jenkins.plugins.squaddeploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.TestCredentials;
import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import hudson.model.Result;
import io.jenkins.plugins.squaddeploy.pipeline.PipelineRun.StageStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The declarative emulation itself, on small inline pipelines: what Jenkins does with a failing stage, the order
 * and conditions of {@code post}, {@code when}, {@code input}, {@code agent none}, credentials in
 * {@code environment}, options/parameters/triggers, timeouts and the CPS serialization check.
 */
@Timeout(120)
class DeclarativeSemanticsTest {

    @AfterEach
    void clearCredentials() {
        TestCredentials.clear();
    }

    static void assertResult(PipelineRun run, Result expected) {
        assertThat(run.result()).as("result of the build; its console:%n%s", run.console()).isEqualTo(expected);
    }

    private static String lastLine(PipelineRun run) {
        List<String> lines = run.consoleLines();
        return lines.get(lines.size() - 2); // the log ends with a newline
    }

    @Test
    void aFailingStageFailsTheBuildSkipsTheRestAndThenRunsPost() {
        PipelineRun run = new PipelineHarness().runScript("""
                pipeline {
                    agent any
                    stages {
                        stage('Build') { steps { echo 'building' } }
                        stage('Test') { steps { error 'tests are red' } }
                        stage('Deploy') { steps { echo 'SHOULD NOT RUN' } }
                    }
                    post {
                        success { echo 'post: success' }
                        failure { echo "post: failure, currentBuild.result=${currentBuild.result}" }
                        always { echo 'post: always' }
                    }
                }
                """);

        assertResult(run, Result.FAILURE);
        assertThat(run.stages()).containsExactly(
                new PipelineRun.StageRecord("Build", StageStatus.RAN),
                new PipelineRun.StageRecord("Test", StageStatus.FAILED),
                new PipelineRun.StageRecord("Deploy", StageStatus.SKIPPED_FOR_FAILURE));
        String log = run.console();
        assertThat(log).contains("[Pipeline] { (Test)\n[Pipeline] error\n[Pipeline] }\n[Pipeline] // stage")
                .contains("[Pipeline] { (Deploy)\nStage \"Deploy\" skipped due to earlier failure(s)\n[Pipeline] }")
                .doesNotContain("SHOULD NOT RUN")
                .contains("[Pipeline] { (Declarative: Post Actions)")
                .contains("post: failure, currentBuild.result=FAILURE")
                .doesNotContain("post: success");
        assertThat(log.indexOf("post: always")).isLessThan(log.indexOf("post: failure"));
        assertThat(run.postRuns()).containsExactly("pipeline:always", "pipeline:failure");
        // an AbortException (error step) ends the log with its message only, after the pipeline ended
        assertThat(log).contains("[Pipeline] End of Pipeline\nERROR: tests are red\nFinished: FAILURE\n").doesNotContain("\tat ");
        assertThat(lastLine(run)).isEqualTo("Finished: FAILURE");
    }

    @Test
    void postConditionsRunInJenkinsOrderEachAgainstTheResultAtThatMoment() {
        // declared out of order; 'always' fails, so the result is FAILURE by the time the others are checked
        PipelineRun run = new PipelineHarness().previousResult(Result.SUCCESS).buildNumber(7).runScript("""
                pipeline {
                    agent any
                    stages { stage('Only') { steps { echo 'fine' } } }
                    post {
                        cleanup { echo 'cleanup' }
                        unsuccessful { echo 'unsuccessful' }
                        unstable { echo 'unstable' }
                        success { echo 'success' }
                        failure { echo 'failure' }
                        aborted { echo 'aborted' }
                        regression { echo 'regression' }
                        fixed { echo 'fixed' }
                        changed { echo 'changed' }
                        always { error 'always broke' }
                    }
                }
                """);

        assertResult(run, Result.FAILURE);
        assertThat(run.postRuns()).containsExactly("pipeline:always", "pipeline:changed", "pipeline:regression", "pipeline:failure",
                "pipeline:unsuccessful", "pipeline:cleanup");
        assertThat(run.console()).contains("Error when executing always post condition:\nhudson.AbortException: always broke")
                .contains("ERROR: always broke\nFinished: FAILURE");

        PipelineRun fixed = new PipelineHarness().previousResult(Result.FAILURE).runScript("""
                pipeline {
                    agent any
                    stages { stage('Only') { steps { echo 'fine' } } }
                    post {
                        regression { echo 'regression' }
                        fixed { echo 'fixed' }
                        success { echo 'success' }
                        changed { echo 'changed' }
                        always { echo 'always' }
                    }
                }
                """);
        assertResult(fixed, Result.SUCCESS);
        assertThat(fixed.postRuns()).containsExactly("pipeline:always", "pipeline:changed", "pipeline:fixed", "pipeline:success");
    }

    @Test
    void stagePostSeesTheStageAndUnstableDoesNotStopLaterStagesUnlessAsked() {
        String pipeline = """
                pipeline {
                    agent any
                    %s
                    stages {
                        stage('Flaky') {
                            steps { unstable 'two tests flaked' }
                            post {
                                unstable { echo 'stage post: unstable' }
                                success { echo 'stage post: success' }
                            }
                        }
                        stage('After') { steps { echo 'after ran' } }
                    }
                }
                """;
        PipelineRun run = new PipelineHarness().runScript(pipeline.formatted(""));
        assertResult(run, Result.UNSTABLE);
        assertThat(run.console()).contains("WARNING: two tests flaked\nPost stage\n[Pipeline] echo\nstage post: unstable")
                .doesNotContain("stage post: success").contains("after ran").endsWith("Finished: UNSTABLE\n");
        assertThat(run.postRuns()).containsExactly("Flaky:unstable");

        PipelineRun skipping = new PipelineHarness().runScript(pipeline.formatted("options { skipStagesAfterUnstable() }"));
        assertResult(skipping, Result.UNSTABLE);
        assertThat(skipping.stage("After")).isEqualTo(StageStatus.SKIPPED_FOR_UNSTABLE);
        assertThat(skipping.console()).contains("Stage \"After\" skipped due to earlier stage(s) marking the build as unstable");
    }

    @Test
    void whenConditionsDecideWhichStagesRun() {
        PipelineRun run = new PipelineHarness().branch("main").param("RUN_SLOW", "false").env("DEPLOY_TO", "prod").runScript("""
                pipeline {
                    agent any
                    parameters { booleanParam(name: 'RUN_SLOW', defaultValue: true) }
                    stages {
                        stage('OnMain') { when { branch 'main' }; steps { echo 'main only' } }
                        stage('OnRelease') { when { branch 'release-*' }; steps { echo 'release only' } }
                        stage('Prod') { when { environment name: 'DEPLOY_TO', value: 'prod' }; steps { echo 'prod' } }
                        stage('Slow') { when { expression { return params.RUN_SLOW } }; steps { echo 'slow' } }
                        stage('NotMain') { when { not { branch 'main' } }; steps { echo 'not main' } }
                        stage('Any') { when { anyOf { branch 'dev'; environment name: 'DEPLOY_TO', value: 'prod' } }; steps { echo 'any' } }
                        stage('All') { when { allOf { branch 'main'; expression { env.DEPLOY_TO == 'staging' } } }; steps { echo 'all' } }
                        stage('BeforeAgent') { agent any; when { beforeAgent true; branch 'main' }; steps { echo 'before agent' } }
                    }
                }
                """);

        assertResult(run, Result.SUCCESS);
        assertThat(run.stages()).containsExactly(
                new PipelineRun.StageRecord("OnMain", StageStatus.RAN),
                new PipelineRun.StageRecord("OnRelease", StageStatus.SKIPPED_FOR_CONDITIONAL),
                new PipelineRun.StageRecord("Prod", StageStatus.RAN),
                new PipelineRun.StageRecord("Slow", StageStatus.SKIPPED_FOR_CONDITIONAL),
                new PipelineRun.StageRecord("NotMain", StageStatus.SKIPPED_FOR_CONDITIONAL),
                new PipelineRun.StageRecord("Any", StageStatus.RAN),
                new PipelineRun.StageRecord("All", StageStatus.SKIPPED_FOR_CONDITIONAL),
                new PipelineRun.StageRecord("BeforeAgent", StageStatus.RAN));
        assertThat(run.console()).contains("Stage \"OnRelease\" skipped due to when conditional").doesNotContain("release only")
                .doesNotContain("\nslow\n");
        assertThat(run.params()).containsEntry("RUN_SLOW", false);
    }

    @Test
    void inputIsRecordedAndTheTestApprovesOrAborts() {
        String pipeline = """
                pipeline {
                    agent any
                    stages {
                        stage('Deploy') {
                            input {
                                message 'Deploy to production?'
                                ok 'Ship it'
                                submitter 'alice,release-managers'
                                parameters { string(name: 'TICKET', defaultValue: 'CHG-0', description: 'Change ticket') }
                            }
                            steps { echo "deploying under ${TICKET}" }
                        }
                    }
                    post { aborted { echo 'post: aborted' } }
                }
                """;
        PipelineRun approved = new PipelineHarness()
                .onInput(req -> InputAnswer.approve("alice", Map.of("TICKET", "CHG-42"))).runScript(pipeline);
        assertResult(approved, Result.SUCCESS);
        assertThat(approved.inputs()).singleElement().satisfies(req -> {
            assertThat(req.stage()).isEqualTo("Deploy");
            assertThat(req.message()).isEqualTo("Deploy to production?");
            assertThat(req.ok()).isEqualTo("Ship it");
            assertThat(req.submitter()).isEqualTo("alice,release-managers");
            assertThat(req.parameters()).singleElement().satisfies(p -> assertThat(p).containsEntry("name", "TICKET"));
        });
        assertThat(approved.console()).contains("[Pipeline] input\nDeploy to production?\nShip it or Abort\nApproved by alice")
                .contains("deploying under CHG-42");

        PipelineRun aborted = new PipelineHarness().onInput(req -> InputAnswer.abort("alice")).runScript(pipeline);
        assertResult(aborted, Result.ABORTED);
        assertThat(aborted.console()).contains("Aborted by alice").doesNotContain("deploying under")
                .contains("post: aborted").endsWith("Rejected by alice\nFinished: ABORTED\n");
    }

    @Test
    void agentNoneMeansNoNodeLikeJenkins() {
        PipelineRun run = new PipelineHarness().runScript("""
                pipeline {
                    agent none
                    stages {
                        stage('NoNode') { steps { echo 'echo needs no node'; sh 'echo needs a node' } }
                    }
                }
                """);
        assertResult(run, Result.FAILURE);
        assertThat(run.console()).contains("echo needs no node\n[Pipeline] sh\n"
                        + "Required context class hudson.FilePath is missing\n"
                        + "Perhaps you forgot to surround the code with a step that provides this, such as: node\n[Pipeline] error")
                .contains("ERROR: Attempted to execute a step that requires a node context while 'agent none' was specified. "
                        + "Be sure to specify your own 'node { ... }' blocks when using 'agent none'.\nFinished: FAILURE")
                .doesNotContain("[Pipeline] node");

        PipelineRun withNode = new PipelineHarness().runScript("""
                pipeline {
                    agent none
                    stages {
                        stage('OwnNode') { steps { script { node { sh 'echo "in a node: $NODE_NAME"' } } } }
                        stage('StageAgent') { agent any; steps { sh 'echo stage agent' } }
                    }
                }
                """);
        assertResult(withNode, Result.SUCCESS);
        assertThat(withNode.console()).contains("[Pipeline] node\nRunning on Jenkins in ").contains("in a node: built-in")
                .contains("stage agent");
    }

    @Test
    void credentialsInEnvironmentAndWithCredentialsAreBoundAndMasked() {
        String password = TestSecrets.generate("declarative-db");
        String token = TestSecrets.generate("declarative-token");
        TestCredentials.add(new TestCredentials.UsernamePassword("db-" + token.hashCode(), "alice", password));
        TestCredentials.add(new TestCredentials.StringSecret("api-token", token));
        PipelineRun run = new PipelineHarness().runScript("""
                pipeline {
                    agent any
                    environment {
                        DB = credentials('%s')
                        PLAIN = 'not secret'
                    }
                    stages {
                        stage('Use') {
                            steps {
                                sh 'echo "user=$DB_USR password=$DB_PSW both=$DB plain=$PLAIN"'
                                withCredentials([string(credentialsId: 'api-token', variable: 'TOKEN'),
                                                 usernamePassword(credentialsId: '%s', usernameVariable: 'U', passwordVariable: 'P')]) {
                                    sh 'echo "token=$TOKEN"'
                                    echo "groovy sees ${TOKEN.length()} characters"
                                    sh "echo 'interpolated ${P}'"
                                }
                                sh 'echo "after the block: ${TOKEN:-unset}"'
                            }
                        }
                    }
                }
                """.formatted("db-" + token.hashCode(), "db-" + token.hashCode()));

        assertResult(run, Result.SUCCESS);
        String log = run.console();
        assertThat(log).doesNotContain(password).doesNotContain(token)
                // as in Jenkins the username is masked too (UsernameCredentials.isUsernameSecret() is true unless the credentials say no)
                .contains("[Pipeline] withCredentials\nMasking supported pattern matches of $DB or $DB_PSW or $DB_USR\n[Pipeline] {\n[Pipeline] withEnv")
                .contains("user=**** password=**** both=**** plain=not secret")
                .contains("Masking supported pattern matches of $P or $TOKEN or $U")
                .contains("token=****")
                .contains("groovy sees " + token.length() + " characters")
                .contains("Warning: A secret was passed to \"sh\" using Groovy String interpolation, which is insecure.")
                .contains("Affected argument(s) used the following variable(s): [DB_PSW, P]")
                .contains("interpolated ****")
                .contains("after the block: unset");
    }

    @Test
    void optionsParametersAndTriggersAreAcceptedAndRecorded() {
        PipelineRun run = new PipelineHarness().param("COLOR", "green").runScript("""
                pipeline {
                    agent any
                    options {
                        timeout(time: 5, unit: 'MINUTES')
                        disableConcurrentBuilds()
                        timestamps()
                        buildDiscarder(logRotator(numToKeepStr: '10'))
                    }
                    parameters {
                        string(name: 'TARGET', defaultValue: 'staging', description: 'where')
                        booleanParam(name: 'DRY_RUN', defaultValue: true)
                        choice(name: 'COLOR', choices: ['blue', 'green'], description: 'slot')
                    }
                    triggers { cron('H/15 * * * *') }
                    stages {
                        stage('Show') { steps { echo "target=${params.TARGET} dry=${params.DRY_RUN} color=${params.COLOR} env=${env.COLOR}" } }
                    }
                }
                """);
        assertResult(run, Result.SUCCESS);
        assertThat(run.options()).containsExactly("timeout(time: 5, unit: 'MINUTES')", "disableConcurrentBuilds()", "timestamps()",
                "buildDiscarder(logRotator(numToKeepStr: '10'))");
        assertThat(run.triggers()).containsExactly("cron('H/15 * * * *')");
        assertThat(run.params()).containsEntry("TARGET", "staging").containsEntry("DRY_RUN", true).containsEntry("COLOR", "green");
        assertThat(run.console()).contains("target=staging dry=true color=green env=green")
                .contains("[Pipeline] timeout\nTimeout set to expire in 5 min\n[Pipeline] {\n[Pipeline] timestamps\n[Pipeline] {");
    }

    @Test
    void aTimeoutAbortsTheBuildAndRetryRetries() {
        PipelineRun timedOut = new PipelineHarness().runScript("""
                pipeline {
                    agent any
                    options { timeout(time: 400, unit: 'MILLISECONDS') }
                    stages {
                        stage('Slow') { steps { sleep 30 } }
                        stage('Next') { steps { echo 'next' } }
                    }
                    post { always { sh 'echo post still runs after the timeout' } }
                }
                """);
        assertResult(timedOut, Result.ABORTED);
        assertThat(timedOut.duration()).isLessThan(java.time.Duration.ofSeconds(20));
        assertThat(timedOut.console()).contains("Sleeping for 30 sec\nCancelling nested steps due to timeout")
                .contains("Stage \"Next\" skipped due to earlier failure(s)")
                .contains("post still runs after the timeout")
                .endsWith("Timeout has been exceeded\nFinished: ABORTED\n");

        PipelineRun retried = new PipelineHarness().runScript("""
                node {
                    int attempt = 0
                    retry(3) {
                        attempt++
                        if (attempt < 3) { error "attempt ${attempt} failed" }
                        echo "attempt ${attempt} worked"
                    }
                }
                """);
        assertResult(retried, Result.SUCCESS);
        assertThat(retried.console()).contains("ERROR: attempt 1 failed\nRetrying").contains("ERROR: attempt 2 failed\nRetrying")
                .contains("attempt 3 worked");
    }

    @Test
    void basicStepsRunForReal() {
        PipelineRun run = new PipelineHarness().runScript("""
                pipeline {
                    agent any
                    stages {
                        stage('Files and processes') {
                            steps {
                                writeFile file: 'out/report.txt', text: 'line one\\n'
                                script {
                                    assert fileExists('out/report.txt')
                                    assert !fileExists('nope.txt')
                                    assert isUnix()
                                    def text = readFile 'out/report.txt'
                                    def status = sh(script: 'exit 3', returnStatus: true)
                                    def who = sh(script: 'printf "%s" "$GREETING"', returnStdout: true)
                                    echo "read=${text.trim()} status=${status}"
                                    withEnv(['GREETING=hello from withEnv']) {
                                        echo sh(script: 'printf "%s" "$GREETING"', returnStdout: true)
                                    }
                                    dir('out') { sh 'ls' }
                                    def results = parallel(a: { 'A' }, b: { 'B' })
                                    echo "parallel=${results}"
                                }
                            }
                        }
                        stage('Fails') { steps { sh 'echo about to fail; exit 2' } }
                    }
                }
                """);
        assertResult(run, Result.FAILURE);
        assertThat(run.console()).contains("read=line one status=3").contains("hello from withEnv")
                .contains("[Pipeline] dir\nRunning in ").contains("+ ls\nreport.txt")
                .contains("[Pipeline] parallel\n[Pipeline] { (Branch: a)").contains("parallel=[a:A, b:B]")
                .contains("+ echo about to fail\nabout to fail\n+ exit 2")
                .endsWith("ERROR: script returned exit code 2\nFinished: FAILURE\n");
        assertThat(run.channel().calls()).as("file operations went through the agent channel").isGreaterThan(3);
    }

    @Test
    void whatJenkinsWouldRejectFailsBeforeAnythingRuns() {
        PipelineRun noSteps = new PipelineHarness().runScript("""
                pipeline {
                    agent any
                    stages {
                        stage('Fine') { steps { echo 'SHOULD NOT RUN' } }
                        stage('Broken') { echo 'steps outside a steps block' }
                    }
                    post { always { echo 'SHOULD NOT RUN EITHER' } }
                }
                """);
        assertResult(noSteps, Result.FAILURE);
        assertThat(noSteps.console()).contains("Unknown stage section \"echo\"").doesNotContain("SHOULD NOT RUN")
                .doesNotContain("[Pipeline] stage");

        PipelineRun noAgent = new PipelineHarness().runScript("pipeline { stages { stage('A') { steps { echo 'x' } } } }");
        assertThat(noAgent.console()).contains("Missing required section \"agent\"");
    }

    @Test
    void aNonSerializableLocalLiveAcrossAStepFailsTheBuildAsInJenkins() {
        PipelineRun run = new PipelineHarness().runScript("""
                pipeline {
                    agent any
                    stages {
                        stage('Regex') {
                            steps {
                                script {
                                    def m = 'version 1.2.3' =~ /(\\d+)\\.(\\d+)/
                                    echo "major=${m[0][1]}"
                                }
                            }
                        }
                    }
                }
                """);
        assertResult(run, Result.FAILURE);
        assertThat(run.console()).contains("java.io.NotSerializableException: java.util.regex.Matcher (local variable 'm' holds a "
                + "java.util.regex.Matcher): the pipeline's state cannot be saved when step 'echo' starts");

        // what is fine in Jenkins is fine here: the matcher gone before the step, a @NonCPS method, loops over lists and maps
        PipelineRun fine = new PipelineHarness().runScript("""
                @NonCPS
                String major(String v) { def m = v =~ /(\\d+)\\./; return m[0][1] }

                node {
                    def m = 'version 1.2.3' =~ /(\\d+)\\.(\\d+)/
                    String minor = m[0][2]
                    m = null
                    echo "minor=${minor} major=${major('version 1.2.3')}"
                    for (String s in ['a', 'b']) { echo "item ${s}" }
                    def map = [x: 1, y: 2]
                    for (def e in map.entrySet()) { echo "${e.key}=${e.value}" }
                    for (def k in map.keySet()) { echo "key ${k}" }
                }
                """);
        assertResult(fine, Result.SUCCESS);
        assertThat(fine.console()).contains("minor=2 major=1").contains("item b").contains("y=2").contains("key y");
    }

    @Test
    void collectionMethodsWithCpsClosuresFailLoudlyInsteadOfRunningOnce() {
        PipelineRun run = new PipelineHarness().runScript("node { ['a', 'b', 'c'].each { echo it } }");
        assertResult(run, Result.FAILURE);
        assertThat(run.console()).contains("expected to call java.util.ArrayList.each but wound up catching")
                .contains("use a for loop, or put the code in a @NonCPS method");
    }

    @Test
    void nestedAndParallelStagesRunAndFailTogether() {
        PipelineRun run = new PipelineHarness().runScript("""
                pipeline {
                    agent any
                    stages {
                        stage('Checks') {
                            parallel {
                                stage('Lint') { steps { echo 'lint ok' } }
                                stage('Unit') { steps { error 'unit failed' } }
                            }
                            post { failure { echo 'checks post: failure' } }
                        }
                        stage('Release') {
                            stages {
                                stage('Package') { steps { echo 'SHOULD NOT RUN' } }
                            }
                        }
                    }
                }
                """);
        assertResult(run, Result.FAILURE);
        assertThat(run.stages()).containsExactly(
                new PipelineRun.StageRecord("Lint", StageStatus.RAN),
                new PipelineRun.StageRecord("Unit", StageStatus.FAILED),
                new PipelineRun.StageRecord("Checks", StageStatus.FAILED),
                new PipelineRun.StageRecord("Package", StageStatus.SKIPPED_FOR_FAILURE),
                new PipelineRun.StageRecord("Release", StageStatus.SKIPPED_FOR_FAILURE));
        assertThat(run.console()).contains("[Pipeline] parallel\n[Pipeline] { (Branch: Lint)\n[Pipeline] stage\n[Pipeline] { (Lint)")
                .contains("Post stage\n[Pipeline] echo\nchecks post: failure")
                .contains("Stage \"Release\" skipped due to earlier failure(s)")
                .contains("Stage \"Package\" skipped due to earlier failure(s)")
                .doesNotContain("SHOULD NOT RUN")
                .endsWith("ERROR: unit failed\nFinished: FAILURE\n");
    }

    @Test
    void aMethodTheJenkinsfileDefinesWinsOverAStepOrKeywordOfTheSameName() {
        PipelineRun run = new PipelineHarness().runScript("""
                def label(String text) { return "[" + text + "]" }

                node { echo label('mine') }
                """);
        assertResult(run, Result.SUCCESS);
        assertThat(run.console()).contains("[Pipeline] echo\n[mine]\n");
    }
}
