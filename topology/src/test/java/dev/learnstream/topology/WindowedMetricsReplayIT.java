package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.results.WindowedMetric;
import dev.learnstream.stack.Dirs;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replay on a real broker: two hours of history, already in the topic, four times as many
 * events on one learner partition as on the other, so the two partitions run through event time
 * at different paces. Every minute's final value on the result topic must hold all of that
 * minute's events, none counted late, each window emitted once. The roll-up is told how many
 * learner partitions there are, as the service tells it, so it starts closing as soon as both
 * have reported.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WindowedMetricsReplayIT {

    private static final int PARTITIONS = 2;

    @Test
    void aReplayEmitsEveryWindowOnceWithAllItsEvents() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres())) {
            final TopicNames names = TopicNames.defaults();
            final Map<String, Object> serdes = EventSerdes.config(stack.registryUrl(), Map.of());
            final TopologySettings settings = TopologySettings.defaults(names, serdes);
            final int learnerPartitions;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, settings, PARTITIONS, (short) 1, null);
                learnerPartitions = TopologyTopics.learnerPartitions(admin, settings);
            }
            assertThat(learnerPartitions).isEqualTo(PARTITIONS);
            final int events = history(stack, names, serdes);

            final Path stateDir = Files.createTempDirectory("learnstream-replay-it");
            final Properties props = StreamsSettings.properties("learnstream-replay-it", stack.kafkaBootstrap(), settings,
                    Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                            // As the bench replays: long commits, each covering many minutes of history.
                            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000,
                            StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2_000,
                            // As the service starts: closing once both learner partitions have reported,
                            // without the settle time, must still wait for the slower one.
                            WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, learnerPartitions));
            try (AutoCloseable deleteState = () -> Dirs.deleteQuietly(stateDir);
                 KafkaStreams streams = new KafkaStreams(LearnStreamTopology.build(settings), props);
                 KafkaConsumer<String, WindowedMetric> results = CommittedReader.of(stack, serdes, "replay-it-reader")) {
                streams.start();
                results.subscribe(List.of(ResultTopics.WINDOWED_METRICS));
                final Map<String, WindowedMetric> last = new HashMap<>();
                final Map<String, Integer> emissions = new HashMap<>();
                Waits.until("the final 1m and 5m windows of 'all' to hold " + events + " events",
                        Duration.ofSeconds(180), Duration.ZERO, () -> {
                            read(results, Duration.ofMillis(500), last, emissions);
                            return sum(last, "1m") >= events && sum(last, "5m") >= events;
                        });
                // Nothing else may come for the history's windows.
                read(results, Duration.ofSeconds(3), last, emissions);
                streams.close(Duration.ofSeconds(30));

                assertThat(sum(last, "1m")).isEqualTo(events);
                assertThat(sum(last, "5m")).isEqualTo(events);
                assertThat(last.values()).allSatisfy(metric -> {
                    assertThat(metric.getFinal$()).isTrue();
                    assertThat(metric.getLateEvents()).as("late events in " + metric.getWindowSize() + "@"
                            + metric.getWindowStart()).isZero();
                });
                assertThat(emissions).as("windows emitted more than once")
                        .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
            }
        }
    }

    /**
     * Module quizzes over two hours ending an hour ago, each record stamped with its occurredAt
     * and sent in time order; learners on partition 0 make four times as many. Returns the count
     * of that history (the two live quizzes after it are in windows still open).
     */
    private static int history(LocalStack stack, TopicNames names, Map<String, Object> serdes) throws Exception {
        final Serializer<SpecificRecord> values = EventSerdes.values(serdes).serializer();
        final String topic = names.name(EventTopic.MODULE_QUIZ);
        final List<String> busy = new ArrayList<>();
        final List<String> quiet = new ArrayList<>();
        for (int i = 0; busy.size() < 20 || quiet.size() < 20; i++) {
            final String user = "replay-learner-" + i;
            // The producer's default partitioner, as the events' own producers would place them.
            final int partition = Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            (partition == 0 ? busy : quiet).add(user);
        }
        final Instant end = Instant.now().minus(Duration.ofHours(1));
        final Instant start = end.minus(Duration.ofHours(2));
        final int perMinuteBusy = 60;
        final int perMinuteQuiet = 15;
        int sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(), ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new ByteArraySerializer())) {
            for (Instant minute = start; minute.isBefore(end); minute = minute.plus(Duration.ofMinutes(1))) {
                for (int i = 0; i < perMinuteBusy + perMinuteQuiet; i++) {
                    final String user = i < perMinuteBusy ? busy.get(i % busy.size()) : quiet.get(i % quiet.size());
                    final ModuleQuizCompleted quiz = TestEvents.aQuiz().setUserId(user)
                            .setOccurredAt(minute.plusMillis(i * 700L)).setScore(40 + i % 60).build();
                    producer.send(new ProducerRecord<>(topic, null, quiz.getOccurredAt().toEpochMilli(), user,
                            values.serialize(topic, quiz)));
                    sent++;
                }
            }
            // Live traffic resumes on both partitions: their clocks jump to now, and every window of
            // the history can close (without it, the clocks would move on from its end at wall-clock pace).
            for (final String user : List.of(busy.get(0), quiet.get(0))) {
                final ModuleQuizCompleted quiz = TestEvents.aQuiz().setUserId(user).setOccurredAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(topic, null, quiz.getOccurredAt().toEpochMilli(), user,
                        values.serialize(topic, quiz)));
            }
            producer.flush();
        }
        return sent;
    }

    private static void read(KafkaConsumer<String, WindowedMetric> results, Duration poll,
                             Map<String, WindowedMetric> last, Map<String, Integer> emissions) {
        for (final ConsumerRecord<String, WindowedMetric> record : results.poll(poll)) {
            last.put(record.key(), record.value());
            emissions.merge(record.key(), 1, Integer::sum);
        }
    }

    /** Events in the final windows of dimension "all" of one size. */
    private static long sum(Map<String, WindowedMetric> last, String size) {
        return last.values().stream()
                .filter(metric -> metric.getWindowSize().equals(size) && metric.getDimension().equals("all"))
                .mapToLong(WindowedMetric::getEvents).sum();
    }
}
