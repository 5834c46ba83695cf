package dev.learnstream.topics;

import dev.learnstream.avro.AvroSerde;
import dev.learnstream.avro.AvroSerdeConfig;
import dev.learnstream.avro.SubjectNameStrategy;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The serdes LearnStream uses for event values: Avro, generated classes, subjects per topic and
 * record type (several types share a topic). Keys are plain strings (userId, courseId...).
 */
public final class EventSerdes {

    private EventSerdes() {
    }

    /** Serde settings for {@code registryUrl}, with our defaults; {@code overrides} win. */
    public static Map<String, Object> config(String registryUrl, Map<String, ?> overrides) {
        final Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        config.put(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, SubjectNameStrategy.TOPIC_RECORD.name());
        config.putAll(overrides);
        return config;
    }

    public static Serde<SpecificRecord> values(Map<String, ?> config) {
        return AvroSerde.of(config, false);
    }
}
