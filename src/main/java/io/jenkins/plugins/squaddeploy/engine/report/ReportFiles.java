package io.jenkins.plugins.squaddeploy.engine.report;

import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The report's files in one directory: {@value #JSON}, {@value #HTML} and {@value #OUTPUT_DIR}/ with the full output of
 * tools. Every file is written atomically (a temporary file in the same directory, then a rename), so a reader (the
 * build page, {@code archiveArtifacts}) never sees half a report. Events are masked before they are written.
 */
public final class ReportFiles {
    public static final String JSON = "report.json";
    public static final String HTML = "report.html";
    public static final String OUTPUT_DIR = "output";
    /** The directory name in the workspace and under the build's directory. */
    public static final String DIR_NAME = "squad-deploy-report";
    static final int MAX_OUTPUT_BYTES = 1024 * 1024;
    private static final Pattern OUTPUT_NAME = Pattern.compile("[0-9]{3}-[a-z0-9-]{1,60}\\.log");
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private ReportFiles() {
    }

    /**
     * Adds {@code event} (masked with {@code masker}) to the report in {@code dir}, which is created with {@code title} and
     * {@code buildUrl} when it has none yet; writes its outputs, then the JSON and the HTML.
     *
     * @return every file written, relative to {@code dir} (for a copy elsewhere, e.g. the workspace)
     */
    public static Map<String, byte[]> add(Path dir, String title, String buildUrl, ReportEvent event, Masker masker) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        synchronized (LOCKS.computeIfAbsent(abs, k -> new Object())) {
            Files.createDirectories(abs);
            Instant now = Instant.now();
            DeployReport report = read(abs);
            if (report == null) {
                report = DeployReport.empty(title, buildUrl, event.startedAt().isBefore(now) ? event.startedAt() : now);
            }
            ReportEvent e = event.masked(masker == null ? new Masker() : masker);
            int index = report.events().size() + 1;
            Map<String, byte[]> written = new LinkedHashMap<>();
            List<ReportEvent.Output> outs = new ArrayList<>();
            int k = 0;
            for (ReportEvent.Output o : e.outputs()) {
                k++;
                String file = OUTPUT_DIR + "/" + String.format(Locale.ROOT, "%03d-%s.log", index, slug(e.type() + "-" + k + "-" + o.name()));
                String text = o.text() == null ? "" : o.text();
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > MAX_OUTPUT_BYTES) {
                    text = "[…the first " + (bytes.length - MAX_OUTPUT_BYTES) + " bytes are not kept…]\n"
                            + new String(bytes, bytes.length - MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES, StandardCharsets.UTF_8);
                    bytes = text.getBytes(StandardCharsets.UTF_8);
                }
                writeAtomically(abs.resolve(file), bytes);
                written.put(file, bytes);
                outs.add(new ReportEvent.Output(o.name(), file, o.bytes(), o.lines(), null));
            }
            report = report.with(e.withOutputs(outs), now);
            Masker m = masker == null ? new Masker() : masker;
            byte[] json = m.mask(ReportJson.write(report)).getBytes(StandardCharsets.UTF_8);
            byte[] html = m.mask(ReportHtml.render(report)).getBytes(StandardCharsets.UTF_8);
            writeAtomically(abs.resolve(JSON), json);
            writeAtomically(abs.resolve(HTML), html);
            written.put(JSON, json);
            written.put(HTML, html);
            return written;
        }
    }

    /** Writes {@code files} (relative names) under {@code dir}, each atomically: the copy of a report elsewhere. */
    public static void writeAll(Path dir, Map<String, byte[]> files) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        synchronized (LOCKS.computeIfAbsent(abs, k -> new Object())) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = abs.resolve(f.getKey()).normalize();
                if (!p.startsWith(abs)) {
                    throw new IOException("report file outside the report directory: " + f.getKey());
                }
                writeAtomically(p, f.getValue());
            }
        }
    }

    /** The report in {@code dir}, or null when there is none. */
    public static DeployReport read(Path dir) throws IOException {
        Path f = dir.resolve(JSON);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        return ReportJson.read(Files.readString(f, StandardCharsets.UTF_8));
    }

    /** The HTML page in {@code dir}, or null. */
    public static String html(Path dir) throws IOException {
        Path f = dir.resolve(HTML);
        return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
    }

    /** One output file by its name ({@code 003-deploy-1-docker-compose-up.log}), or null when there is no such file or the name is not one. */
    public static String output(Path dir, String name) throws IOException {
        if (name == null || !OUTPUT_NAME.matcher(name).matches()) {
            return null;
        }
        Path f = dir.resolve(OUTPUT_DIR).resolve(name);
        return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
    }

    // java.io.File forms, for the step adapters (which do no java.nio.file work themselves)

    public static Map<String, byte[]> add(java.io.File dir, String title, String buildUrl, ReportEvent event, Masker masker) throws IOException {
        return add(dir.toPath(), title, buildUrl, event, masker);
    }

    public static void writeAll(java.io.File dir, Map<String, byte[]> files) throws IOException {
        writeAll(dir.toPath(), files);
    }

    public static DeployReport read(java.io.File dir) throws IOException {
        return read(dir.toPath());
    }

    public static String html(java.io.File dir) throws IOException {
        return html(dir.toPath());
    }

    public static String output(java.io.File dir, String name) throws IOException {
        return output(dir.toPath(), name);
    }

    static String slug(String s) {
        String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (out.length() > 60) {
            out = out.substring(0, 60).replaceAll("-+$", "");
        }
        return out.isEmpty() ? "output" : out;
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
