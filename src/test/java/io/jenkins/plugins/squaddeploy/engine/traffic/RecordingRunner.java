package io.jenkins.plugins.squaddeploy.engine.traffic;

import io.jenkins.plugins.squaddeploy.engine.spi.CommandRequest;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandRunner;
import io.jenkins.plugins.squaddeploy.engine.spi.LocalCommandRunner;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs commands for real and remembers their argv, so a test can prove which ones ran (or that none did). */
final class RecordingRunner implements CommandRunner {
    final List<List<String>> commands = new CopyOnWriteArrayList<>();
    private final CommandRunner real = new LocalCommandRunner();

    @Override
    public CommandResult run(CommandRequest request) throws IOException, InterruptedException {
        commands.add(request.argv());
        return real.run(request);
    }
}
