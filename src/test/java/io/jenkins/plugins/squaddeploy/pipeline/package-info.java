/**
 * A pipeline-level test harness: runs a Jenkinsfile (Declarative or scripted) with the plugin's real steps, without a
 * Jenkins controller. {@link io.jenkins.plugins.squaddeploy.pipeline.PipelineHarness} is the entry point,
 * {@link io.jenkins.plugins.squaddeploy.pipeline.PipelineRun} what a build did.
 *
 * <h2>How it runs</h2>
 * <ul>
 * <li>JenkinsPipelineUnit 1.1 in CPS mode compiles the Jenkinsfile (as class {@code WorkflowScript}) and the
 * shared library ({@code vars/} of this repository, library {@code squad-deploy@main}, implicit or by
 * {@code @Library}); {@link io.jenkins.plugins.squaddeploy.pipeline.HarnessHelper} drives every closure, script
 * method and var through groovy-cps and, at each step boundary, serializes and reads back the whole program state,
 * as Jenkins does when it saves a running pipeline (with workflow-cps' IteratorHack: loop iterators and map views
 * count as serializable).</li>
 * <li>Plugin steps ({@link io.jenkins.plugins.squaddeploy.pipeline.StepBinder}): found by their
 * {@code StepDescriptor.getFunctionName()}, bound like structs' DescribableModel, started with a
 * {@link io.jenkins.plugins.squaddeploy.pipeline.TestStepContext} of a
 * {@link io.jenkins.plugins.squaddeploy.pipeline.TestBuild} (console, run, environment, workspace behind a
 * {@link io.jenkins.plugins.squaddeploy.pipeline.SerializingChannel}, {@link io.jenkins.plugins.squaddeploy.pipeline.LocalLauncher}).
 * Nested describables ({@code httpCheck}, ...) by their {@code @Symbol}.</li>
 * <li>Basic steps ({@link io.jenkins.plugins.squaddeploy.pipeline.BasicSteps}) and Declarative
 * ({@link io.jenkins.plugins.squaddeploy.pipeline.Declarative}, after pipeline-model-definition's ModelInterpreter)
 * are emulated; see their comments.</li>
 * </ul>
 *
 * <h2>Not emulated</h2>
 * <ul>
 * <li>Other agents: every node is this machine; {@code agent} docker/dockerfile/kubernetes, {@code tools},
 * {@code matrix}, {@code libraries}, {@code changelog}/{@code changeset} are rejected; {@code when { equals ... }}
 * does not work (Groovy's {@code equals} wins).</li>
 * <li>SCM ({@code checkout scm}), stash and any other step not listed in BasicSteps: "No such DSL method". {@code junit}
 * reads the XML and records the counts (failures make the build UNSTABLE); {@code archiveArtifacts} copies the files to
 * {@code PipelineHarness.artifactsDir} when one is set; neither has Jenkins' pages.</li>
 * <li>{@code parallel} branches run one after the other; {@code failFast} is ignored.</li>
 * <li>Restart/resume of a build, {@code input} submitted by a real user (the test answers; a user not among the
 * submitters, directly or through a group given with {@code PipelineHarness.group}, is refused as Jenkins refuses the
 * click; {@code InputAnswer.noAnswer()} leaves the input waiting until its {@code timeout} runs out), the Jenkins sandbox
 * (script approval), timestamps in the log (the option is accepted), {@code timeout(activity: true)}.</li>
 * <li>Groovy collection methods with CPS closures ({@code each}, {@code collect}, ...): Jenkins runs them, the
 * groovy-cps 1.12 of JenkinsPipelineUnit cannot; the harness fails loudly instead (use a for loop or {@code @NonCPS}).</li>
 * <li>On the first build of a job Jenkins has no parameter definitions yet; the harness behaves as on later builds
 * ({@code params} hold the declared defaults).</li>
 * </ul>
 */
package io.jenkins.plugins.squaddeploy.pipeline;
