package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A throwaway PostgreSQL 15 cluster: {@code initdb} into the work dir, password auth (scram-sha-256) for
 * every connection, superuser {@code postgres} with a generated password, and an application role and
 * database {@code app}/{@code app} (generated password, see {@link #password()}). Listens on 127.0.0.1:{@link #port()} only; the
 * unix socket lives in {@code <work dir>/run}.
 *
 * <p><b>Running as root.</b> initdb and postgres refuse to run as root. When this JVM is root, both run as
 * the system user {@value #OS_USER} (created once with {@code useradd --system} if missing), through
 * {@code setpriv --reuid/--regid --clear-groups}, which execs in place: the Java process handle <em>is</em> the
 * postmaster. The work dir is chowned to that user; root can still read the logs and delete everything.
 * As a normal user, they run directly.
 *
 * <p>{@link #stop()} is a fast shutdown (SIGINT: open connections are terminated) to simulate "PostgreSQL
 * down"; {@link #crash()} an immediate one (SIGQUIT, crash recovery on the next start); {@link #start()}
 * brings the same cluster back on the same port.
 */
public final class PostgresFixture extends ServerFixture {
    /** OS user that owns and runs the cluster when the JVM is root. */
    public static final String OS_USER = System.getProperty("squad.testbed.pguser", "squadtest");
    public static final String SUPERUSER = "postgres";
    public static final String APP_USER = "app";
    public static final String APP_DATABASE = "app";

    /** Registered with TestSecrets: SecretLeakIT scans every test output for them. */
    private final String superuserPassword = io.jenkins.plugins.squaddeploy.build.TestSecrets.generate("pgsuper");
    private final String appPassword = io.jenkins.plugins.squaddeploy.build.TestSecrets.generate("pgapp");
    private final List<String> runAs;

    private PostgresFixture() {
        super("postgres");
        runAs = Binaries.isRoot() ? runAsPrefix() : List.of();
    }

    /** A new running cluster: initdb, start, create the app role and database. */
    public static PostgresFixture create() {
        Binaries.postgres("postgres"); // fail with the package name before creating anything
        PostgresFixture pg = new PostgresFixture();
        try {
            pg.initdb();
            pg.start();
            pg.executeAsSuperuser("CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + pg.appPassword + "'",
                    "CREATE DATABASE " + APP_DATABASE + " OWNER " + APP_USER);
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** Immediate shutdown (SIGQUIT): like a crash; the next {@link #start()} runs crash recovery. */
    public void crash() {
        stopWith(Duration.ofSeconds(10), "QUIT");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + APP_DATABASE;
    }

    public String superuserJdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return APP_USER;
    }

    public String password() {
        return appPassword;
    }

    public String database() {
        return APP_DATABASE;
    }

    public String superuser() {
        return SUPERUSER;
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path socketDir() {
        return dir.resolve("run");
    }

    /** Directory of pg_dump, pg_restore, psql, ... matching the server. */
    public Path binDir() {
        return Binaries.postgres("postgres").getParent();
    }

    /** libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) of the app user, for CLI tools. */
    public Map<String, String> libpqEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", APP_USER);
        env.put("PGPASSWORD", appPassword);
        env.put("PGDATABASE", APP_DATABASE);
        return env;
    }

    /** A new connection of the app user to the app database. */
    public Connection connect() throws SQLException {
        return connect(jdbcUrl(), APP_USER, appPassword);
    }

    public Connection connectAsSuperuser() throws SQLException {
        return connect(superuserJdbcUrl(), SUPERUSER, superuserPassword);
    }

    public static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "3");
        p.setProperty("loginTimeout", "5");
        p.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(url, p);
    }

    /** Runs statements as the superuser on the postgres database, each in autocommit. */
    public void executeAsSuperuser(String... sql) {
        try (Connection c = connectAsSuperuser(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + this + ": " + e.getMessage(), e);
        }
    }

    private void initdb() {
        try {
            Path pwfile = dir.resolve("superuser.pw");
            Files.writeString(pwfile, superuserPassword + "\n");
            Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
            Files.createDirectories(socketDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!runAs.isEmpty()) {
            Proc.run(Duration.ofSeconds(30), "chown", "-R", OS_USER + ":", dir.toString()).orThrow();
        }
        List<String> cmd = new ArrayList<>(runAs);
        cmd.addAll(List.of(Binaries.postgres("initdb").toString(), "-D", dataDir().toString(),
                "-U", SUPERUSER, "--pwfile=" + dir.resolve("superuser.pw"), "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"));
        Proc.Result r = Proc.run(Duration.ofSeconds(120), Map.of("LC_ALL", "C", "TZ", "UTC"), null, cmd);
        try {
            Files.writeString(dir.resolve("initdb.log"), r.stdout() + r.stderr());
        } catch (IOException ignored) {
            // diagnostics only
        }
        r.orThrow();
    }

    @Override
    protected List<String> command() {
        List<String> cmd = new ArrayList<>(runAs);
        cmd.addAll(List.of(Binaries.postgres("postgres").toString(), "-D", dataDir().toString(),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "port=" + port,
                "-c", "unix_socket_directories=" + socketDir(),
                "-c", "password_encryption=scram-sha-256",
                "-c", "max_connections=100",
                "-c", "shared_buffers=32MB",
                // throwaway data: no durability needed, keep 2 cores free
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                "-c", "logging_collector=off",
                "-c", "log_destination=stderr"));
        return cmd;
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of("LC_ALL", "C", "TZ", "UTC");
    }

    @Override
    protected boolean probeReady() throws SQLException {
        try (Connection c = connectAsSuperuser(); Statement s = c.createStatement()) {
            return s.execute("SELECT 1");
        }
    }

    @Override
    protected void stopProcess(ManagedProcess p) {
        p.stop(Duration.ofSeconds(30), "INT", "QUIT"); // fast shutdown, then immediate
    }

    private static synchronized List<String> runAsPrefix() {
        Proc.Result id = Proc.run(Duration.ofSeconds(10), "id", "-u", OS_USER);
        if (!id.ok()) {
            Proc.Result add = Proc.run(Duration.ofSeconds(30), Binaries.useradd().toString(), "--system", "--user-group",
                    "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                    "--comment", "squad-deploy test servers", OS_USER);
            id = Proc.run(Duration.ofSeconds(10), "id", "-u", OS_USER); // a parallel JVM may have won the race
            if (!id.ok()) {
                throw new IllegalStateException("cannot create OS user " + OS_USER + " for PostgreSQL (initdb refuses root): "
                        + add.stderr());
            }
        }
        String uid = id.stdout().trim();
        String gid = Proc.run(Duration.ofSeconds(10), "id", "-g", OS_USER).orThrow().trim();
        return List.of(Binaries.setpriv().toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
    }
}
