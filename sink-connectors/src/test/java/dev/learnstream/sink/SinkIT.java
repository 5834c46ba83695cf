package dev.learnstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.simulator.KafkaOutput;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.stack.ChildJvm;
import dev.learnstream.stack.Dirs;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Ports;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.DeadLetters;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.ResultTopics;
import dev.learnstream.topology.StreamsSettings;
import dev.learnstream.topology.TopologySettings;
import dev.learnstream.topology.TopologyTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The sink end to end on a real broker, registry and PostgreSQL, fed by the real topology and
 * simulated learners: killed with kill -9 mid-transaction, PostgreSQL restarted under it, then a
 * full replay; the tables must equal the final state of the result topics every time. The
 * Grafana panels' SQL then runs against what the run produced.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SinkIT {

    private static LocalStack stack;
    private static Path work;
    private static Jdbi jdbi;
    private static Process sink;
    private static SimulatorStats simulated;
    private static final List<TableMapping<?>> MAPPINGS = SinkTables.all();

    @BeforeAll
    static void runTheTopologyWithASinkThatIsKilledAndAPostgresThatRestarts() throws Exception {
        // Under target/, kept after the run: the sink processes' logs are there.
        work = Files.createDirectories(Path.of("target", "sink-it"));
        Dirs.deleteQuietly(work.resolve("streams"));
        // Logs of an earlier run would satisfy this run's waits for log lines before the sinks write any.
        try (java.util.stream.Stream<Path> old = Files.list(work)) {
            for (final Path log : old.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.delete(log);
            }
        }
        stack = LocalStack.start(LocalStack.Options.embedded());
        jdbi = Jdbi.create(stack.postgresJdbcUrl());
        final TopicNames names = TopicNames.defaults();
        final Map<String, Object> serdes = EventSerdes.config(stack.registryUrl(), Map.of());
        final TopologySettings defaults = TopologySettings.defaults(names, serdes);
        // Punctuate often, so windows of the simulated history close within the run.
        final TopologySettings settings = new TopologySettings(names, serdes, defaults.dedupHorizon(), defaults.dropAfter(),
                Duration.ofSeconds(2), defaults.maxFutureSkew(), defaults.memory());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            TopologyTopics.ensure(admin, settings, 2, (short) 1, null);
        }
        final Properties props = StreamsSettings.properties("learnstream-sink-it", stack.kafkaBootstrap(), settings,
                Map.of(StreamsConfig.STATE_DIR_CONFIG, work.resolve("streams").toString(),
                        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200));
        final AtomicReference<SimulatorStats> stats = new AtomicReference<>();
        try (KafkaStreams streams = new KafkaStreams(LearnStreamTopology.build(settings), props)) {
            streams.start();
            final Thread simulator = new Thread(() -> {
                try (KafkaOutput output = new KafkaOutput(stack.kafkaBootstrap(), new Properties())) {
                    stats.set(new Simulator(new SimulatorConfig(300, 11, 1_500, null, 30_000, 0.05, Duration.ofDays(3), true),
                            names, EventSerdes.values(serdes).serializer()::serialize, Clock.systemUTC())
                            .run(output, () -> false));
                }
            }, "simulator");
            simulator.start();

            sink = startSink("sink-1", false);
            Waits.until("the sink commits its first batches", Duration.ofSeconds(90), Duration.ofMillis(100),
                    () -> storedOffsetTotal() > 500);
            // kill -9 while a transaction of the sink is open: rows written, offsets not yet committed.
            final String[] state = new String[1];
            Waits.until("a sink transaction in flight", Duration.ofSeconds(60), Duration.ZERO, () -> {
                state[0] = openSinkTransaction();
                return state[0] != null;
            });
            sink.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            System.out.println("sink killed (SIGKILL) while a transaction was '" + state[0] + "', at "
                    + storedOffsetTotal() + " stored offsets");

            sink = startSink("sink-2", false);
            final long before = storedOffsetTotal();
            Waits.until("the restarted sink makes progress", Duration.ofSeconds(90), Duration.ofMillis(100),
                    () -> storedOffsetTotal() > before);
            final long restartBegin = System.nanoTime();
            stack.postgres().restart();
            System.out.printf("PostgreSQL restarted in %.1f s while the sink was writing%n",
                    (System.nanoTime() - restartBegin) / 1e9);

            simulator.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(stats.get()).as("the simulator finished").isNotNull();
            simulated = stats.get();
            // Let the topology finish the input, then stop it so the result topics stop changing.
            final long bad = simulated.bad();
            Waits.until("the topology has processed every input, dead letters counted", Duration.ofSeconds(120),
                    Duration.ofSeconds(1), () -> inputLag(streams) == 0 && deadLettersCounted() == bad);
            // A first start closes no window for 30 s (the roll-up waits for every learner partition).
            Waits.until("the topology has closed windows", Duration.ofSeconds(90), Duration.ofSeconds(1),
                    () -> !TableContents.fromTopics(stack.kafkaBootstrap(), stack.registryUrl(),
                            List.of(SinkTables.windowedMetrics())).get("windowed_metrics").isEmpty());
            streams.close(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        if (sink != null) {
            sink.destroyForcibly();
        }
        if (stack != null) {
            stack.close();
        }
        Dirs.deleteQuietly(work.resolve("streams"));
    }

    @Test
    @Order(1)
    void afterAKillAndADatabaseRestartTheTablesEqualTheResultTopics() {
        final Map<String, Map<String, List<Object>>> expected = TableContents.fromTopics(stack.kafkaBootstrap(),
                stack.registryUrl(), MAPPINGS);
        assertThat(expected.get("quiz_analytics")).as("the run produced quiz analytics").hasSizeGreaterThan(100);
        assertThat(expected.get("memory_scores")).as("the run produced memory scores").isNotEmpty();
        assertThat(expected.get("windowed_metrics")).as("the run closed windows").isNotEmpty();
        awaitTablesEqual(expected, "after kill -9 and a PostgreSQL restart");
        assertThat(log("sink-2")).as("the restart was met by the first retry, after 1 s")
                .containsPattern("failed \\(SQLState (08|57P)[0-9A-Z]*:.*\\); retrying in PT1S");
        System.out.println("simulated " + simulated.total() + " events; tables: " + rowCounts());
    }

    @Test
    @Order(2)
    void aRecordThatCannotBeWrittenGoesToTheSinkDeadLetterTopicAndTheSinkGoesOn() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                stack.kafkaBootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(ResultTopics.QUIZ_ANALYTICS, 0, "broken-key".getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        final List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                stack.kafkaBootstrap(), "auto.offset.reset", "earliest", "group.id", "sink-it-dlq-reader"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(ResultTopics.QUIZ_ANALYTICS + JdbcSink.DLQ_SUFFIX));
            Waits.until("the dead letter arrives", Duration.ofSeconds(60), Duration.ZERO, () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(letters::add);
                return !letters.isEmpty();
            });
        }
        final ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(header(letter, DeadLetters.STAGE)).isEqualTo("sink-map");
        assertThat(header(letter, DeadLetters.ERROR_MESSAGE)).contains("key has 1 part(s); table quiz_analytics needs 5");
        assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(ResultTopics.QUIZ_ANALYTICS);
        assertThat(header(letter, DeadLetters.SOURCE_OFFSET)).isNotBlank();
        // The sink went past it: its stored offset for that partition covers the bad record.
        final long badOffset = Long.parseLong(header(letter, DeadLetters.SOURCE_OFFSET));
        Waits.until("the sink's offset passes the bad record", Duration.ofSeconds(30), Duration.ofMillis(200),
                () -> storedOffset(ResultTopics.QUIZ_ANALYTICS, 0) > badOffset);

        final String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sinkHttpPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("learnstream_sink_rows_written_total{operation=\"upsert\",table=\"quiz_analytics\"}")
                .contains("learnstream_sink_consumer_lag{topic=\"learnstream.quiz-analytics\"}")
                .contains("learnstream_sink_batch_seconds_bucket")
                .contains("learnstream_sink_dead_letters_total{stage=\"map\",topic=\"learnstream.quiz-analytics\"} 1.0");
    }

    @Test
    @Order(3)
    void resettingTheOffsetsAndReplayingGivesIdenticalTables() throws Exception {
        final Map<String, Map<String, List<Object>>> before = snapshot();
        sink.destroy();
        assertThat(sink.waitFor(30, TimeUnit.SECONDS)).as("SIGTERM stops the sink").isTrue();
        assertThat(sink.exitValue()).as("exit status after SIGTERM").isZero();

        sink = startSink("sink-replay", true);
        // Only compare once the reset has emptied the tables, or the old rows would pass for a replay.
        Waits.until("the replaying sink has reset its offsets and tables", Duration.ofSeconds(60), Duration.ofMillis(200),
                () -> log("sink-replay").contains("replaying from the beginning"));
        awaitTablesEqual(before, "after resetting the offsets and replaying");
        assertThat(log("sink-replay")).contains("Positioned 22 partition(s) from sink_offsets");
    }

    @Test
    @Order(4)
    void everyGrafanaPanelQueryRunsOnTheMigratedSchemaAndFindsTheRunsData() throws Exception {
        final java.util.Set<String> exposed = new java.util.HashSet<>();
        // The sink's metrics as its /metrics endpoint serves them...
        final String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sinkHttpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .forEach(line -> exposed.add(line.split("[{ ]", 2)[0]));
        // ...and the service's own counters, by their Micrometer names (the service is not running here).
        try (java.util.stream.Stream<Path> sources = Files.walk(Path.of("..", "interactive-queries", "src", "main", "java"))) {
            for (final Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                final java.util.regex.Matcher name = java.util.regex.Pattern.compile("\"(learnstream\\.[a-z.]+)\"")
                        .matcher(Files.readString(source));
                while (name.find()) {
                    exposed.add(name.group(1).replace('.', '_') + "_total");
                }
            }
        }
        final java.time.Instant now = java.time.Instant.now();
        try (Handle handle = jdbi.open()) {
            final List<String> report = GrafanaPanels.check(handle, Path.of("..", "grafana"), exposed,
                    now.minus(Duration.ofDays(4)), now.plus(Duration.ofHours(1)));
            report.forEach(System.out::println);
            assertThat(report).hasSizeGreaterThan(20);
        }
    }

    private static void awaitTablesEqual(Map<String, Map<String, List<Object>>> expected, String when) {
        final AtomicReference<String> difference = new AtomicReference<>();
        try {
            Waits.until("tables equal to the topics " + when, Duration.ofSeconds(120), Duration.ofSeconds(1), () -> {
                final Map<String, Map<String, List<Object>>> actual = snapshot();
                for (final TableMapping<?> mapping : MAPPINGS) {
                    final Map<String, List<Object>> want = expected.get(mapping.table());
                    final Map<String, List<Object>> have = actual.getOrDefault(mapping.table(), Map.of());
                    if (!want.equals(have)) {
                        difference.set(mapping.table() + ": expected " + TableContents.describe(want) + " but was "
                                + TableContents.describe(have));
                        return false;
                    }
                }
                return true;
            });
        } catch (AssertionError | IllegalStateException e) {
            throw new AssertionError("Tables differ " + when + ": " + difference.get(), e);
        }
    }

    private static Map<String, Map<String, List<Object>>> snapshot() {
        final Map<String, Map<String, List<Object>>> tables = new HashMap<>();
        try (Handle handle = jdbi.open()) {
            for (final TableMapping<?> mapping : MAPPINGS) {
                tables.put(mapping.table(), TableContents.fromTable(handle, mapping));
            }
        } catch (RuntimeException e) {
            // PostgreSQL may be restarting; the caller's wait tries again.
            System.out.println("snapshot failed: " + e);
            return Map.of();
        }
        return tables;
    }

    private static Map<String, Integer> rowCounts() {
        final Map<String, Integer> counts = new java.util.TreeMap<>();
        snapshot().forEach((table, rows) -> counts.put(table, rows.size()));
        return counts;
    }

    private static long storedOffsetTotal() {
        try (Handle handle = jdbi.open()) {
            return handle.createQuery("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets").mapTo(Long.class).one();
        } catch (RuntimeException notYetMigratedOrRestarting) {
            return 0;
        }
    }

    private static long storedOffset(String topic, int partition) {
        try (Handle handle = jdbi.open()) {
            return handle.createQuery("SELECT coalesce(max(next_offset), -1) FROM sink_offsets WHERE topic = ? AND partition = ?")
                    .bind(0, topic).bind(1, partition).mapTo(Long.class).one();
        }
    }

    /** State of an open transaction of the sink's connections, or null. */
    private static String openSinkTransaction() {
        try (Handle handle = jdbi.open()) {
            return handle.createQuery("SELECT state FROM pg_stat_activity WHERE application_name = 'learnstream-sink' "
                            + "AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction') LIMIT 1")
                    .mapTo(String.class).findOne().orElse(null);
        }
    }

    /** Dead letters counted by the topology so far (the dlq-counts result topic's final state). */
    private static long deadLettersCounted() {
        return TableContents.fromTopics(stack.kafkaBootstrap(), stack.registryUrl(), List.of(SinkTables.dlqCounts()))
                .get("dlq_counts").values().stream().mapToLong(row -> (Long) row.get(2)).sum();
    }

    private static long inputLag(KafkaStreams streams) {
        return streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals("records-lag") && m.metricName().group().equals("consumer-fetch-manager-metrics"))
                .mapToLong(m -> {
                    final Object value = m.metricValue();
                    return value instanceof Double d && !d.isNaN() ? d.longValue() : 0L;
                }).sum();
    }

    private static int sinkHttpPort;

    private static Process startSink(String name, boolean reset) {
        sinkHttpPort = Ports.free();
        final Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("SCHEMA_REGISTRY_URL", stack.registryUrl());
        env.put("LEARNSTREAM_SINK_JDBC_URL", stack.postgresJdbcUrl());
        env.put("LEARNSTREAM_SINK_HTTP_HOST", "127.0.0.1");
        env.put("LEARNSTREAM_SINK_HTTP_PORT", Integer.toString(sinkHttpPort));
        // A killed member's partitions move to the new one without waiting 45 s for its session to expire.
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        final Process process = ChildJvm.start(name, System.getProperty("java.class.path"), List.of("-Xmx256m"),
                SinkMain.class.getName(), reset ? List.of("--reset-offsets") : List.of(), Path.of("").toAbsolutePath(),
                work.resolve(name + ".log"), env).process();
        System.out.println(name + " started, log " + work.resolve(name + ".log"));
        return process;
    }

    private static String log(String name) {
        try {
            return Files.readString(work.resolve(name + ".log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        final var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
