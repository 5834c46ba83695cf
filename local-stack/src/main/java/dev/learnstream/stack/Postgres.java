package dev.learnstream.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server from the embedded binaries on Maven Central (zonky), on 127.0.0.1
 * with a free port, holding a {@code learnstream} database.
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "learnstream";

    private final Path dir;
    private volatile EmbeddedPostgres server;
    private volatile Process guard;
    private volatile long pid;

    private Postgres(Path dir, EmbeddedPostgres server, Process guard, long pid) {
        this.dir = dir;
        this.server = server;
        this.guard = guard;
        this.pid = pid;
    }

    /** A server on {@code dir}'s data directory, which it never deletes itself (see {@link #start}). */
    private static EmbeddedPostgres server(Path dir, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(false)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .start();
    }

    public static Postgres start(Path dir) {
        try {
            Files.createDirectories(dir);
            // A fresh data directory, deleted by close() rather than by the embedded server's own
            // close: that one would also delete it on restart().
            Dirs.deleteQuietly(dir.resolve("data"));
            final EmbeddedPostgres server = server(dir, Ports.free());
            try (Connection connection = server.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
            final long pid = postmasterPid(dir.resolve("data"));
            return new Postgres(dir, server, guard(pid), pid);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("Embedded PostgreSQL started but creating database " + DATABASE
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * pg_ctl daemonizes the server, so it outlives this JVM if the JVM is killed. A tiny shell
     * holds a pipe from us; when the pipe closes (we exited, however) it stops the server fast.
     */
    private static Process guard(long pid) throws IOException {
        return new ProcessBuilder("sh", "-c", "cat > /dev/null; kill -INT " + pid + " 2>/dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static long postmasterPid(Path dataDir) throws IOException {
        final String first = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
        try {
            return Long.parseLong(first);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Unexpected postmaster.pid in " + dataDir + ": " + first, e);
        }
    }

    /**
     * Stops the server (fast shutdown: clients are disconnected) and starts it again on the same
     * port and data, as an operator's restart would; for tests of clients that must survive it.
     */
    public synchronized void restart() {
        final int port = server.getPort();
        guard.destroyForcibly();
        try {
            server.close();
            server = server(dir, port);
            pid = postmasterPid(dir.resolve("data"));
            guard = guard(pid);
        } catch (IOException e) {
            throw new UncheckedIOException("Restarting embedded PostgreSQL in " + dir + " failed", e);
        }
    }

    /** Process id of the server (the postmaster). */
    public long pid() {
        return pid;
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + DATABASE + "?user=postgres";
    }

    @Override
    public void close() {
        // A clean stop needs no guard; kill it before it could signal a reused pid later.
        guard.destroyForcibly();
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Stopping embedded PostgreSQL failed", e);
        } finally {
            Dirs.deleteQuietly(dir.resolve("data"));
        }
    }
}
