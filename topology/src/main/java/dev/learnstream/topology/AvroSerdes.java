package dev.learnstream.topology;

import dev.learnstream.avro.AvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Typed Avro serdes for the topology's result and internal records. */
final class AvroSerdes {

    private AvroSerdes() {
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Serde<T> avro(Map<String, ?> serdeConfig, Class<T> type) {
        return (Serde<T>) (Serde<?>) AvroSerde.of(serdeConfig, false);
    }
}
