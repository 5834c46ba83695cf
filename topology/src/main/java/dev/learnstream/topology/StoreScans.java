package dev.learnstream.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/** Store iteration for code that changes the store while going through the entries. */
final class StoreScans {

    private StoreScans() {
    }

    /** Reads every entry and closes the iterator, so the caller may then put and delete freely. */
    static <K, V> List<KeyValue<K, V>> list(KeyValueIterator<K, V> entries) {
        try (entries) {
            final List<KeyValue<K, V>> all = new ArrayList<>();
            entries.forEachRemaining(all::add);
            return all;
        }
    }
}
