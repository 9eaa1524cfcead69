package hudson;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.remoting.RoleChecker;
import org.jenkinsci.remoting.RoleSensitive;

/**
 * Stand-in for {@code hudson.FilePath}: a file or directory on the controller ({@code channel == null}) or on an
 * agent reached through a {@link VirtualChannel}.
 * <p>Every file operation goes through {@link #act(FileCallable)}, as in Jenkins: with a {@code null} channel it runs
 * in this JVM; with a channel, the callable is wrapped in a serializable {@link Callable} and sent through
 * {@link VirtualChannel#call}, so a test channel that serializes its callables exercises the same code path as an agent.
 * <p>Not declared (absent from signatures.txt's subset, or needing undeclared types): {@code toString/equals/hashCode},
 * {@code SerializableOnlyOverRemoting} (so this stand-in is not {@link Serializable}), {@code list(String...)} globs,
 * {@code list(FileFilter)}, {@code copyFrom(URL|FileItem)}.
 */
public final class FilePath {

    private static final VirtualChannel LOCAL = new LocalChannel();
    private static final Pattern DRIVE_PATTERN = Pattern.compile("[A-Za-z]:[\\\\/].*");
    private static final Pattern UNC_PATTERN = Pattern.compile("^\\\\\\\\.*");
    private static final Pattern ABSOLUTE_PREFIX_PATTERN = Pattern.compile("^(\\\\\\\\|(?:[A-Za-z]:)?[\\\\/])[\\\\/]*");

    private final VirtualChannel channel;
    private final String remote;

    public FilePath(VirtualChannel channel, String remote) {
        this.channel = channel instanceof LocalChannel ? null : channel;
        this.remote = normalize(remote);
    }

    public FilePath(File localPath) {
        this.channel = null;
        this.remote = normalize(localPath.getPath());
    }

    public FilePath(FilePath base, String rel) {
        this.channel = base.channel;
        this.remote = normalize(resolvePathIfRelative(base, rel));
    }

    public String getRemote() {
        return remote;
    }

    public void copyFrom(InputStream in) throws IOException, InterruptedException {
        try (OutputStream os = write()) {
            in.transferTo(os);
        }
    }

    public void copyFrom(FilePath src) throws IOException, InterruptedException {
        src.copyTo(this);
    }

    public <T> T act(FileCallable<T> callable) throws IOException, InterruptedException {
        if (channel != null) {
            try {
                return channel.call(new FileCallableWrapper<>(callable, remote));
            } catch (TunneledInterruptedException e) {
                throw (InterruptedException) new InterruptedException(e.getMessage()).initCause(e.getCause());
            }
        }
        return callable.invoke(new File(remote), LOCAL);
    }

    public <V, E extends Throwable> V act(Callable<V, E> callable) throws IOException, InterruptedException, E {
        if (channel != null) {
            return channel.call(callable);
        }
        return callable.call();
    }

    public void mkdirs() throws IOException, InterruptedException {
        act(new Mkdirs());
    }

    public void deleteRecursive() throws IOException, InterruptedException {
        act(new DeleteRecursive());
    }

