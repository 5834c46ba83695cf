package dev.learnstream.topology;

import dev.learnstream.topics.Events;
import java.time.Duration;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops an event whose eventId was seen within the horizon (a producer retry, a replayed batch).
 * A window store keeps each id at its event time and forgets it once the horizon has passed, so
 * the store stays bounded without scans. Events are keyed by user, so both copies of a
 * duplicate reach the same task.
 */
final class Dedup implements FixedKeyProcessorSupplier<String, SpecificRecord, SpecificRecord> {

    private final Duration horizon;

    Dedup(Duration horizon) {
        this.horizon = horizon;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.DEDUP, horizon.multipliedBy(2), horizon, false),
                Serdes.String(), Serdes.Long()));
    }

    @Override
    public FixedKeyProcessor<String, SpecificRecord, SpecificRecord> get() {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, SpecificRecord> context;
            private WindowStore<String, Long> seen;

            @Override
            public void init(FixedKeyProcessorContext<String, SpecificRecord> context) {
                this.context = context;
                this.seen = context.getStateStore(StoreNames.DEDUP);
            }

            @Override
            public void process(FixedKeyRecord<String, SpecificRecord> record) {
                final String eventId = Events.eventId(record.value());
                final long time = record.timestamp();
                try (WindowStoreIterator<Long> earlier = seen.fetch(eventId, time - horizon.toMillis(),
                        time + horizon.toMillis())) {
                    if (earlier.hasNext()) {
                        return;
                    }
                }
                seen.put(eventId, time, time);
                context.forward(record);
            }
        };
    }
}
