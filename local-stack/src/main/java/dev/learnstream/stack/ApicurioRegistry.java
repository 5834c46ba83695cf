package dev.learnstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Schema Registry speaking the Confluent API: Apicurio Registry 3.0.9 (Java 17, in-memory
 * storage) in a child JVM. The distribution comes from Maven Central
 * ({@code io.apicurio:apicurio-registry-app:3.0.9:tar.gz:all}, a dependency of this module) and is
 * unpacked once into a cache directory.
 */
public final class ApicurioRegistry implements AutoCloseable {

    public static final String VERSION = "3.0.9";
    /** Where a given archive is taken from, ahead of the local Maven repository. */
    public static final String ARCHIVE_PROPERTY = "learnstream.apicurio.archive";
    public static final String ARCHIVE_ENV = "LEARNSTREAM_APICURIO_ARCHIVE";

    private static final String DIST = "apicurio-registry-app-" + VERSION;
    private static final String RUNNER = DIST + "-runner.jar";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final int port;
    private final Path log;
    private ChildJvm jvm;

    private ApicurioRegistry(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    public static ApicurioRegistry start(Path dir) {
        final Path home = unpacked();
        final ApicurioRegistry registry = new ApicurioRegistry(Ports.free(), dir.resolve("registry.log"));
        try {
            Files.createDirectories(dir);
            registry.jvm = ChildJvm.start("Apicurio Registry",
                    home.resolve(RUNNER) + java.io.File.pathSeparator + ChildJvm.watchdogClasspathEntry(),
                    List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                            "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + registry.port,
                            "-Dquarkus.log.level=WARN", "-Dquarkus.banner.enabled=false",
                            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"),
                    "io.quarkus.runner.GeneratedMain", List.of(), home, registry.log);
            registry.awaitReady();
            return registry;
        } catch (IOException e) {
            registry.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Base URL of the Confluent-compatible API, the value for {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return jvm.pid();
    }

    private void awaitReady() {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        Waits.until("Apicurio Registry at " + url() + " (log: " + log + ")", READY_TIMEOUT, Duration.ofMillis(200), () -> {
            jvm.checkAlive();
            try {
                return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** The unpacked distribution, unpacking the archive on first use (atomically, so runs can race). */
    static Path unpacked() {
        final Path cache = cacheDir().resolve(DIST);
        if (Files.isRegularFile(cache.resolve(RUNNER))) {
            return cache;
        }
        final Path archive = archive();
        try {
            Files.createDirectories(cache.getParent());
            final Path staging = Files.createTempDirectory(cache.getParent(), DIST + ".unpacking-");
            final Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", staging.toString())
                    .redirectErrorStream(true).start();
            final String output = new String(tar.getInputStream().readAllBytes());
            if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                throw new IllegalStateException("Unpacking " + archive + " failed: " + output);
            }
            if (!Files.isRegularFile(staging.resolve(RUNNER))) {
                throw new IllegalStateException(archive + " does not contain " + RUNNER);
            }
            try {
                Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException raced) {
                // Another process unpacked it first; theirs is as good as ours.
                Dirs.deleteQuietly(staging);
            }
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + archive + " into " + cache, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while unpacking " + archive, e);
        }
    }

    private static Path archive() {
        String given = System.getProperty(ARCHIVE_PROPERTY);
        if (given == null || given.isBlank()) {
            given = System.getenv(ARCHIVE_ENV);
        }
        final Path archive = given != null && !given.isBlank() ? Path.of(given)
                : Path.of(System.getProperty("maven.repo.local",
                        Path.of(System.getProperty("user.home"), ".m2", "repository").toString()))
                        .resolve("io/apicurio/apicurio-registry-app/" + VERSION + "/" + DIST + "-all.tar.gz");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Apicurio Registry distribution not found at " + archive
                    + ". Build once with ./mvnw (it is a dependency of local-stack), or set " + ARCHIVE_PROPERTY
                    + " / " + ARCHIVE_ENV + " to the tar.gz, or use --registry mock");
        }
        return archive;
    }

    static Path cacheDir() {
        final String home = System.getenv("LEARNSTREAM_CACHE");
        return home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "learnstream");
    }


    public void kill() {
        if (jvm != null) {
            jvm.kill();
        }
    }

    @Override
    public void close() {
        if (jvm != null) {
            jvm.close();
        }
    }
}
