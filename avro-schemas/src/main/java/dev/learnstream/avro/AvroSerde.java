package dev.learnstream.avro;

import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serializer and deserializer over one registry client, for Kafka Streams. */
public final class AvroSerde<T extends GenericContainer> extends Serdes.WrapperSerde<T> {

    public AvroSerde() {
        super(new AvroSerializer<>(), new AvroDeserializer<>());
    }

    private AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
        super(serializer, deserializer);
    }

    /** A configured serde for values ({@code isKey=false}) or keys. */
    public static <T extends GenericContainer> Serde<T> of(Map<String, ?> configs, boolean isKey) {
        final AvroSerdeConfig config = AvroSerdeConfig.from(configs);
        final SchemaRegistryClient registry = SchemaRegistryClients.create(config);
        return new AvroSerde<>(new AvroSerializer<>(config, registry, isKey),
                new AvroDeserializer<>(registry, config.specificAvroReader(), null));
    }
}
