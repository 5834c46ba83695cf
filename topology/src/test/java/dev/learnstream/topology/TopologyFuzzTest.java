package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.DiagnosticQuizCompleted;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.results.DlqCount;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.simulator.Fault;
import dev.learnstream.simulator.ProducedRecord;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.topics.EventTopic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad records of every kind mixed with good ones, through the whole topology: every bad record is
 * in its topic's DLQ with its bytes and correct headers, every good quiz is counted exactly once,
 * and nothing stops processing.
 */
class TopologyFuzzTest {

    private final TopologyFixture fixture = new TopologyFixture("TopologyFuzzTest");

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void tenThousandBadRecordsAreAllDeadLetteredAndEveryGoodOneCountedOnce() {
        final List<ProducedRecord> produced = new ArrayList<>();
        final Simulator simulator = new Simulator(new SimulatorConfig(300, 2024, 0, null, 21_000, 0.5, Duration.ofDays(5), true),
                fixture.names, dev.learnstream.topics.EventSerdes
                .values(fixture.serdeConfig).serializer()::serialize, Clock.fixed(TopologyFixture.WALL_START, ZoneOffset.UTC));
        final SimulatorStats stats = simulator.run(new Simulator.Output() {
            @Override
            public void send(ProducedRecord record, SimulatorStats counts) {
                produced.add(record);
            }

            @Override
            public void flush() {
            }
        }, () -> false);
        assertThat(stats).isNotNull();

        final Map<String, EventTopic> byName = new HashMap<>();
        EventTopic.inputs().forEach(t -> byName.put(fixture.names.name(t), t));
        long goodQuizzes = 0;
        final Map<String, List<ProducedRecord>> badByTopic = new HashMap<>();
        final org.apache.kafka.common.serialization.Deserializer<SpecificRecord> deserializer =
                dev.learnstream.topics.EventSerdes.values(fixture.serdeConfig).deserializer();
        for (final ProducedRecord record : produced) {
            final org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            if (record.fault() != null) {
                headers.add(Fault.HEADER, record.fault().name().getBytes(StandardCharsets.UTF_8));
            }
            fixture.input(byName.get(record.topic())).pipeInput(new TestRecord<>(record.key(), record.value(), headers,
                    record.timestamp()));
            if (record.fault() == null) {
                final SpecificRecord event = deserializer.deserialize(record.topic(), record.value());
                goodQuizzes += event instanceof ModuleQuizCompleted || event instanceof DiagnosticQuizCompleted ? 1 : 0;
            } else {
                badByTopic.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record);
            }
        }
        final long bad = badByTopic.values().stream().mapToLong(List::size).sum();
        assertThat(bad).isGreaterThanOrEqualTo(10_000);

        long dead = 0;
        for (final Map.Entry<String, List<ProducedRecord>> entry : badByTopic.entrySet()) {
            final List<TestRecord<String, byte[]>> dlq = fixture.rawOutput(entry.getKey() + ".dlq").readRecordsToList();
            assertThat(dlq).as(entry.getKey()).hasSameSizeAs(entry.getValue());
            for (int i = 0; i < dlq.size(); i++) {
                final ProducedRecord original = entry.getValue().get(i);
                final TestRecord<String, byte[]> letter = dlq.get(i);
                assertThat(letter.value()).isEqualTo(original.value());
                assertThat(letter.key()).isEqualTo(original.key());
                final Headers headers = letter.headers();
                assertThat(text(headers, Fault.HEADER)).isEqualTo(original.fault().name());
                assertThat(text(headers, DeadLetters.SOURCE_TOPIC)).isEqualTo(entry.getKey());
                assertThat(text(headers, DeadLetters.STAGE)).isEqualTo(
                        original.fault() == Fault.GARBAGE_BYTES || original.fault() == Fault.UNKNOWN_SCHEMA_ID
                                ? "deserialize" : "validate");
                assertThat(text(headers, DeadLetters.ERROR_MESSAGE)).isNotBlank();
            }
            dead += dlq.size();
        }
        assertThat(dead).isEqualTo(bad);

        long counted = 0;
        final KeyValueStore<String, QuizAnalytics> quizzes = fixture.driver.getKeyValueStore(StoreNames.QUIZ_ANALYTICS);
        try (KeyValueIterator<String, QuizAnalytics> all = quizzes.all()) {
            while (all.hasNext()) {
                counted += all.next().value.getAttemptCount();
            }
        }
        assertThat(counted).isEqualTo(goodQuizzes);

        long dlqCounted = 0;
        final KeyValueStore<String, DlqCount> counts = fixture.driver.getKeyValueStore(StoreNames.DLQ_COUNTS);
        try (KeyValueIterator<String, DlqCount> all = counts.all()) {
            while (all.hasNext()) {
                final KeyValue<String, DlqCount> next = all.next();
                dlqCounted += next.value.getCount();
            }
        }
        assertThat(dlqCounted).isEqualTo(bad);
    }

    private static String text(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null : new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
