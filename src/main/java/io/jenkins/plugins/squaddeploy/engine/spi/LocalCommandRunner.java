package io.jenkins.plugins.squaddeploy.engine.spi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** Runs commands on this machine with {@link ProcessBuilder}: used by the CLI. */
public final class LocalCommandRunner implements CommandRunner {
    private final File workDir;

    public LocalCommandRunner(File workDir) {
        this.workDir = workDir;
    }

    public LocalCommandRunner() {
        this(null);
    }

    @Override
    public CommandResult run(CommandRequest request) throws IOException, InterruptedException {
        long started = System.nanoTime();
        CommandAudit.record("local", request.argv(), request.env().keySet());
        ProcessBuilder pb = new ProcessBuilder(request.argv());
        if (workDir != null) {
            pb.directory(workDir);
        }
        pb.environment().putAll(request.env());
        Process process = pb.start();
        OutputTail out = new OutputTail();
        OutputTail err = new OutputTail();
        Thread outPump = pump(process.getInputStream(), out);
        Thread errPump = pump(process.getErrorStream(), err);
        OutputTail.Deadline deadline = OutputTail.killAfter(request.timeout(), () -> kill(process));
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(request.stdin());
        } catch (IOException closedEarly) {
            // The command did not read its input; its exit code tells the rest.
        }
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        } finally {
            deadline.cancel();
        }
        outPump.join(2000);
        errPump.join(2000);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        return new CommandResult(deadline.fired() ? -1 : exit, out.text(), err.text(), deadline.fired(), elapsed);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static Thread pump(InputStream in, OutputStream into) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(into);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "squad-command-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
