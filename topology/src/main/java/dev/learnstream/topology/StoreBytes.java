package dev.learnstream.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.MeteredKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The bytes under Kafka Streams' metered layer of a key-value store of String keys: reads there
 * skip the Avro decode, for callers that keep decoded values of their own ({@link DecodedStore},
 * the catalog lookups).
 */
final class StoreBytes {

    private StoreBytes() {
    }

    /**
     * The store of bytes that {@code store}'s metered layer wraps, through any decorators Kafka
     * Streams puts over it (a processor's view, a read-only view), or null if there is none.
     */
    @SuppressWarnings("unchecked")
    static KeyValueStore<Bytes, byte[]> under(StateStore store) {
        StateStore layer = store;
        while (layer instanceof WrappedStateStore<?, ?, ?> wrapped) {
            if (wrapped instanceof MeteredKeyValueStore<?, ?>) {
                return wrapped.wrapped() instanceof KeyValueStore<?, ?> bytes ? (KeyValueStore<Bytes, byte[]>) bytes : null;
            }
            layer = wrapped.wrapped();
        }
        return null;
    }

    /** A key as {@code Serdes.String()} writes it (UTF-8); null stays null (an open range bound). */
    static Bytes key(String key) {
        return key == null ? null : Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }
}
