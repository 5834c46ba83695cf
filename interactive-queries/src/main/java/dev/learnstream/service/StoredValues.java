package dev.learnstream.service;

import dev.learnstream.results.WindowPartial;
import dev.learnstream.topology.WindowedMetricsTopology;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;

/**
 * Store values as the API shows them. Most are result records as they are; a window is stored
 * with its sketches and shown as the metric it stands for (distinct learners, percentiles).
 */
final class StoredValues {

    private StoredValues() {
    }

    static Map<String, Object> json(Object value) {
        if (value instanceof WindowPartial window) {
            return AvroJson.of(WindowedMetricsTopology.readable(window, System.currentTimeMillis()));
        }
        if (value instanceof IndexedRecord record) {
            return AvroJson.of(record);
        }
        return Map.of("value", AvroJson.value(value));
    }
}
