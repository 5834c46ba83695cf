package dev.learnstream.topology;

import dev.learnstream.avro.AvroDeserializer;
import dev.learnstream.avro.AvroSerdeConfig;
import dev.learnstream.avro.MockSchemaRegistry;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A TopologyTestDriver over the whole topology with a {@code mock://} registry scope of its own,
 * a fixed start wall clock, and typed access to inputs, outputs and stores.
 */
final class TopologyFixture implements AutoCloseable {

    static final Instant WALL_START = Instant.parse("2025-03-10T12:00:00Z");

    final String scope;
    final TopicNames names = TopicNames.defaults();
    final Map<String, Object> serdeConfig;
    final TopologySettings settings;
    final TopologyTestDriver driver;
    private final Serializer<SpecificRecord> serializer;
    private final Map<EventTopic, TestInputTopic<String, byte[]>> inputs = new HashMap<>();

    TopologyFixture(String scope) {
        this(scope, Duration.ofDays(14));
    }

    TopologyFixture(String scope, Duration dropAfter) {
        this(scope, dropAfter, MemorySettings.DEFAULTS);
    }

    TopologyFixture(String scope, Duration dropAfter, MemorySettings memory) {
        this.scope = scope;
        this.serdeConfig = EventSerdes.config("mock://" + scope, Map.of());
        this.settings = new TopologySettings(names, serdeConfig, TopologySettings.DEFAULT_DEDUP_HORIZON, dropAfter,
                Duration.ofSeconds(30), TopologySettings.DEFAULT_MAX_FUTURE_SKEW, memory);
        final Properties props = StreamsSettings.properties("learnstream-test", "dummy:1234", settings, Map.of(
                "state.dir", System.getProperty("java.io.tmpdir") + "/learnstream-ttd-" + scope + "-" + System.nanoTime()));
        this.driver = new TopologyTestDriver(LearnStreamTopology.build(settings), props, WALL_START);
        this.serializer = EventSerdes.values(serdeConfig).serializer();
    }

    /** Pipes a valid-format event to its topic, keyed by userId (courses by courseId), at its event time. */
    void send(SpecificRecord event) {
        final EventTopic topic = EventTopic.of(event.getClass());
        final String key = event.getSchema().getName().startsWith("Course") && event.getSchema().getField("courseId") != null
                && !event.getSchema().getName().equals("CourseAnalytics")
                ? event.get(event.getSchema().getField("courseId").pos()).toString()
                : dev.learnstream.topics.Events.userId(event);
        send(topic, key, bytes(event), dev.learnstream.topics.Events.occurredAt(event));
    }

    byte[] bytes(SpecificRecord event) {
        return serializer.serialize(names.name(EventTopic.of(event.getClass())), event);
    }

    void send(EventTopic topic, String key, byte[] value, Instant timestamp) {
        input(topic).pipeInput(key, value, timestamp);
    }

    TestInputTopic<String, byte[]> input(EventTopic topic) {
        return inputs.computeIfAbsent(topic, t -> driver.createInputTopic(names.name(t), new StringSerializer(),
                new ByteArraySerializer()));
    }

    <T> TestOutputTopic<String, T> output(String topic) {
        final AvroDeserializer<T> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
                AvroSerdeConfig.SPECIFIC_AVRO_READER, "true"), false);
        return driver.createOutputTopic(topic, new StringDeserializer(), deserializer);
    }

    TestOutputTopic<String, byte[]> rawOutput(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.drop(scope);
    }
}
