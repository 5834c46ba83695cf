package dev.learnstream.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format, registering the schema
 * under the configured subject strategy or, with {@code auto.register.schemas=false}, requiring
 * it to be registered already.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    private AvroSerdeConfig config;
    private SchemaRegistryClient registry;
    private boolean isKey;
    /**
     * Hot-path caches keyed by schema identity: generated classes share one schema instance, and
     * Schema.equals is a deep comparison too costly to pay per record.
     */
    private final Map<SchemaRef, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final Map<TopicSchema, Integer> ids = new ConcurrentHashMap<>();

    public AvroSerializer() {
    }

    /** A ready serializer; {@link #configure} need not be called. */
    public AvroSerializer(AvroSerdeConfig config, SchemaRegistryClient registry, boolean isKey) {
        init(config, registry, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        final AvroSerdeConfig parsed = AvroSerdeConfig.from(configs);
        init(parsed, SchemaRegistryClients.create(parsed), isKey);
    }

    private void init(AvroSerdeConfig config, SchemaRegistryClient registry, boolean isKey) {
        this.config = config;
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new SerializationException("AvroSerializer used before configure(): set schema.registry.url");
        }
        final Schema schema = data.getSchema();
        if (!config.useLatestVersion()) {
            final Integer known = ids.get(new TopicSchema(topic, schema));
            if (known != null) {
                return write(known, schema, data, topic);
            }
        }
        final String subject = config.strategy(isKey).subject(topic, isKey, schema);
        final int id;
        final Schema writerSchema;
        try {
            if (config.useLatestVersion()) {
                final SchemaRegistryClient.RegisteredSchema latest = registry.latest(subject).orElseThrow(() ->
                        new SerializationException("use.latest.version is set but subject '" + subject
                                + "' has no version in the registry at " + registry.location()));
                id = latest.id();
                writerSchema = latest.schema();
            } else {
                id = config.autoRegisterSchemas() ? registry.register(subject, schema) : registry.lookup(subject, schema)
                        .orElseThrow(() -> new SerializationException("Schema of " + schema.getFullName()
                                + " is not registered under subject '" + subject + "' in the registry at "
                                + registry.location() + " and auto.register.schemas is false"));
                writerSchema = schema;
                ids.put(new TopicSchema(topic, schema), id);
            }
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic '" + topic
                    + "': " + e.getMessage(), e);
        }
        return write(id, writerSchema, data, topic);
    }

    /**
     * One growable buffer per thread, reused across records: a fresh small buffer per record was
     * re-grown (and copied) many times for the larger result records, a third of the CPU in
     * profiles of the topology. Each record then costs one copy, out of this buffer.
     */
    private static final ThreadLocal<ByteArrayOutputStream> BUFFERS =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(4096));
    /**
     * A buffering encoder per thread, pointed at the thread's buffer for each record. The direct
     * encoder wrote each field straight to the (synchronized) stream, one lock per field; this one
     * fills its own array and hands the stream a few large writes.
     */
    private static final ThreadLocal<BinaryEncoder> ENCODERS = new ThreadLocal<>();
    private static final int MAX_RETAINED_BUFFER = 1 << 20;

    private byte[] write(int id, Schema writerSchema, T data, String topic) {
        final ByteArrayOutputStream shared = BUFFERS.get();
        // Re-entered on this thread (a serializer calling another): do not share the buffer.
        final ByteArrayOutputStream out = shared.size() == 0 ? shared : new ByteArrayOutputStream(4096);
        try {
            final byte[] bytes = encode(out, out == shared, id, writerSchema, data, topic);
            if (out == shared && bytes.length > MAX_RETAINED_BUFFER) {
                // Do not keep a huge buffer alive for one outsized record.
                BUFFERS.remove();
            }
            return bytes;
        } finally {
            if (out == shared) {
                out.reset();
            }
        }
    }

    private byte[] encode(ByteArrayOutputStream out, boolean shared, int id, Schema writerSchema, T data,
                          String topic) {
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            final BinaryEncoder encoder;
            if (shared) {
                encoder = EncoderFactory.get().binaryEncoder(out, ENCODERS.get());
                ENCODERS.set(encoder);
            } else {
                encoder = EncoderFactory.get().binaryEncoder(out, null);
            }
            writers.computeIfAbsent(new SchemaRef(writerSchema), ref -> writerFor(ref.schema(), data)).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            if (shared) {
                // Reusing it would flush the failed record's buffered bytes into the next record.
                ENCODERS.remove();
            }
            throw new SerializationException("Cannot encode " + writerSchema.getFullName() + " (schema id " + id
                    + ") for topic '" + topic + "': " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerFor(Schema schema, Object sample) {
        return sample instanceof SpecificRecord
                ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema)
                : new GenericDatumWriter<>(schema);
    }


    /** A schema compared by identity. */
    private record SchemaRef(Schema schema) {
        @Override
        public boolean equals(Object other) {
            return other instanceof SchemaRef ref && ref.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }

    /** A topic and a schema compared by identity. */
    private record TopicSchema(String topic, Schema schema) {
        @Override
        public boolean equals(Object other) {
            return other instanceof TopicSchema key && key.schema == schema && key.topic.equals(topic);
        }

        @Override
        public int hashCode() {
            return topic.hashCode() * 31 + System.identityHashCode(schema);
        }
    }

    @Override
    public void close() {
        // The registry client may be shared (mock scopes); the deserializer side may still use it.
    }
}
