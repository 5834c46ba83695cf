package dev.learnstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.avro.MockSchemaRegistry;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private static final String SCOPE = "SimulatorTest";
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config("mock://" + SCOPE, Map.of()));

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(SCOPE);
    }

    private static final class ListOutput implements Simulator.Output {
        final List<ProducedRecord> records = new ArrayList<>();

        @Override
        public void send(ProducedRecord record, SimulatorStats stats) {
            records.add(record);
            stats.count(record);
        }

        @Override
        public void flush() {
        }
    }

    private List<ProducedRecord> run(SimulatorConfig config) {
        final ListOutput output = new ListOutput();
        new Simulator(config, TopicNames.defaults(), serde.serializer()::serialize, Clock.fixed(NOW, ZoneOffset.UTC))
                .run(output, () -> false);
        return output.records;
    }

    @Test
    void injectsTheRequestedFractionOfBadEventsOfEveryKindEachReallyBad() {
        final List<ProducedRecord> records = run(new SimulatorConfig(100, 11, 0, null, 20_000, 0.2,
                Duration.ofDays(20), true));
        assertThat(records).hasSize(20_000);
        final List<ProducedRecord> bad = records.stream().filter(r -> r.fault() != null).toList();
        assertThat((double) bad.size() / records.size()).isBetween(0.18, 0.22);
        final EnumSet<Fault> kinds = EnumSet.noneOf(Fault.class);
        for (final ProducedRecord record : bad) {
            kinds.add(record.fault());
            assertBad(record);
        }
        assertThat(kinds).isEqualTo(EnumSet.allOf(Fault.class));
        for (final ProducedRecord record : records) {
            if (record.fault() == null) {
                final SpecificRecordBase value = (SpecificRecordBase) serde.deserializer().deserialize(record.topic(), record.value());
                assertThat(value.get("occurredAt")).isEqualTo(record.timestamp());
                assertThat(value.get("userId").toString()).isNotEmpty();
            }
        }
    }

    private void assertBad(ProducedRecord record) {
        switch (record.fault()) {
            case GARBAGE_BYTES, UNKNOWN_SCHEMA_ID -> assertThatThrownBy(
                    () -> serde.deserializer().deserialize(record.topic(), record.value()))
                    .isInstanceOf(SerializationException.class);
            default -> {
                final SpecificRecordBase value = (SpecificRecordBase) serde.deserializer().deserialize(record.topic(), record.value());
                switch (record.fault()) {
                    case SCORE_OUT_OF_RANGE -> assertThat(value.getSchema().getFields().stream()
                            .filter(f -> f.name().toLowerCase().contains("score"))
                            .map(f -> value.get(f.pos()))).contains(150.0);
                    case NEGATIVE_TIME -> assertThat(value.getSchema().getFields().stream()
                            .filter(f -> f.name().endsWith("Seconds"))
                            .map(f -> (Integer) value.get(f.pos()))).anyMatch(seconds -> seconds < 0);
                    case MISSING_USER_ID -> assertThat(value.get("userId").toString()).isEmpty();
                    case TIMESTAMP_1970 -> assertThat((Instant) value.get("occurredAt")).isBefore(Instant.parse("1971-01-01T00:00:00Z"));
                    case TIMESTAMP_NEXT_YEAR -> assertThat((Instant) value.get("occurredAt"))
                            .isAfter(record.timestamp().plus(Duration.ofDays(300)));
                    default -> throw new AssertionError(record.fault());
                }
            }
        }
    }

    @Test
    void liveModeNeverStampsAnEventAfterNow() {
        final List<ProducedRecord> records = run(new SimulatorConfig(50, 3, 0, null, 5_000, 0, Duration.ZERO, true));
        assertThat(records).hasSize(5_000).allSatisfy(r -> assertThat(r.timestamp()).isBeforeOrEqualTo(NOW));
        assertThat(records.get(records.size() - 1).timestamp()).isEqualTo(NOW);
    }

    @Test
    void backFillStampsHistoricalEventTimesInOrder() {
        final List<ProducedRecord> records = run(new SimulatorConfig(50, 3, 0, null, 2_000, 0, Duration.ofDays(30), false));
        assertThat(records.get(0).timestamp()).isEqualTo(NOW.minus(Duration.ofDays(30)));
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).timestamp()).isAfterOrEqualTo(records.get(i - 1).timestamp());
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> new SimulatorConfig(0, 1, 0, null, 0, 0, Duration.ZERO, true)).hasMessageContaining("--learners");
        assertThatThrownBy(() -> new SimulatorConfig(1, 1, -1, null, 0, 0, Duration.ZERO, true)).hasMessageContaining("--rate");
        assertThatThrownBy(() -> new SimulatorConfig(1, 1, 0, null, 0, 1.5, Duration.ZERO, true)).hasMessageContaining("--bad-fraction");
    }
}
