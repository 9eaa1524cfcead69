package hudson.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Stand-in for {@code hudson.model.TaskListener}: where a build step writes its log.
 * <p>Left out: {@code annotate(ConsoleNote)} ({@code ConsoleNote} is not declared). {@link #hyperlink} prints the
 * text only. {@code SerializableOnlyOverRemoting} is not a supertype here.
 */
public interface TaskListener {
    PrintStream getLogger();

    default Charset getCharset() {
        return StandardCharsets.UTF_8;
    }

    default void hyperlink(String url, String text) throws IOException {
        getLogger().print(text);
    }

    default PrintWriter error(String msg) {
        return prefixedLine("ERROR: ", msg);
    }

    default PrintWriter error(String format, Object... args) {
        return error(String.format(format, args));
    }

    default PrintWriter fatalError(String msg) {
        return prefixedLine("FATAL: ", msg);
    }

    default PrintWriter fatalError(String format, Object... args) {
        return fatalError(String.format(format, args));
    }

    TaskListener NULL = nullListener();

    private PrintWriter prefixedLine(String prefix, String msg) {
        PrintStream out = getLogger();
        out.print(prefix);
        out.println(msg);
        return new PrintWriter(new OutputStreamWriter(out, getCharset()), true);
    }

    private static TaskListener nullListener() {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        return () -> sink;
    }
}
