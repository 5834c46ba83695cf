package dev.learnstream.avro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format. The writer schema comes from the registry by id; the reader
 * schema is the generated class's ({@code specific.avro.reader=true}), a schema given to the
 * constructor, or the writer's own. Anything wrong with the bytes or the registry becomes a
 * {@link SerializationException} saying what was wrong.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    private boolean specific;
    private final Schema fixedReaderSchema;
    /** By writer schema id: the reader schema is a function of the writer's for one deserializer. */
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    public AvroDeserializer() {
        this.fixedReaderSchema = null;
    }

    /** A ready deserializer; {@code readerSchema} may be null to read with the writer's schema. */
    public AvroDeserializer(SchemaRegistryClient registry, boolean specific, Schema readerSchema) {
        this.registry = registry;
        this.specific = specific;
        this.fixedReaderSchema = readerSchema;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        final AvroSerdeConfig config = AvroSerdeConfig.from(configs);
        this.registry = SchemaRegistryClients.create(config);
        this.specific = config.specificAvroReader();
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (registry == null) {
            throw new SerializationException("AvroDeserializer used before configure(): set schema.registry.url");
        }
        if (bytes.length < WireFormat.HEADER_SIZE) {
            throw new SerializationException("Record from topic '" + topic + "' has " + bytes.length
                    + " bytes; the Confluent wire format needs at least 5 (magic byte 0 and a 4-byte schema id)");
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final byte magic = buffer.get();
        if (magic != WireFormat.MAGIC_BYTE) {
            throw new SerializationException(String.format(java.util.Locale.ROOT,
                    "Record from topic '%s' starts with byte 0x%02x; the Confluent wire format starts with magic byte 0x00",
                    topic, magic));
        }
        final int id = buffer.getInt();
        DatumReader<Object> reader = readers.get(id);
        if (reader == null) {
            final Schema writer;
            try {
                writer = registry.schemaById(id);
            } catch (SchemaRegistryException e) {
                throw new SerializationException("Record from topic '" + topic + "' names schema id " + id
                        + " which could not be resolved: " + e.getMessage(), e);
            }
            reader = readerFor(writer, readerSchema(topic, writer));
            readers.put(id, reader);
        }
        return decode(topic, id, reader, bytes);
    }

    @SuppressWarnings("unchecked")
    private T decode(String topic, int id, DatumReader<Object> reader, byte[] bytes) {
        final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                bytes.length - WireFormat.HEADER_SIZE, null);
        final Object value;
        try {
            value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Record from topic '" + topic + "' has bytes left over after the "
                        + "payload of schema id " + id + "; it was not written with that schema");
            }
        } catch (SerializationException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Arbitrary bytes make Avro fail in many ways (EOF, bad lengths, bad UUIDs, absurd sizes);
            // all of them mean the same thing to the caller: this payload is not that schema.
            throw new SerializationException("Record from topic '" + topic + "' is not valid Avro for schema id "
                    + id + ": " + e, e);
        }
        return (T) value;
    }

    private Schema readerSchema(String topic, Schema writer) {
        if (fixedReaderSchema != null) {
            return fixedReaderSchema;
        }
        if (!specific) {
            return writer;
        }
        final Class<?> generated = SpecificData.get().getClass(writer);
        if (generated == null) {
            throw new SerializationException("Record from topic '" + topic + "' is a " + writer.getFullName()
                    + ", for which no generated class is on the classpath (specific.avro.reader=true)");
        }
        return SpecificData.get().getSchema(generated);
    }

    private DatumReader<Object> readerFor(Schema writer, Schema reader) {
        return specific ? new SpecificDatumReader<>(writer, reader) : new GenericDatumReader<>(writer, reader);
    }

}