    public String getName() {
        String r = remote;
        if (r.endsWith("\\") || r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        int len = r.length() - 1;
        while (len >= 0) {
            char ch = r.charAt(len);
            if (ch == '\\' || ch == '/') {
                break;
            }
            len--;
        }
        return r.substring(len + 1);
    }

    public FilePath child(String relOrAbsolute) {
        return new FilePath(this, relOrAbsolute);
    }

    /** The parent directory, or {@code null} for a root (same algorithm as Jenkins). */
    public FilePath getParent() {
        int i = remote.length() - 2;
        for (; i >= 0; i--) {
            char ch = remote.charAt(i);
            if (ch == '\\' || ch == '/') {
                break;
            }
        }
        return i >= 0 ? new FilePath(channel, remote.substring(0, i + 1)) : null;
    }

    public FilePath createTempFile(String prefix, String suffix) throws IOException, InterruptedException {
        try {
            return new FilePath(this, act(new CreateTempFile(prefix, suffix)));
        } catch (IOException e) {
            throw new IOException("Failed to create a temp file on " + remote, e);
        }
    }

    public FilePath createTempDir(String prefix, String suffix) throws IOException, InterruptedException {
        String name = prefix + "." + (suffix == null || suffix.isBlank() ? "tmp" : suffix);
        try {
            return new FilePath(this, act(new CreateTempDir(name)));
        } catch (IOException e) {
            throw new IOException("Failed to create a temp directory on " + remote, e);
        }
    }

    public boolean delete() throws IOException, InterruptedException {
        act(new Delete());
        return true;
    }

    public boolean exists() throws IOException, InterruptedException {
        return act(new Exists());
    }

    public long lastModified() throws IOException, InterruptedException {
        return act(new LastModified());
    }

    public boolean isDirectory() throws IOException, InterruptedException {
        return act(new IsDirectory());
    }

    public long length() throws IOException, InterruptedException {
        return act(new Length());
    }

    /** The children of this directory, sorted by name; empty when this is not a directory. */
    public List<FilePath> list() throws IOException, InterruptedException {
        List<FilePath> r = new ArrayList<>();
        for (String name : act(new ListNames())) {
            r.add(child(name));
        }
        return r;
    }

    public InputStream read() throws IOException, InterruptedException {
        if (channel == null) {
            return Files.newInputStream(new File(remote).toPath());
        }
        return new ByteArrayInputStream(act(new ReadBytes()));
    }

    /** Contents decoded with the default charset, as in Jenkins. */
    public String readToString() throws IOException, InterruptedException {
        return act(new ReadToString());
    }

    /** Creates the parent directories, then opens the file for writing (truncating it). */
    public OutputStream write() throws IOException, InterruptedException {
        if (channel == null) {
            File f = new File(remote).getAbsoluteFile();
            File parent = f.getParentFile();
            if (parent != null) {
                Files.createDirectories(parent.toPath());
            }
            return Files.newOutputStream(f.toPath());
        }
        return new RemoteWrite();
    }

    public void write(String content, String encoding) throws IOException, InterruptedException {
        act(new WriteString(content, encoding));
    }

    public void copyTo(FilePath target) throws IOException, InterruptedException {
        try (OutputStream out = target.write()) {
            copyTo(out);
        }
    }

    /** Sends the contents of this file into the stream; the stream is flushed, not closed. */
    public void copyTo(OutputStream os) throws IOException, InterruptedException {
        if (channel == null) {
            Files.copy(new File(remote).toPath(), os);
        } else {
            os.write(act(new ReadBytes()));
        }
        os.flush();
    }

    /** Code that runs against the {@link File} this {@link FilePath} names, wherever that file is. */
    public interface FileCallable<T> extends Serializable, RoleSensitive {
        T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException;
    }

    // ---------------------------------------------------------------- implementation

    private boolean isUnix() {
        if (channel == null) {
            return File.pathSeparatorChar != ';';
        }
        if (remote.length() > 3 && remote.charAt(1) == ':' && remote.charAt(2) == '\\') {
            return false;
        }
        return !remote.contains("\\");
    }

    private static boolean isAbsolute(String rel) {
        return rel.startsWith("/") || DRIVE_PATTERN.matcher(rel).matches() || UNC_PATTERN.matcher(rel).matches();
    }

    private static String resolvePathIfRelative(FilePath base, String rel) {
        if (isAbsolute(rel)) {
            return rel;
        }
        if (base.isUnix()) {
            return base.remote + '/' + rel.replace('\\', '/');
        }
        return base.remote + '\\' + rel.replace('/', '\\');
    }

    /** Collapses duplicate separators, {@code .} and {@code ..}, and drops trailing separators. */
    static String normalize(String path) {
        if (path.isEmpty()) {
            return path;
        }
        String prefix = "";
        Matcher m = ABSOLUTE_PREFIX_PATTERN.matcher(path);
        String rest = path;
        if (m.find()) {
            prefix = m.group(1);
            rest = path.substring(m.end());
        }
        char sep = '/';
        int firstSep = indexOfSeparator(rest);
        if (firstSep >= 0) {
            sep = rest.charAt(firstSep);
        } else if (prefix.endsWith("\\")) {
            sep = '\\';
        }
        List<String> out = new ArrayList<>();
        for (String seg : rest.split("[\\\\/]+")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                    continue;
                }
                if (!prefix.isEmpty()) {
                    continue;
                }
            }
            out.add(seg);
        }
        String result = prefix + String.join(String.valueOf(sep), out);
        return result.isEmpty() ? "." : result;
    }

    private static int indexOfSeparator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '\\') {
                return i;
            }
        }
        return -1;
    }

    private static File mkParents(File f) throws IOException {
        File parent = f.getAbsoluteFile().getParentFile();
        if (parent != null) {
            Files.createDirectories(parent.toPath());
        }
        return f;
    }

    /** Runs a {@link FileCallable} on the far side of a channel, against {@code new File(remote)}. */
    private static final class FileCallableWrapper<T> implements Callable<T, IOException> {
        private static final long serialVersionUID = 1L;
        private final FileCallable<T> callable;
        private final String remote;

        FileCallableWrapper(FileCallable<T> callable, String remote) {
            this.callable = callable;
            this.remote = remote;
        }

        @Override
        public T call() throws IOException {
            try {
                return callable.invoke(new File(remote), LOCAL);
            } catch (InterruptedException e) {
                throw new TunneledInterruptedException(e);
            }
        }

        @Override
        public void checkRoles(RoleChecker checker) throws SecurityException {
            callable.checkRoles(checker);
        }
    }

    /** Carries an {@link InterruptedException} through {@code VirtualChannel.call} (declared to throw IOException). */
    private static final class TunneledInterruptedException extends IOException {
        private static final long serialVersionUID = 1L;

        TunneledInterruptedException(InterruptedException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The channel handed to callables that run in this JVM. */
    private static final class LocalChannel implements VirtualChannel {
        @Override
        public <V, T extends Throwable> V call(Callable<V, T> callable) throws T {
            return callable.call();
        }

        @Override
        public void close() {
        }

        @Override
        public void join() {
        }

        @Override
        public void join(long timeout) {
        }

        @Override
        public <T> T export(Class<T> type, T instance) {
            return instance;
        }

        @Override
        public void syncLocalIO() {
        }
    }

    /** {@link #write()} over a channel: buffers, and ships the bytes when closed. */
    private final class RemoteWrite extends ByteArrayOutputStream {
        private boolean closed;

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                act(new WriteBytes(toByteArray()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw (IOException) new InterruptedIOException(e.getMessage()).initCause(e);
            }
        }
    }

    private static final class Mkdirs extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;

        @Override
        public Void invoke(File f, VirtualChannel channel) throws IOException {
            try {
                Files.createDirectories(f.toPath());
            } catch (IOException e) {
                throw new IOException("Failed to mkdirs: " + f, e);
            }
            return null;
        }
    }

    private static final class DeleteRecursive extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;

        @Override
        public Void invoke(File f, VirtualChannel channel) throws IOException {
            Path root = f.toPath();
            if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            return null;
        }
    }

    private static final class Delete extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;

        @Override
        public Void invoke(File f, VirtualChannel channel) throws IOException {
            Files.deleteIfExists(f.toPath());
            return null;
        }
    }

    private static final class Exists extends MasterToSlaveFileCallable<Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean invoke(File f, VirtualChannel channel) {
            return f.exists();
        }
    }

    private static final class IsDirectory extends MasterToSlaveFileCallable<Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean invoke(File f, VirtualChannel channel) {
            return f.isDirectory();
        }
    }

    private static final class Length extends MasterToSlaveFileCallable<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long invoke(File f, VirtualChannel channel) {
            return f.length();
        }
    }

    private static final class LastModified extends MasterToSlaveFileCallable<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long invoke(File f, VirtualChannel channel) {
            return f.lastModified();
        }
    }

    private static final class ListNames extends MasterToSlaveFileCallable<ArrayList<String>> {
        private static final long serialVersionUID = 1L;

        @Override
        public ArrayList<String> invoke(File f, VirtualChannel channel) {
            String[] names = f.list();
            ArrayList<String> r = new ArrayList<>();
            if (names != null) {
                Arrays.sort(names);
                r.addAll(Arrays.asList(names));
            }
            return r;
        }
    }

    private static final class ReadBytes extends MasterToSlaveFileCallable<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] invoke(File f, VirtualChannel channel) throws IOException {
            return Files.readAllBytes(f.toPath());
        }
    }

    private static final class ReadToString extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String invoke(File f, VirtualChannel channel) throws IOException {
            return new String(Files.readAllBytes(f.toPath()), Charset.defaultCharset());
        }
    }

    private static final class WriteBytes extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;
        private final byte[] content;

        WriteBytes(byte[] content) {
            this.content = content;
        }

        @Override
        public Void invoke(File f, VirtualChannel channel) throws IOException {
            Files.write(mkParents(f).toPath(), content);
            return null;
        }
    }

    private static final class WriteString extends MasterToSlaveFileCallable<Void> {
        private static final long serialVersionUID = 1L;
        private final String content;
        private final String encoding;

        WriteString(String content, String encoding) {
            this.content = content;
            this.encoding = encoding;
        }

        @Override
        public Void invoke(File f, VirtualChannel channel) throws IOException {
            Charset cs = encoding != null ? Charset.forName(encoding) : Charset.defaultCharset();
            Files.write(mkParents(f).toPath(), content.getBytes(cs));
            return null;
        }
    }

    private static final class CreateTempFile extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final String prefix;
        private final String suffix;

        CreateTempFile(String prefix, String suffix) {
            this.prefix = prefix;
            this.suffix = suffix;
        }

        @Override
        public String invoke(File dir, VirtualChannel channel) throws IOException {
            return Files.createTempFile(dir.toPath(), prefix, suffix).getFileName().toString();
        }
    }

    private static final class CreateTempDir extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final String name;

        CreateTempDir(String name) {
            this.name = name;
        }

        @Override
        public String invoke(File dir, VirtualChannel channel) throws IOException {
            return Files.createTempDirectory(dir.toPath(), name).getFileName().toString();
        }
    }
}
