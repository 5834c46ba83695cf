package dev.learnstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The local stack of {@code dev} mode and of the integration tests: a Kafka broker, a Schema
 * Registry and PostgreSQL, each embedded unless an external one is given. Parts start in
 * parallel; {@link #close()} stops all of them, and a JVM shutdown hook does too (Ctrl-C).
 */
public final class LocalStack implements AutoCloseable {

    /** Which registry to use. */
    public enum RegistryKind { APICURIO, MOCK, EXTERNAL }

    /**
     * @param externalKafka bootstrap servers of an existing cluster, or null for an embedded broker
     * @param registryUrl   the registry URL when {@code registry} is EXTERNAL, the scope name for MOCK
     * @param externalPostgres JDBC URL of an existing server, or null for an embedded one
     * @param withPostgres  whether PostgreSQL is needed at all
     */
    public record Options(Path workDir, String externalKafka, RegistryKind registry, String registryUrl,
                          String externalPostgres, boolean withPostgres) {

        public static Options embedded() {
            return new Options(null, null, RegistryKind.APICURIO, null, null, true);
        }

        public Options withRegistry(RegistryKind kind, String url) {
            return new Options(workDir, externalKafka, kind, url, externalPostgres, withPostgres);
        }

        public Options withoutPostgres() {
            return new Options(workDir, externalKafka, registry, registryUrl, externalPostgres, false);
        }
    }

    private final Path workDir;
    private final boolean ownsWorkDir;
    private final Map<String, Duration> startupTimes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<AutoCloseable> parts = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook = new Thread(this::stopParts, "local-stack-shutdown");
    private volatile KafkaBroker broker;
    private volatile ApicurioRegistry apicurio;
    private volatile Postgres postgres;
    private String kafkaBootstrap;
    private String registryUrl;
    private String postgresJdbcUrl;
    private Duration totalStartup;

    private LocalStack(Path workDir, boolean ownsWorkDir) {
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
    }

    public static LocalStack start(Options options) {
        final long begin = System.nanoTime();
        final Path dir;
        try {
            dir = options.workDir() != null ? Files.createDirectories(options.workDir())
                    : Files.createTempDirectory("learnstream-stack-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the stack's work directory", e);
        }
        final LocalStack stack = new LocalStack(dir, options.workDir() == null);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            final CompletableFuture<String> kafka = options.externalKafka() != null
                    ? CompletableFuture.completedFuture(options.externalKafka())
                    : stack.async("kafka", () -> {
                        stack.broker = stack.register(KafkaBroker.start(dir.resolve("kafka"), Map.of()));
                        return stack.broker.bootstrapServers();
                    });
            final CompletableFuture<String> registry = switch (options.registry()) {
                case MOCK -> CompletableFuture.completedFuture("mock://"
                        + (options.registryUrl() == null ? "learnstream" : options.registryUrl()));
                case EXTERNAL -> CompletableFuture.completedFuture(options.registryUrl());
                case APICURIO -> stack.async("registry", () -> {
                    stack.apicurio = stack.register(ApicurioRegistry.start(dir.resolve("registry")));
                    return stack.apicurio.url();
                });
            };
            final CompletableFuture<String> database = !options.withPostgres() ? CompletableFuture.completedFuture(null)
                    : options.externalPostgres() != null ? CompletableFuture.completedFuture(options.externalPostgres())
                    : stack.async("postgres", () -> {
                        stack.postgres = stack.register(Postgres.start(dir.resolve("postgres")));
                        return stack.postgres.jdbcUrl();
                    });
            stack.kafkaBootstrap = kafka.join();
            stack.registryUrl = registry.join();
            stack.postgresJdbcUrl = database.join();
            stack.totalStartup = Duration.ofNanos(System.nanoTime() - begin);
            return stack;
        } catch (CompletionException e) {
            stack.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private <T> CompletableFuture<T> async(String part, Supplier<T> starter) {
        return CompletableFuture.supplyAsync(() -> {
            final long begin = System.nanoTime();
            final T result = starter.get();
            startupTimes.put(part, Duration.ofNanos(System.nanoTime() - begin));
            return result;
        });
    }

    private <T extends AutoCloseable> T register(T part) {
        parts.add(part);
        return part;
    }

    /**
     * For callers that stop the stack themselves on shutdown, after their own clients: removes the
     * stack's shutdown hook, which would otherwise stop the parts while those clients still run.
     */
    public LocalStack withoutShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Too late to hand over; the hook stops the parts.
        }
        return this;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** JDBC URL of PostgreSQL, or null when started without it. */
    public String postgresJdbcUrl() {
        return postgresJdbcUrl;
    }

    public Path workDir() {
        return workDir;
    }

    /** The embedded broker, for tests that crash it; null when Kafka is external. */
    public KafkaBroker broker() {
        return broker;
    }

    /** The embedded PostgreSQL, for tests that restart it; null when external or not started. */
    public Postgres postgres() {
        return postgres;
    }

    /** Process ids of the embedded parts, by part name. */
    public Map<String, Long> pids() {
        final Map<String, Long> pids = new LinkedHashMap<>();
        if (broker != null) {
            pids.put("kafka", broker.pid());
        }
        if (apicurio != null) {
            pids.put("registry", apicurio.pid());
        }
        if (postgres != null) {
            pids.put("postgres", postgres.pid());
        }
        return pids;
    }

    /** Start-up time of each embedded part. */
    public Map<String, Duration> startupTimes() {
        return Map.copyOf(startupTimes);
    }

    public Duration totalStartup() {
        return totalStartup;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; stopping twice is harmless.
        }
        stopParts();
    }

    private void stopParts() {
        final List<AutoCloseable> toStop;
        synchronized (parts) {
            toStop = new ArrayList<>(parts);
            parts.clear();
        }
        Collections.reverse(toStop);
        for (final AutoCloseable part : toStop) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("Stopping " + part.getClass().getSimpleName() + " failed: " + e.getMessage());
            }
        }
        if (ownsWorkDir) {
            Dirs.deleteQuietly(workDir);
        }
    }
}
