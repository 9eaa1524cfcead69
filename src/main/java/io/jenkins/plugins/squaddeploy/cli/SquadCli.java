package io.jenkins.plugins.squaddeploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code squad}: the engine without Jenkins, for the day Jenkins itself is down. Same checks, same
 * credentials IDs (from files or the environment), same console lines.
 */
@Command(name = "squad", mixinStandardHelpOptions = true, version = "squad-deploy 0.1.0",
        description = "Squad Deploy from the command line: the engine behind the Jenkins steps.",
        subcommands = {VerifyCommand.class, DeployCommand.class, SwitchCommand.class, SnapshotCommand.class, RollbackCommand.class,
            CommandLine.HelpCommand.class})
public final class SquadCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static CommandLine commandLine() {
        return new CommandLine(new SquadCli());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
