package io.jenkins.plugins.squaddeploy.engine.spi;

/**
 * Where the engine writes what a person reads while a step runs: the Jenkins console or the CLI's
 * standard output. Implementations mask secrets; the engine never prints a secret on purpose.
 */
public interface ConsoleLog {
    /** One line of normal progress. */
    void info(String line);

    /** One line that needs attention but does not fail the step by itself. */
    void warn(String line);

    /** Output of a tool, indented under the line that started it. */
    default void detail(String line) {
        info("    " + line);
    }

    /** Collects nothing: for callers that only want the result. */
    ConsoleLog SILENT = new ConsoleLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
        }
    };
}
