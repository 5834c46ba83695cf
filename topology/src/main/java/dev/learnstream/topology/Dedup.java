package dev.learnstream.topology;

import dev.learnstream.topics.Events;
import java.time.Duration;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops an event whose eventId was seen within the horizon (a producer retry, a replayed batch).
 * A window store keeps each id at its event time and forgets it once the horizon has passed, so
 * the store stays bounded without scans. Events are keyed by user, so both copies of a
 * duplicate reach the same task. Bloom filters in memory ({@link Seen}) spare the store's lookup
 * for the ids that cannot have been seen.
 */
final class Dedup implements FixedKeyProcessorSupplier<String, SpecificRecord, SpecificRecord> {

    private final Duration horizon;

    Dedup(Duration horizon) {
        this.horizon = horizon;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(store(horizon));
    }

    /** Each id at its event time, kept for two horizons: an id is looked up a horizon either side. */
    static StoreBuilder<WindowStore<String, Long>> store(Duration horizon) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.DEDUP, horizon.multipliedBy(2), horizon, false),
                Serdes.String(), Serdes.Long());
    }

    @Override
    public FixedKeyProcessor<String, SpecificRecord, SpecificRecord> get() {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, SpecificRecord> context;
            private Seen seen;

            @Override
            public void init(FixedKeyProcessorContext<String, SpecificRecord> context) {
                this.context = context;
                this.seen = new Seen(context.getStateStore(StoreNames.DEDUP), horizon);
            }

            @Override
            public void process(FixedKeyRecord<String, SpecificRecord> record) {
                if (seen.firstSighting(Events.eventId(record.value()), record.timestamp())) {
                    context.forward(record);
                }
            }
        };
    }

    /**
     * The ids of one task: the store, the authority (restored with the task, logged, bounded by
     * its retention), asked only when {@link SeenIds} cannot rule an id out.
     *
     * <p>The filters only know the ids recorded since this task started. The store may hold older
     * ones, restored from its changelog, up to {@code restoredUpTo}: an event whose horizon reaches
     * back to that time is always looked up in the store. A fresh store (a first start, a replay
     * from scratch) has none, and after a restart the filters take over once event time has moved a
     * horizon past the restored ids.
     */
    static final class Seen {
        private final WindowStore<String, Long> store;
        private final long horizon;
        private final SeenIds recorded;
        private final long restoredUpTo;

        Seen(WindowStore<String, Long> store, Duration horizon) {
            this.store = store;
            this.horizon = horizon.toMillis();
            // The store keeps ids for two horizons (its retention) before the newest, and up to one
            // segment (a horizon) more as it drops whole segments: three generations before the
            // newest cover every id it can still answer for.
            this.recorded = new SeenIds(this.horizon, 3);
            // Kafka Streams makes segments of half the retention (a horizon), at least a minute
            // each; the whole retention, or a minute, is a safe margin over that.
            this.restoredUpTo = latestStored(store, Math.max(2 * this.horizon, 60_000L));
        }

        /**
         * An upper bound of the event times the store holds, or {@code Long.MIN_VALUE} if it is
         * empty. A segmented window store lists its newest segment first going backwards, so every
         * id is within a segment of the first one listed; {@code segment} is at least that span.
         * {@code DedupTest} checks that order against the store Kafka Streams builds.
         */
        static long latestStored(WindowStore<String, Long> store, long segment) {
            try (KeyValueIterator<Windowed<String>, Long> newest = store.backwardAll()) {
                return newest.hasNext() ? newest.next().key.window().start() + segment : Long.MIN_VALUE;
            }
        }

        /** Records the id at {@code time}; false if it was recorded within the horizon before. */
        boolean firstSighting(String eventId, long time) {
            final long from = time - horizon;
            final long to = time + horizon;
            if (from <= restoredUpTo || recorded.mightContain(eventId, from, to)) {
                try (WindowStoreIterator<Long> earlier = store.fetch(eventId, from, to)) {
                    if (earlier.hasNext()) {
                        return false;
                    }
                }
            }
            store.put(eventId, time, time);
            recorded.add(eventId, time);
            return true;
        }
    }
}
