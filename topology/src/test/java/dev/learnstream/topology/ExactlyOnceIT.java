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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole topology on a real KRaft broker with exactly_once_v2 and a real registry: simulated
 * learners with 20 % bad events in, and two quizzes stamped ahead of the broker's clock, then
 * (read_committed) the DLQ counts equal the bad events and the quiz analytics count every good
 * quiz exactly once.
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
            sendAhead(stack, names, serdes, Duration.ofHours(12), Duration.ofDays(3));
            final long goodQuizzes = stats.goodByTopic().getOrDefault("module_quiz_events", 0L)
                    + stats.goodByTopic().getOrDefault("diagnostic_quiz_events", 0L) + 1;
            final long bad = stats.bad() + 1;
            assertThat(goodQuizzes).isGreaterThan(1);

            final Path stateDir = Files.createTempDirectory("learnstream-eos-it");
            final Properties props = StreamsSettings.properties("learnstream-eos-it", stack.kafkaBootstrap(), settings,
                    Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200));
            // The state directory goes when the test ends, whatever its outcome, not with the machine's /tmp.
            // (Resources close in reverse order: the streams first, then their state.)
            try (AutoCloseable deleteState = () -> Dirs.deleteQuietly(stateDir);
                 KafkaStreams streams = new KafkaStreams(LearnStreamTopology.build(settings), props)) {
                assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
                streams.start();
                final Map<String, DlqCount> dlqCounts = new HashMap<>();
                final Map<String, QuizAnalytics> quizzes = new HashMap<>();
                try (KafkaConsumer<String, Object> consumer = CommittedReader.of(stack, serdes, "eos-it-reader")) {
                    consumer.subscribe(List.of(ResultTopics.DLQ_COUNTS, ResultTopics.QUIZ_ANALYTICS));
                    Waits.until("DLQ counts = " + bad + " and quiz attempts = " + goodQuizzes,
                            Duration.ofSeconds(180), Duration.ZERO, () -> {
                                for (final ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(500))) {
                                    if (record.value() instanceof DlqCount count) {
                                        dlqCounts.put(record.key(), count);
                                    } else {
                                        quizzes.put(record.key(), (QuizAnalytics) record.value());
                                    }
                                }
                                return dlqCounts.values().stream().mapToLong(DlqCount::getCount).sum() == bad
                                        && quizzes.values().stream().mapToLong(QuizAnalytics::getAttemptCount).sum()
                                        == goodQuizzes;
                            });
                    // Nothing more arrives: no double counting after the totals matched.
                    consumer.poll(Duration.ofSeconds(2)).forEach(record -> {
                        if (record.value() instanceof QuizAnalytics quiz) {
                            quizzes.put(record.key(), quiz);
                        }
                    });
                    assertThat(quizzes.values().stream().mapToLong(QuizAnalytics::getAttemptCount).sum()).isEqualTo(goodQuizzes);
                }
                streams.close(Duration.ofSeconds(30));
            }
        }
    }

    /** One module quiz per offset, each stamped (occurredAt and record timestamp) that far ahead of now. */
    private static void sendAhead(LocalStack stack, TopicNames names, Map<String, Object> serdes, Duration... aheads)
            throws Exception {
        final Serializer<SpecificRecord> values = EventSerdes.values(serdes).serializer();
        final String topic = names.name(EventTopic.MODULE_QUIZ);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()), new StringSerializer(),
                new ByteArraySerializer())) {
            for (final Duration ahead : aheads) {
                final ModuleQuizCompleted quiz = TestEvents.aQuiz().setUserId("ahead-learner")
                        .setOccurredAt(Instant.now().plus(ahead)).build();
                // get(): a refused timestamp fails the test here, with the broker's error.
                producer.send(new ProducerRecord<>(topic, null, quiz.getOccurredAt().toEpochMilli(), quiz.getUserId(),
                        values.serialize(topic, quiz))).get(30, TimeUnit.SECONDS);
            }
        }
    }

}
