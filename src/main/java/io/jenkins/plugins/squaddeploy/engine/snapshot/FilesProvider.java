package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.spi.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Configuration folders and env files as one {@code tar -czf} archive (modes, owners and times kept by tar; the
 * archive itself 0600, as it usually holds secrets), streamed to the store like a dump. Restored with
 * {@code tar -xzpf} into {@code restoreTo} or back into the base directory.
 */
final class FilesProvider implements Provider {
    static final String FILE = "files.tar.gz";
    private final SnapshotSource.Files src;

    FilesProvider(SnapshotSource.Files src) {
        this.src = src;
    }

    @Override
    public Preflight preflight(Ctx c) throws SnapshotException, InterruptedException {
        Path base = Path.of(src.baseDir());
        if (!Files.isDirectory(base)) {
            throw new ParameterException("source.baseDir", ParameterException.show(src.baseDir()) + " is not a directory on this machine", "an existing directory");
        }
        for (int i = 0; i < src.paths().size(); i++) {
            if (!Files.exists(base.resolve(src.paths().get(i)), LinkOption.NOFOLLOW_LINKS)) {
                throw new ParameterException("source.paths[" + i + "]", ParameterException.show(src.paths().get(i)) + " does not exist in " + base,
                        "a file or folder inside baseDir");
            }
        }
        CommandResult t = c.run(List.of("tar", "--version"), Map.of(), null, Duration.ofSeconds(30));
        return new Preflight(null, t.succeeded() ? t.stdout().lines().findFirst().orElse("tar") : "tar");
    }

    @Override
    public Created create(Ctx c, String id, Path dir) throws SnapshotException, InterruptedException {
        Path file = dir.resolve(FILE);
        List<String> cmd = new ArrayList<>(List.of("tar", "-czf", "-", "-C", src.baseDir(), "--"));
        cmd.addAll(src.paths());
        c.log.info("dbSnapshot: tar -czf of " + src.paths() + " in " + src.baseDir() + " → " + file);
        HashingOutput out;
        try {
            out = new HashingOutput(file, c.progress("tar"));
        } catch (IOException e) {
            throw new SnapshotException("cannot write to the store: " + SnapshotStore.reason(e));
        }
        HashingOutput.Result h;
        try {
            CommandResult r = c.tools.pipeOut(cmd, Map.of(), out::copyFrom, c.remaining());
            if (!r.succeeded()) {
                throw new SnapshotException("tar of " + src.describe() + " failed (" + Ctx.failure(r) + "); the partial snapshot was removed");
            }
            h = out.finish();
        } catch (ToolRunner.SinkFailure e) {
            throw new SnapshotException("cannot write to the store after " + Progress.bytes(out.count()) + ": " + SnapshotStore.reason(e.getCause())
                    + "; the partial snapshot was removed");
        } catch (IOException e) {
            throw new SnapshotException("cannot write to the store: " + SnapshotStore.reason(e) + "; the partial snapshot was removed");
        } finally {
            out.closeQuietly();
        }
        return new Created("tar.gz", List.of(new SnapshotMeta.FileEntry(FILE, h.size(), h.sha256())), h.size(), h.sha256(), Map.of());
    }

    @Override
    public String check(Ctx c, SnapshotStore.Snapshot s) throws SnapshotException, InterruptedException {
        CommandResult r = c.run(List.of("tar", "-tzf", s.dir().resolve(FILE).toString()), Map.of(), null, Duration.ofMinutes(30));
        if (!r.succeeded()) {
            throw new SnapshotException("tar cannot read the archive of " + s.id() + ": " + Ctx.failure(r));
        }
        return "tar lists " + r.stdout().lines().count() + " entries";
    }

    @Override
    public String target(Ctx c, String restoreTo) {
        if (restoreTo == null) {
            return src.baseDir();
        }
        if (SnapshotRequest.SCRATCH.equals(restoreTo) || !restoreTo.startsWith("/")) {
            throw new ParameterException("restoreTo", "got " + ParameterException.show(restoreTo), "an absolute directory to extract into (default: the source's baseDir)");
        }
        return restoreTo;
    }

    /** Extracting over files that exist replaces them; into a new or empty directory loses nothing. */
    @Override
    public boolean destructive(Ctx c, String target) {
        Path t = Path.of(target);
        if (!Files.isDirectory(t)) {
            return Files.exists(t);
        }
        try (Stream<Path> s = Files.list(t)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public Restored restore(Ctx c, SnapshotStore.Snapshot s, String target) throws SnapshotException, InterruptedException {
        Path t = Path.of(target);
        try {
            Files.createDirectories(t);
        } catch (IOException e) {
            throw new SnapshotException("cannot create " + t + ": " + SnapshotStore.reason(e) + "; nothing was restored");
        }
        long start = System.nanoTime();
        c.log.info("dbSnapshot: tar -xzpf " + s.id() + " → " + t);
        CommandResult r = c.tools.pipeIn(List.of("tar", "-xzpf", "-", "-C", t.toString()), Map.of(), s.dir().resolve(FILE), c.remaining());
        if (!r.succeeded()) {
            throw new SnapshotException("tar -x into " + t + " failed (" + Ctx.failure(r) + "); some files may have been replaced");
        }
        return new Restored(t.toString(), (System.nanoTime() - start) / 1_000_000, Map.of());
    }
}
