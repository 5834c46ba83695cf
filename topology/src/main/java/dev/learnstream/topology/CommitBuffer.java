package dev.learnstream.topology;

import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A commit hook for a processor that aggregates in memory between commits: a store without a
 * changelog that holds nothing itself, but calls its processor back whenever Kafka Streams flushes
 * the task's caches. That happens inside every commit, before the record collector is flushed and
 * the input offsets are committed in the same transaction, so whatever the processor forwards from
 * the callback is committed exactly once with the input that produced it. If the commit fails, the
 * transaction is aborted, the task is revived and its processor's {@code init} runs again, so the
 * processor must start its buffer empty there; the input is then processed again.
 *
 * <p>Kafka Streams has no public pre-commit hook in the Processor API; this uses the internal
 * cached-store contract that the DSL's own caches use (Kafka is pinned at 4.3.1), like
 * {@link FlushedRows}. The processor forwarded from must only feed sinks (no stores downstream in
 * its sub-topology), because other stores of the task may already have flushed in this commit.
 */
final class CommitBuffer implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private Runnable onCommit;
    private boolean open;

    private CommitBuffer(String name) {
        this.name = name;
    }

    static StoreBuilder<CommitBuffer> builder(String name) {
        return new Builder(name);
    }

    /**
     * Calls {@code flush} at every commit of the task, as the processor whose {@code init} calls
     * this, with a record context of its own (timestamp {@code -1}: each forwarded record carries
     * its own timestamp).
     */
    static void onCommit(CommitBuffer buffer, ProcessorContext<?, ?> context, Runnable flush) {
        if (!(context instanceof InternalProcessorContext<?, ?> internal)) {
            throw new IllegalStateException("Store " + buffer.name + " cannot call back at commit through "
                    + context.getClass().getName());
        }
        final ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
        buffer.onCommit = () -> {
            final ProcessorNode<?, ?, ?, ?> current = internal.currentNode();
            final ProcessorRecordContext recordContext = internal.recordContext();
            internal.setCurrentNode(node);
            internal.setRecordContext(new ProcessorRecordContext(-1L, -1L, -1, null, new RecordHeaders()));
            try {
                flush.run();
            } finally {
                internal.setRecordContext(recordContext);
                internal.setCurrentNode(current);
            }
        };
    }

    @Override
    public void flushCache() {
        if (onCommit != null) {
            onCommit.run();
        }
    }

    @Override
    public void clearCache() {
        // Holds nothing: the processor's buffer is emptied by its own init.
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            throw new IllegalStateException("Store " + name + " has no changelog to restore from");
        });
        open = true;
    }

    @Override
    public void close() {
        open = false;
        onCommit = null;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    private record Builder(String name) implements StoreBuilder<CommitBuffer> {

        @Override
        public StoreBuilder<CommitBuffer> withCachingEnabled() {
            throw new UnsupportedOperationException("A commit buffer has no cache");
        }

        @Override
        public StoreBuilder<CommitBuffer> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitBuffer> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("A commit buffer has no changelog");
        }

        @Override
        public StoreBuilder<CommitBuffer> withLoggingDisabled() {
            return this;
        }

        @Override
        public CommitBuffer build() {
            return new CommitBuffer(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }
    }
}
