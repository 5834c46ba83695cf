package dev.learnstream.topology;

import dev.learnstream.avro.AvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/** Typed Avro serdes for the topology's result and internal records. */
final class AvroSerdes {

    private AvroSerdes() {
    }

    /** A String-keyed store of Avro values named {@code store}, for DSL aggregations. */
    static <T extends SpecificRecord> Materialized<String, T, KeyValueStore<Bytes, byte[]>> materialized(
            String store, Map<String, ?> serdeConfig, Class<T> type) {
        return Materialized.<String, T, KeyValueStore<Bytes, byte[]>>as(store)
                .withKeySerde(Serdes.String())
                .withValueSerde(avro(serdeConfig, type));
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Serde<T> avro(Map<String, ?> serdeConfig, Class<T> type) {
        return (Serde<T>) (Serde<?>) AvroSerde.of(serdeConfig, false);
    }
}
