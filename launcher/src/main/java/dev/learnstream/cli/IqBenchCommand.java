package dev.learnstream.cli;

import dev.learnstream.service.QueryService;
import dev.learnstream.service.ServiceConfig;
import dev.learnstream.simulator.KafkaOutput;
import dev.learnstream.simulator.KeyRecordingOutput;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.stack.Dirs;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Ports;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.TopologySettings;
import dev.learnstream.topology.TopologyTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code iq-bench}: latency of interactive queries at a fixed request rate, for keys the queried
 * instance owns (local) and keys it must forward to the other instance. A local broker and
 * registry, simulated learners pre-loaded, two service instances in this JVM; then an open-loop
 * load: requests are sent on schedule whether or not earlier ones have returned, and each latency
 * is measured from its scheduled time ({@link OpenLoopLoad}), so a stall shows up in the figures
 * instead of slowing the load down.
 */
final class IqBenchCommand {

    private static final String KEY = "bench-admin-key-0123456789";

    private IqBenchCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        try {
            return measure(args, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int measure(List<String> args, PrintStream out) throws IOException, InterruptedException {
        final Options options = Options.parse("iq-bench", args, Set.of("rate", "duration", "learners", "events",
                "connections"), Set.of());
        final int connections = Math.max(1, options.integer("connections", 32));
        final int rate = Math.max(1, options.integer("rate", 5_000));
        final Duration duration = options.duration("duration", Duration.ofSeconds(30));
        final int learners = Math.max(10, options.integer("learners", 500));
        final int events = Math.max(1_000, options.integer("events", 20_000));
        final TopicNames names = TopicNames.defaults();
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres())) {
            final Map<String, Object> serdes = EventSerdes.config(stack.registryUrl(), Map.of());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, TopologySettings.defaults(names, serdes), 4, (short) 1, null);
            }
            final Set<String> users = preload(stack, names, serdes, learners, events);
            out.printf(Locale.ROOT, "pre-loaded %d events of %d learners%n", events, users.size());
            final Path work = Files.createTempDirectory("learnstream-iq-bench");
            final int portA = Ports.free();
            final int portB = Ports.free();
            // Resources close in reverse order: both services, then their state directories.
            try (java.io.Closeable deleteWork = () -> Dirs.deleteQuietly(work);
                 QueryService a = QueryService.start(config(stack, work, "a", portA));
                 QueryService b = QueryService.start(config(stack, work, "b", portB))) {
                final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                final String base = "http://127.0.0.1:" + portA;
                final List<String> local = new ArrayList<>();
                final List<String> forwarded = new ArrayList<>();
                Waits.until("instance A to answer every learner", Duration.ofSeconds(180), Duration.ofSeconds(1), () -> {
                    local.clear();
                    forwarded.clear();
                    for (final String user : users) {
                        final HttpResponse<String> response = send(http, base + path(user));
                        if (response == null || response.statusCode() != 200) {
                            return false;
                        }
                        final String servedBy = response.headers().firstValue("X-LearnStream-Served-By").orElse("");
                        (servedBy.endsWith(":" + portA) ? local : forwarded).add(user);
                    }
                    return true;
                });
                out.printf(Locale.ROOT, "instance A owns %d learners, forwards %d to B%n", local.size(), forwarded.size());
                // Measure queries, not the topology catching up: wait until both instances stop consuming.
                final String baseB = "http://127.0.0.1:" + portB;
                final double[] last = {-1};
                Waits.until("the stream threads to be idle", Duration.ofSeconds(300), Duration.ofSeconds(3), () -> {
                    final double consumed = consumed(http, base) + consumed(http, baseB);
                    final boolean idle = consumed == last[0];
                    last[0] = consumed;
                    return idle;
                });
                final OpenLoopLoad localLoad = load(portA, local);
                final OpenLoopLoad forwardedLoad = load(portA, forwarded);
                // Warm up both paths (JIT, connection pools) at the measured rate before measuring.
                localLoad.run(rate, Duration.ofSeconds(10), connections);
                forwardedLoad.run(rate, Duration.ofSeconds(10), connections);
                out.printf(Locale.ROOT, "open loop at %d req/s for %s over %d connections%n", rate, duration,
                        connections);
                out.println("local     " + localLoad.run(rate, duration, connections));
                out.println("forwarded " + forwardedLoad.run(rate, duration, connections));
            }
        }
        return 0;
    }

    /** Records consumed so far by an instance's stream threads, from its Prometheus metrics. */
    private static double consumed(HttpClient http, String base) {
        final HttpResponse<String> metrics = send(http, base + "/metrics");
        if (metrics == null) {
            return -1;
        }
        return metrics.body().lines().filter(line -> line.startsWith("learnstream_topic_records_consumed_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static OpenLoopLoad load(int port, List<String> users) {
        return new OpenLoopLoad("127.0.0.1", port, users.stream().map(IqBenchCommand::path).toList(),
                Map.of("Authorization", "Bearer " + KEY), Duration.ofSeconds(10));
    }

    private static String path(String user) {
        return "/api/v1/users/" + user + "/analytics";
    }

    private static HttpResponse<String> send(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static ServiceConfig config(LocalStack stack, Path work, String name, int port) {
        final Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("SCHEMA_REGISTRY_URL", stack.registryUrl());
        env.put("LEARNSTREAM_API_KEYS", KEY + ":admin");
        env.put("LEARNSTREAM_APPLICATION_ID", "learnstream-iq-bench");
        env.put("LEARNSTREAM_HTTP_HOST", "127.0.0.1");
        env.put("LEARNSTREAM_HTTP_PORT", Integer.toString(port));
        env.put("LEARNSTREAM_ADVERTISED_HOST", "127.0.0.1");
        env.put("LEARNSTREAM_STATE_DIR", work.resolve("state-" + name).toString());
        return ServiceConfig.from(env);
    }

    private static Set<String> preload(LocalStack stack, TopicNames names, Map<String, Object> serdes, int learners,
                                       int events) {
        final Set<String> users = new TreeSet<>();
        try (KafkaOutput kafka = new KafkaOutput(stack.kafkaBootstrap(), new Properties())) {
            new Simulator(new SimulatorConfig(learners, 5, 0, null, events, 0.0, Duration.ofDays(5), true), names,
                    EventSerdes.values(serdes).serializer()::serialize, Clock.systemUTC())
                    .run(new KeyRecordingOutput(kafka, names.name(EventTopic.USER_LOGIN), users), () -> false);
        }
        return users;
    }
}
