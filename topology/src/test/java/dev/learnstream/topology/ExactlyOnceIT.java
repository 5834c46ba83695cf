package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.results.DlqCount;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.simulator.KafkaOutput;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.stack.Dirs;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole topology on a real KRaft broker with exactly_once_v2 and a real registry: simulated
 * learners with 20 % bad events in, and two quizzes stamped ahead of the broker's clock, then
 * (read_committed) the DLQ counts equal the bad events and the quiz analytics count every good
 * quiz exactly once. Then the application restarts on an empty state directory (every store
 * restored from its changelog) and a producer retry of an earlier quiz arrives with a new quiz:
 * only the new one counts, so dedup still knows the ids it saw before the restart.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExactlyOnceIT {

    @Test
    void resultsAndDeadLettersAreExactUnderExactlyOnce() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres())) {
            final TopicNames names = TopicNames.defaults();
            final Map<String, Object> serdes = EventSerdes.config(stack.registryUrl(), Map.of());
            final TopologySettings settings = TopologySettings.defaults(names, serdes);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, settings, 2, (short) 1, null);
            }
            final SimulatorStats stats;
            try (KafkaOutput output = new KafkaOutput(stack.kafkaBootstrap(), new Properties())) {
                stats = new Simulator(new SimulatorConfig(200, 5, 0, null, 8_000, 0.2, Duration.ofDays(5), true), names,
                        EventSerdes.values(serdes).serializer()::serialize, Clock.systemUTC()).run(output, () -> false);
            }
            // Two quizzes stamped ahead of the broker's clock, as a producer setting the record timestamp
            // from occurredAt would: 12 h ahead is valid and counted, 3 days ahead breaks the rule and is
            // dead-lettered. The broker's default allowance (an hour) would refuse both.
            final List<ModuleQuizCompleted> ahead = sendAhead(stack, names, serdes, Duration.ofHours(12),
                    Duration.ofDays(3));
            final long goodQuizzes = stats.goodByTopic().getOrDefault("module_quiz_events", 0L)
                    + stats.goodByTopic().getOrDefault("diagnostic_quiz_events", 0L) + 1;
            final long bad = stats.bad() + 1;
            assertThat(goodQuizzes).isGreaterThan(1);

            final Path stateDir = Files.createTempDirectory("learnstream-eos-it");
            // The state directory goes when the test ends, whatever its outcome, not with the machine's /tmp.
            try (AutoCloseable deleteState = () -> Dirs.deleteQuietly(stateDir);
                 KafkaConsumer<String, Object> consumer = CommittedReader.of(stack, serdes, "eos-it-reader")) {
                consumer.subscribe(List.of(ResultTopics.DLQ_COUNTS, ResultTopics.QUIZ_ANALYTICS));
                final Map<String, DlqCount> dlqCounts = new HashMap<>();
                final Map<String, QuizAnalytics> quizzes = new HashMap<>();
                try (KafkaStreams streams = start(stack, settings, stateDir)) {
                    awaitTotals(consumer, dlqCounts, quizzes, bad, goodQuizzes);
                    // Leaving the group, so the next start need not wait out this member's session.
                    streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
                }

                // A restart with nothing on disk: the stores come back from their changelogs only.
                Dirs.deleteQuietly(stateDir);
                try (KafkaStreams streams = start(stack, settings, stateDir)) {
                    final ModuleQuizCompleted counted = ahead.get(0);
                    final ModuleQuizCompleted fresh = ModuleQuizCompleted.newBuilder(counted)
                            .setEventId(UUID.randomUUID()).build();
                    send(stack, names, serdes, List.of(counted, fresh));
                    awaitTotals(consumer, dlqCounts, quizzes, bad, goodQuizzes + 1);
                    streams.close(Duration.ofSeconds(30));
                }
            }
        }
    }

    private static KafkaStreams start(LocalStack stack, TopologySettings settings, Path stateDir) {
        final Properties props = StreamsSettings.properties("learnstream-eos-it", stack.kafkaBootstrap(), settings,
                Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200));
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        final KafkaStreams streams = new KafkaStreams(LearnStreamTopology.build(settings), props);
        streams.start();
        return streams;
    }

    /** Reads committed results until the totals match, then checks that nothing more comes (no double counting). */
    private static void awaitTotals(KafkaConsumer<String, Object> consumer, Map<String, DlqCount> dlqCounts,
                                    Map<String, QuizAnalytics> quizzes, long bad, long quizAttempts) {
        Waits.until("DLQ counts = " + bad + " and quiz attempts = " + quizAttempts, Duration.ofSeconds(180),
                Duration.ZERO, () -> {
                    read(consumer, dlqCounts, quizzes, Duration.ofMillis(500));
                    return dlqCounts.values().stream().mapToLong(DlqCount::getCount).sum() == bad
                            && quizzes.values().stream().mapToLong(QuizAnalytics::getAttemptCount).sum() == quizAttempts;
                });
        read(consumer, dlqCounts, quizzes, Duration.ofSeconds(2));
        assertThat(quizzes.values().stream().mapToLong(QuizAnalytics::getAttemptCount).sum()).isEqualTo(quizAttempts);
        assertThat(dlqCounts.values().stream().mapToLong(DlqCount::getCount).sum()).isEqualTo(bad);
    }

    private static void read(KafkaConsumer<String, Object> consumer, Map<String, DlqCount> dlqCounts,
                             Map<String, QuizAnalytics> quizzes, Duration wait) {
        for (final ConsumerRecord<String, Object> record : consumer.poll(wait)) {
            if (record.value() instanceof DlqCount count) {
                dlqCounts.put(record.key(), count);
            } else if (record.value() instanceof QuizAnalytics quiz) {
                quizzes.put(record.key(), quiz);
            }
        }
    }

    /** One module quiz per offset, each stamped (occurredAt and record timestamp) that far ahead of now. */
    private static List<ModuleQuizCompleted> sendAhead(LocalStack stack, TopicNames names, Map<String, Object> serdes,
                                                       Duration... aheads) throws Exception {
        final List<ModuleQuizCompleted> quizzes = new ArrayList<>();
        for (final Duration ahead : aheads) {
            quizzes.add(TestEvents.aQuiz().setUserId("ahead-learner").setOccurredAt(Instant.now().plus(ahead)).build());
        }
        send(stack, names, serdes, quizzes);
        return quizzes;
    }

    /** Sends quizzes as a producer would, the record timestamp being occurredAt. */
    private static void send(LocalStack stack, TopicNames names, Map<String, Object> serdes,
                             List<ModuleQuizCompleted> quizzes) throws Exception {
        final Serializer<SpecificRecord> values = EventSerdes.values(serdes).serializer();
        final String topic = names.name(EventTopic.MODULE_QUIZ);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()), new StringSerializer(),
                new ByteArraySerializer())) {
            for (final ModuleQuizCompleted quiz : quizzes) {
                // get(): a refused timestamp fails the test here, with the broker's error.
                producer.send(new ProducerRecord<>(topic, null, quiz.getOccurredAt().toEpochMilli(), quiz.getUserId(),
                        values.serialize(topic, quiz))).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
