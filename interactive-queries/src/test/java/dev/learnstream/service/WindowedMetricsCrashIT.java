package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.results.WindowPartial;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Ports;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.StoreNames;
import dev.learnstream.topology.StreamsSettings;
import dev.learnstream.topology.TopologySettings;
import dev.learnstream.topology.TopologyTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly-once for the windowed metrics across a crash: a service instance is killed with
 * SIGKILL while events stream in, with minute partials buffered in memory since its last commit
 * and windows half rolled up; a new instance takes over from the last committed transaction.
 * Every event must then count once in the one-minute windows and once in the hour windows
 * (events, or late events of a window that had closed), and once in the learners' quiz analytics,
 * whose rows were held decoded in memory between commits ({@code DecodedStore}), on the real broker.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class WindowedMetricsCrashIT {

    private static final String APPLICATION_ID = "learnstream-crash-it";
    private static final int EVENTS = 6_000;

    @Test
    void aServiceKilledMidStreamLeavesEveryEventCountedOnce() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres())) {
            final TopicNames names = TopicNames.defaults();
            final Map<String, Object> serdes = EventSerdes.config(stack.registryUrl(), Map.of());
            final TopologySettings settings = TopologySettings.defaults(names, serdes);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, settings, 2, (short) 1, null);
            }
            final Path work = Files.createTempDirectory("learnstream-crash-it");
            final int port = Ports.free();
            final Process first = ChildService.start("first", APPLICATION_ID, port, stack, work,
                    "crash-it-admin-key-0123456789");
            final AtomicReference<Throwable> failed = new AtomicReference<>();
            final Thread producer = new Thread(() -> {
                try {
                    produce(stack, names, serdes);
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "crash-it-producer");
            try {
                final ApiClient client = new ApiClient(port);
                Waits.until("the first instance to be ready", Duration.ofSeconds(120), Duration.ofMillis(500),
                        () -> ChildService.status(client, "/health/ready", null) == 200);
                producer.start();
                // Mid-stream: the instance has committed some input (every 200 ms), more is arriving.
                Waits.until("the first instance to commit some input", Duration.ofSeconds(30), Duration.ofMillis(100),
                        () -> committed(stack, names) > 1_000);
                assertThat(producer.isAlive()).as("events still arriving at the kill").isTrue();
            } finally {
                first.destroyForcibly().waitFor();
            }
            producer.join(60_000);
            assertThat(failed.get()).isNull();

            // The state goes when the test ends, whatever its outcome (the streams close first).
            try (AutoCloseable deleteState = () -> dev.learnstream.stack.Dirs.deleteQuietly(work);
                 KafkaStreams streams = new KafkaStreams(LearnStreamTopology.build(settings),
                    StreamsSettings.properties(APPLICATION_ID, stack.kafkaBootstrap(), settings, Map.of(
                            StreamsConfig.STATE_DIR_CONFIG, work.resolve("state-second").toString(),
                            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200)))) {
                streams.start();
                final Map<String, Long> counted = new HashMap<>();
                // An hour takes in its 5m windows as they close, the last one a minute (its grace)
                // past the last event on the learner partitions' clocks, which move on with the wall
                // clock 30 s after their last watermark: about 100 s after the takeover's catch-up.
                try {
                    Waits.until("every event counted in the 1m and 1h windows and the quiz analytics",
                            Duration.ofSeconds(210), Duration.ofSeconds(1), () -> {
                                counted.put("1m", counted(streams, "1m"));
                                counted.put("1h", counted(streams, "1h"));
                                counted.put("quizzes", attempts(streams));
                                return counted.get("1m") >= EVENTS && counted.get("1h") >= EVENTS
                                        && counted.get("quizzes") >= EVENTS;
                            });
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + "; last counts " + counted, e);
                }
                // Counted once: nothing more arrives later.
                Thread.sleep(3_000);
                assertThat(counted(streams, "1m")).as("events and late events in the 1m windows").isEqualTo(EVENTS);
                assertThat(counted(streams, "1h")).as("events and late events in the 1h windows").isEqualTo(EVENTS);
                assertThat(attempts(streams)).as("attempts over the learners' quiz analytics").isEqualTo(EVENTS);
                streams.close(Duration.ofSeconds(30));
            }
        }
    }

    /** Module quizzes of 50 learners, in time order, at about 1,000 a second. */
    private static void produce(LocalStack stack, TopicNames names, Map<String, Object> serdes)
            throws InterruptedException {
        final Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");
        final Serializer<SpecificRecord> values = EventSerdes.values(serdes).serializer();
        final String topic = names.name(EventTopic.MODULE_QUIZ);
        // Forty minutes of history ending on the last millisecond of a five-minute window 15 to 20
        // minutes ago: its last 5m window, which the hour takes in when it closes, closes (end plus
        // a minute's grace) a minute of event time after the last event.
        final long end = (System.currentTimeMillis() / 300_000 - 3) * 300_000 - 1;
        final Instant start = Instant.ofEpochMilli(end - 400L * (EVENTS - 1));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < EVENTS; i++) {
                final String user = "crash-learner-" + (i % 50);
                final ModuleQuizCompleted quiz = ModuleQuizCompleted.newBuilder().setEventId(UUID.randomUUID())
                        .setUserId(user).setOccurredAt(start.plusMillis(400L * i)).setDomain("dsa")
                        .setCourse("dsa-101").setModule(List.of("dsa-arrays", "dsa-lists").get(i % 2))
                        .setScore(40 + i % 60).setTimeTakenSeconds(120).build();
                // The record timestamp is the event's time, as every producer of ours sets it.
                producer.send(new ProducerRecord<>(topic, null, quiz.getOccurredAt().toEpochMilli(), user,
                        values.serialize(topic, quiz)));
                if (i % 100 == 99) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Input offsets the application has committed on the module quiz topic, over its partitions. */
    private static long committed(LocalStack stack, TopicNames names) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            return admin.listConsumerGroupOffsets(APPLICATION_ID).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(entry -> entry.getKey().topic().equals(names.name(EventTopic.MODULE_QUIZ)))
                    .mapToLong(entry -> entry.getValue().offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (java.util.concurrent.ExecutionException e) {
            return 0;
        }
    }

    /** Attempts over every row of the quiz analytics (as the last commit left them); -1 while the store moves. */
    private static long attempts(KafkaStreams streams) {
        return sum(streams, StoreNames.QUIZ_ANALYTICS, (QuizAnalytics row) -> row.getAttemptCount());
    }

    /** Events plus late events over the windows of one size, dimension "all"; -1 while the store moves. */
    private static long counted(KafkaStreams streams, String size) {
        return sum(streams, StoreNames.WINDOWED_METRICS, (WindowPartial window) ->
                window.getWindowSize().equals(size) && window.getDimension().equals("all")
                        ? window.getEvents() + window.getLateEvents() : 0L);
    }

    /** {@code count} summed over every row of a store, read through interactive queries; -1 while it moves. */
    private static <V> long sum(KafkaStreams streams, String storeName, java.util.function.ToLongFunction<V> count) {
        try {
            final ReadOnlyKeyValueStore<String, V> store = streams.store(StoreQueryParameters
                    .fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore()));
            long total = 0;
            try (KeyValueIterator<String, V> all = store.all()) {
                while (all.hasNext()) {
                    total += count.applyAsLong(all.next().value);
                }
            }
            return total;
        } catch (InvalidStateStoreException e) {
            return -1;
        }
    }
}
