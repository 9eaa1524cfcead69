package io.jenkins.plugins.squaddeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.squaddeploy.engine.report.DeployReport;
import io.jenkins.plugins.squaddeploy.engine.report.ReportEvent;
import io.jenkins.plugins.squaddeploy.engine.report.ReportFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --report DIR}: a snapshot by hand and a verify write one report in DIR, the same JSON and HTML the steps write,
 * each command adding its event; the commands' exit codes are unchanged. (deploy, switch and rollback take the same
 * option through the same class, ReportOptions.)
 */
class SquadReportCliTest {
    @TempDir
    Path tmp;

    private static int squad(StringWriter out, String... args) {
        CommandLine cli = SquadCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    @Test
    void snapshotThenAFailingVerifyAddToOneReport() throws Exception {
        Path files = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(files.resolve("a.txt"), "a\n");
        Path report = tmp.resolve("report");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", ex -> {
            byte[] body = "{\"status\":\"down\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            StringWriter out = new StringWriter();
            int snap = squad(out, "snapshot", "create", "--store", tmp.resolve("store").toString(), "--kind", "files", "--base-dir", files.toString(),
                    "--path", "a.txt", "--report", report.toString());
            assertThat(snap).as(out.toString()).isZero();
            int verify = squad(out, "verify", "--http", "http://127.0.0.1:" + server.getAddress().getPort() + "/health", "--attempts", "2", "--interval", "0.2",
                    "--report", report.toString());
            assertThat(verify).as(out.toString()).isEqualTo(VerifyCommand.UNHEALTHY);
            assertThat(out.toString()).contains("squad verify: report " + report.resolve(ReportFiles.HTML));
        } finally {
            server.stop(0);
        }
        DeployReport r = ReportFiles.read(report);
        assertThat(r.title()).isEqualTo("squad snapshot create");
        assertThat(r.events()).extracting(ReportEvent::type, ReportEvent::step, ReportEvent::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("snapshot", "squad snapshot", "OK"),
                        org.assertj.core.groups.Tuple.tuple("health", "squad verify", "FAILED"));
        assertThat(r.events().get(1).measurements().get(0).message()).contains("HTTP 503");
        assertThat(r.summary().result()).isEqualTo("FAILED");
        assertThat(Files.readString(report.resolve(ReportFiles.HTML))).contains("<g class=\"mark failed\" data-index=\"2\" data-type=\"health\"");
    }
}
