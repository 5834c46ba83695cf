package dev.learnstream.topology;

import org.apache.kafka.streams.kstream.internals.Change;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Result rows forwarded when their store's cache flushes (at every commit, or when the cache
 * evicts), instead of at every change: a learner row that changes a hundred times between two
 * commits is written to its result topic once, with its latest value, as a DSL KTable does.
 * Nothing is lost on a crash: the flush happens inside the commit, before the input offsets and
 * the changelog are committed in the same transaction.
 *
 * <p>Kafka Streams has no public hook for this in the Processor API, so this uses the same
 * internal listener the DSL's own aggregations use (checked at start-up: a store without a cache
 * fails fast instead of silently emitting nothing).
 */
final class FlushedRows {

    private FlushedRows() {
    }

    /**
     * Forwards every row that {@code store} (a key-value store with Kafka's cache enabled, or a
     * {@link DecodedStore}) flushes, under
     * the store's key, from the processor whose {@code init} calls this; deleted rows are not
     * forwarded.
     */
    @SuppressWarnings("unchecked")
    static <K, V> void forward(StateStore store, ProcessorContext<K, ? super V> context) {
        if (!(context instanceof InternalProcessorContext<?, ?> internal)) {
            throw new IllegalStateException("Rows of " + store.name() + " cannot be forwarded on flush by "
                    + context.getClass().getName());
        }
        final ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
        final boolean cached = store instanceof CachedStateStore<?, ?> cachedStore
                && ((CachedStateStore<K, V>) cachedStore).setFlushListener(flushed -> {
                    final V row = ((Change<V>) flushed.value()).newValue;
                    if (row == null) {
                        return;
                    }
                    // A flush runs outside the processor (at commit, or evicted by another node's put).
                    final ProcessorNode<?, ?, ?, ?> current = internal.currentNode();
                    internal.setCurrentNode(node);
                    try {
                        context.forward(new Record<>(flushed.key(), row, flushed.timestamp(), flushed.headers()));
                    } finally {
                        internal.setCurrentNode(current);
                    }
                }, false);
        if (!cached) {
            throw new IllegalStateException("Store " + store.name() + " needs caching enabled to forward its rows on flush");
        }
    }
}
