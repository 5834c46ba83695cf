package dev.learnstream.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.events.UserEnrolled;
import dev.learnstream.topics.EventSerdes;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final String SCOPE = "AvroSerdeTest";
    private static final String URL = "mock://" + SCOPE;

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(SCOPE);
    }

    static ModuleQuizCompleted quiz() {
        return ModuleQuizCompleted.newBuilder()
                .setEventId(java.util.UUID.fromString("6f1c1e0e-8a4b-4c57-9a55-0d2b7b0f3b11"))
                .setUserId("user-1")
                .setOccurredAt(Instant.parse("2025-01-26T10:30:00Z"))
                .setDomain("dsa").setCourse("dsa-101").setModule("dsa-arrays")
                .setScore(85).setTimeTakenSeconds(420)
                .build();
    }

    @Test
    void roundTripsAGeneratedRecordInTheConfluentWireFormat() {
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(URL, Map.of()));
        final byte[] bytes = serde.serializer().serialize("module_quiz_events", quiz());

        final String subject = "module_quiz_events-dev.learnstream.events.ModuleQuizCompleted";
        final SchemaRegistryClient.RegisteredSchema registered = MockSchemaRegistry.scope(SCOPE).latest(subject).orElseThrow();
        assertThat(registered.schema()).isEqualTo(ModuleQuizCompleted.getClassSchema());
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registered.id());
        assertThat(serde.deserializer().deserialize("module_quiz_events", bytes)).isEqualTo(quiz());
    }

    @Test
    void sharesATopicBetweenRecordTypesUnderTopicRecordSubjects() {
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(URL, Map.of()));
        final UserEnrolled enrolled = UserEnrolled.newBuilder().setEventId(java.util.UUID.fromString("0b5c7c36-6f54-4a4e-9b0e-1b9e8b7d2a10"))
                .setUserId("user-1").setOccurredAt(Instant.parse("2025-01-26T10:30:00Z")).setCourseId("c-1").build();
        final byte[] first = serde.serializer().serialize("mixed", quiz());
        final byte[] second = serde.serializer().serialize("mixed", enrolled);

        assertThat(serde.deserializer().deserialize("mixed", first)).isEqualTo(quiz());
        assertThat(serde.deserializer().deserialize("mixed", second)).isEqualTo(enrolled);
        assertThat(MockSchemaRegistry.scope(SCOPE).latest("mixed-dev.learnstream.events.UserEnrolled")).isPresent();
    }

    @Test
    void aRecordThatFailsHalfWrittenLeavesNothingBehindForTheNextOne() {
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(URL, Map.of()));
        final byte[] clean = serde.serializer().serialize("module_quiz_events", quiz());
        // The ids are written, then the domain is missing: the encoder holds bytes when it fails.
        final ModuleQuizCompleted broken = quiz();
        broken.setDomain(null);
        assertThatThrownBy(() -> serde.serializer().serialize("module_quiz_events", broken))
                .isInstanceOf(SerializationException.class).hasMessageContaining("ModuleQuizCompleted");
        final byte[] after = serde.serializer().serialize("module_quiz_events", quiz());
        assertThat(after).isEqualTo(clean);
        assertThat(serde.deserializer().deserialize("module_quiz_events", after)).isEqualTo(quiz());
    }

    @Test
    void nullIsATombstoneBothWays() {
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(URL, Map.of()));
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void badBytesGiveASerializationExceptionThatSaysWhatWasWrong() {
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(URL, Map.of()));
        final byte[] good = serde.serializer().serialize("t", quiz());

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("has 3 bytes");
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", "{\"json\":true}".getBytes()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("starts with byte 0x7b");
        final byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 424242);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", unknownId))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 424242").hasMessageContaining(URL);
        final byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", truncated))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not valid Avro");
        final byte[] trailing = java.util.Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", trailing))
                .isInstanceOf(SerializationException.class).hasMessageContaining("bytes left over");
    }

    @Test
    void randomBytesBehindAValidHeaderNeverEscapeAsAnotherException() {
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(URL, Map.of()));
        final byte[] good = serde.serializer().serialize("t", quiz());
        final java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            final byte[] fuzzed = java.util.Arrays.copyOf(good, 5 + random.nextInt(80));
            for (int b = 5; b < fuzzed.length; b++) {
                fuzzed[b] = (byte) random.nextInt(256);
            }
            try {
                final Object decoded = serde.deserializer().deserialize("t", fuzzed);
                assertThat(decoded).isInstanceOf(ModuleQuizCompleted.class);
            } catch (SerializationException expected) {
                assertThat(expected).hasMessageContaining("topic 't'");
            }
        }
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefusedNamingTheSubject() {
        final Serde<SpecificRecord> serde = EventSerdes.values(
                EventSerdes.config(URL, Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false")));
        assertThatThrownBy(() -> serde.serializer().serialize("module_quiz_events", quiz()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("'module_quiz_events-dev.learnstream.events.ModuleQuizCompleted'")
                .hasMessageContaining("auto.register.schemas is false");

        final int id = MockSchemaRegistry.scope(SCOPE).register(
                "module_quiz_events-dev.learnstream.events.ModuleQuizCompleted", ModuleQuizCompleted.getClassSchema());
        assertThat(ByteBuffer.wrap(serde.serializer().serialize("module_quiz_events", quiz()), 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void useLatestVersionWritesWithTheLatestRegisteredSchema() {
        final Schema v1 = SchemaBuilder.record("Probe").namespace("test").fields()
                .requiredString("a").endRecord();
        final Schema v2 = SchemaBuilder.record("Probe").namespace("test").fields()
                .requiredString("a").optionalString("b").endRecord();
        final MockSchemaRegistry registry = MockSchemaRegistry.scope(SCOPE);
        registry.register("probes-value", v1);
        final int latestId = registry.register("probes-value", v2);

        final AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL, AvroSerdeConfig.USE_LATEST_VERSION, "true",
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false);
        final GenericRecord record = new GenericData.Record(v2);
        record.put("a", "x");
        final byte[] bytes = serializer.serialize("probes", record);

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latestId);
        final GenericRecord read = new AvroDeserializer<GenericRecord>(registry, false, null).deserialize("probes", bytes);
        assertThat(read.get("a").toString()).isEqualTo("x");
        assertThat(read.get("b")).isNull();
    }

    @Test
    void anIncompatibleSchemaIsRejectedByTheRegistry() {
        final Schema v1 = SchemaBuilder.record("Probe").namespace("test").fields().requiredString("a").endRecord();
        final Schema breaking = SchemaBuilder.record("Probe").namespace("test").fields().requiredInt("z").endRecord();
        final MockSchemaRegistry registry = MockSchemaRegistry.scope(SCOPE);
        registry.register("p-value", v1);
        assertThat(registry.isCompatible("p-value", breaking)).isFalse();
        assertThatThrownBy(() -> registry.register("p-value", breaking))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("409");
    }

    @Test
    void anUnreachableRegistryIsASerializationExceptionNamingTheUrl() throws Exception {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        final String url = "http://127.0.0.1:" + closedPort;
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(url,
                Map.of(AvroSerdeConfig.MAX_RETRIES, "1", AvroSerdeConfig.HTTP_CONNECT_TIMEOUT_MS, "500")));
        assertThatThrownBy(() -> serde.serializer().serialize("module_quiz_events", quiz()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(url).hasMessageContaining("unreachable").hasMessageContaining("2 attempts");
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0, 9, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema id 9").hasMessageContaining(url);
    }
}
