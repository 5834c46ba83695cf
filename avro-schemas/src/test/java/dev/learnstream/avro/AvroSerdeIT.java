package dev.learnstream.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our serde against a real KRaft broker and a real Schema Registry (Apicurio, Confluent API). */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class AvroSerdeIT {

    private static LocalStack stack;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Schema PROBE_V1 = SchemaBuilder.record("Probe").namespace("it.evolution").fields()
            .requiredString("name").requiredInt("count").endRecord();
    private static final Schema PROBE_V2 = SchemaBuilder.record("Probe").namespace("it.evolution").fields()
            .requiredString("name").requiredInt("count").optionalString("note").endRecord();

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void producesAndConsumesThroughTheBrokerAndRegistersTheSchemaOverTheConfluentApi() throws Exception {
        final String topic = createTopic("quiz-roundtrip");
        final ModuleQuizCompleted quiz = ModuleQuizCompleted.newBuilder()
                .setEventId(UUID.randomUUID()).setUserId("user-7").setOccurredAt(Instant.parse("2025-03-01T08:00:00Z"))
                .setDomain("dsa").setCourse("dsa-101").setModule("dsa-graphs").setScore(72.5).setTimeTakenSeconds(300)
                .build();
        final Serde<SpecificRecord> serde = EventSerdes.values(EventSerdes.config(stack.registryUrl(), Map.of()));
        produce(topic, serde.serializer().serialize(topic, quiz));

        final List<byte[]> consumed = consume(topic, 1);
        assertThat(serde.deserializer().deserialize(topic, consumed.get(0))).isEqualTo(quiz);

        final String subject = topic + "-dev.learnstream.events.ModuleQuizCompleted";
        final JsonNode latest = get("/subjects/" + subject + "/versions/latest");
        assertThat(new Schema.Parser().parse(latest.path("schema").asText())).isEqualTo(ModuleQuizCompleted.getClassSchema());
        assertThat(ByteBuffer.wrap(consumed.get(0), 1, 4).getInt()).isEqualTo(latest.path("id").asInt());
        final JsonNode byId = get("/schemas/ids/" + latest.path("id").asInt());
        assertThat(new Schema.Parser().parse(byId.path("schema").asText())).isEqualTo(ModuleQuizCompleted.getClassSchema());
        assertThat(get("/subjects").toString()).contains(subject);
    }

    @Test
    void decodesARecordWhoseBytesWereBuiltByHand() throws Exception {
        final String topic = createTopic("hand-built");
        final String subject = topic + "-value";
        final int id = post("/subjects/" + subject + "/versions", PROBE_V1).path("id").asInt();

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        // Avro binary of {"name": "abc", "count": 3}: string = zig-zag length then UTF-8; int = zig-zag varint.
        bytes.writeBytes(new byte[] {6, 'a', 'b', 'c', 6});
        produce(topic, bytes.toByteArray());

        final Deserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()), false);
        final GenericRecord decoded = deserializer.deserialize(topic, consume(topic, 1).get(0));
        assertThat(decoded.get("name").toString()).isEqualTo("abc");
        assertThat(decoded.get("count")).isEqualTo(3);
    }

    @Test
    void aV2ReaderReadsV1DataAndAV1ReaderReadsV2Data() throws Exception {
        final String topic = createTopic("evolution");
        final SchemaRegistryClient registry = SchemaRegistryClients.create(
                AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl())));
        final Serializer<GenericRecord> serializer = new AvroSerializer<>(
                AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl())), registry, false);

        final GenericRecord v1 = new GenericData.Record(PROBE_V1);
        v1.put("name", "old");
        v1.put("count", 1);
        final GenericRecord v2 = new GenericData.Record(PROBE_V2);
        v2.put("name", "new");
        v2.put("count", 2);
        v2.put("note", "added in v2");
        produce(topic, serializer.serialize(topic, v1));
        assertThat(registry.isCompatible(topic + "-value", PROBE_V2)).isTrue();
        produce(topic, serializer.serialize(topic, v2));
        final List<byte[]> records = consume(topic, 2);
        assertThat(ByteBuffer.wrap(records.get(0), 1, 4).getInt())
                .isNotEqualTo(ByteBuffer.wrap(records.get(1), 1, 4).getInt());

        final AvroDeserializer<GenericRecord> v2Reader = new AvroDeserializer<>(registry, false, PROBE_V2);
        final GenericRecord oldAsNew = v2Reader.deserialize(topic, records.get(0));
        assertThat(oldAsNew.get("name").toString()).isEqualTo("old");
        assertThat(oldAsNew.get("note")).isNull();
        final GenericRecord newAsNew = v2Reader.deserialize(topic, records.get(1));
        assertThat(newAsNew.get("note").toString()).isEqualTo("added in v2");

        final AvroDeserializer<GenericRecord> v1Reader = new AvroDeserializer<>(registry, false, PROBE_V1);
        final GenericRecord newAsOld = v1Reader.deserialize(topic, records.get(1));
        assertThat(newAsOld.get("name").toString()).isEqualTo("new");
        assertThat(newAsOld.get("count")).isEqualTo(2);
        assertThat(newAsOld.getSchema().getField("note")).isNull();
    }

    @Test
    void anUnknownSchemaIdIsASerializationExceptionNamingTheIdAndRegistry() {
        final Deserializer<GenericRecord> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()), false);
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 999999")
                .hasMessageContaining(stack.registryUrl());
    }

    @Test
    void lookupWithoutRegisteringFindsOnlyWhatIsRegistered() {
        final SchemaRegistryClient registry = new HttpSchemaRegistryClient(stack.registryUrl(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), 1);
        final String subject = "lookup-" + UUID.randomUUID() + "-value";
        assertThat(registry.lookup(subject, PROBE_V1)).isEmpty();
        assertThat(registry.latest(subject)).isEmpty();
        final int id = registry.register(subject, PROBE_V1);
        assertThat(registry.lookup(subject, PROBE_V1)).hasValue(id);
        assertThat(registry.register(subject, PROBE_V1)).isEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(PROBE_V1);
    }

    private static String createTopic(String prefix) throws Exception {
        final String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        return topic;
    }

    private static void produce(String topic, byte[] value) throws Exception {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "key", value)).get();
        }
    }

    private static List<byte[]> consume(String topic, int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        final List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            Waits.until(expected + " records on " + topic, Duration.ofSeconds(30), Duration.ZERO, () -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }

    private static JsonNode get(String path) throws Exception {
        final HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.registryUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode post(String path, Schema schema) throws Exception {
        final String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
