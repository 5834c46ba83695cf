package dev.learnstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.Events;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topics.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator through the real serde into a real broker, with a real registry. */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SimulatorIT {

    @Test
    void everyProducedEventLandsOnItsTopicGoodOnesDecodeAndBadOnesAreLabelled() {
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres())) {
            final TopicNames names = TopicNames.defaults();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopicProvisioner.ensure(admin, names, 2, (short) 1, null);
            }
            final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(stack.registryUrl(), Map.of()));
            final SimulatorConfig config = new SimulatorConfig(200, 99, 0, null, 20_000, 0.1, Duration.ofDays(10), true);
            final SimulatorStats stats;
            try (KafkaOutput output = new KafkaOutput(stack.kafkaBootstrap(), new Properties())) {
                stats = new Simulator(config, names, serde.serializer()::serialize, Clock.systemUTC()).run(output, () -> false);
            }
            assertThat(stats.total()).isEqualTo(20_000);
            assertThat(stats.sendErrors()).isZero();

            final List<String> inputs = EventTopic.inputs().stream().map(names::name).toList();
            final List<ConsumerRecord<String, byte[]>> records = readAll(stack.kafkaBootstrap(), inputs, 20_000);
            assertThat(records).hasSize(20_000);
            final Map<String, Long> goodByTopic = new HashMap<>();
            int bad = 0;
            for (final ConsumerRecord<String, byte[]> record : records) {
                final Header fault = record.headers().lastHeader(Fault.HEADER);
                if (fault == null) {
                    final SpecificRecord value = serde.deserializer().deserialize(record.topic(), record.value());
                    assertThat(EventTopic.byId(idOf(names, record.topic())).carries(value.getClass())).isTrue();
                    assertThat(record.timestamp()).isEqualTo(Events.occurredAt(value).toEpochMilli());
                    if (!record.topic().equals("course.events") || !value.getSchema().getName().startsWith("Course")) {
                        assertThat(record.key()).isEqualTo(Events.userId(value));
                    }
                    goodByTopic.merge(record.topic(), 1L, Long::sum);
                } else {
                    bad++;
                    final Fault kind = Fault.valueOf(new String(fault.value(), StandardCharsets.UTF_8));
                    if (kind == Fault.GARBAGE_BYTES || kind == Fault.UNKNOWN_SCHEMA_ID) {
                        assertThatThrownBy(() -> serde.deserializer().deserialize(record.topic(), record.value()))
                                .isInstanceOf(SerializationException.class);
                    }
                }
            }
            assertThat(goodByTopic).isEqualTo(stats.goodByTopic());
            assertThat((long) bad).isEqualTo(stats.bad()).isBetween(1_700L, 2_300L);
        }
    }

    private static String idOf(TopicNames names, String topic) {
        for (final EventTopic candidate : EventTopic.values()) {
            if (names.name(candidate).equals(topic)) {
                return candidate.id();
            }
        }
        throw new AssertionError("not an event topic: " + topic);
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, List<String> topics, int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "simulator-it");
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            Waits.until(expected + " records", Duration.ofSeconds(60), Duration.ZERO, () -> {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
                return records.size() >= expected;
            });
            // Nothing beyond what was produced.
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }
}
