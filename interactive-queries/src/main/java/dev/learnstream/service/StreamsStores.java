package dev.learnstream.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

/**
 * {@link LocalStores} and {@link Cluster} over a running KafkaStreams instance. Store keys are
 * Strings; the partition of a key is that of its partitioning id (userId, courseId, ...) under the
 * default partitioner, as the topology's inputs and repartitions are keyed. Every iterator is
 * closed before returning.
 */
public final class StreamsStores implements LocalStores, Cluster {

    private static final Serializer<String> KEYS = new StringSerializer();

    /** Placements remembered, at most; beyond it the cache starts over rather than grow without end. */
    private static final int MAX_PLACEMENTS = 200_000;
    /** A remembered placement is asked again after this long, even if no rebalance was seen. */
    private static final long PLACEMENT_MAX_AGE_NANOS = Duration.ofSeconds(10).toNanos();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Map<PlacementKey, Remembered<Placement>> placements = new ConcurrentHashMap<>();
    /** Counts state changes; a placement or store remembered in an earlier epoch is not used. */
    private final AtomicLong epoch = new AtomicLong();

    private record PlacementKey(String store, String partitionKey) {
    }

    /** A value looked up at {@code at} (nanos) in state epoch {@code epoch}. */
    private record Remembered<T>(T value, long at, long epoch) {
        /** Still usable: looked up in the current epoch, and less than {@code maxAgeNanos} ago. */
        boolean usable(long currentEpoch, long now, long maxAgeNanos) {
            return epoch == currentEpoch && now - at < maxAgeNanos;
        }
    }

    /**
     * Takes the state listener of {@code streams}, which must not be started yet: every state
     * change (a rebalance passes through REBALANCING) forgets the remembered placements.
     */
    public StreamsStores(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
        streams.setStateListener((newState, oldState) -> {
            epoch.incrementAndGet();
            placements.clear();
            resolved.clear();
        });
    }

    @Override
    public String self() {
        return self.host() + ":" + self.port();
    }

    /**
     * Where the key's partition lives, remembered between queries. KafkaStreams answers this under
     * one lock per instance, and at thousands of queries a second on two cores the request threads
     * queued on it; the answer only changes at a rebalance, which clears what is remembered.
     */
    @Override
    public Placement placement(String store, String partitionKey) {
        final PlacementKey key = new PlacementKey(store, partitionKey);
        final long now = System.nanoTime();
        final long current = epoch.get();
        final Remembered<Placement> remembered = placements.get(key);
        if (remembered != null && remembered.usable(current, now, PLACEMENT_MAX_AGE_NANOS)) {
            return remembered.value();
        }
        final Placement placement = lookUp(store, partitionKey);
        if (placement != null && streams.state() == KafkaStreams.State.RUNNING) {
            if (placements.size() >= MAX_PLACEMENTS) {
                placements.clear();
            }
            placements.put(key, new Remembered<>(placement, now, current));
        }
        return placement;
    }

    private Placement lookUp(String store, String partitionKey) {
        final KeyQueryMetadata metadata = metadata(store, partitionKey);
        if (metadata == null) {
            return null;
        }
        final HostInfo active = metadata.activeHost();
        final boolean known = active != null && !HostInfo.unavailable().equals(active);
        final List<String> standbys = new ArrayList<>();
        metadata.standbyHosts().forEach(host -> standbys.add(host.host() + ":" + host.port()));
        return new Placement(known ? active.host() + ":" + active.port() : null, known && active.equals(self), standbys,
                metadata.standbyHosts().contains(self), metadata.partition());
    }

    @Override
    public List<String> others(String store) {
        final List<String> others = new ArrayList<>();
        try {
            for (final StreamsMetadata metadata : streams.streamsMetadataForStore(store)) {
                if (!metadata.hostInfo().equals(self)) {
                    others.add(metadata.hostInfo().host() + ":" + metadata.hostInfo().port());
                }
            }
        } catch (RuntimeException e) {
            // Not running yet: nobody else is known.
        }
        return others;
    }

    @Override
    public Optional<List<Row>> prefix(String store, int partition, String prefix, boolean standby) {
        return read(store, partition, standby, view -> rows(prefix.isEmpty() ? view.all() : view.prefixScan(prefix, KEYS)));
    }

    @Override
    public Optional<List<Row>> range(String store, int partition, String from, String to, boolean standby) {
        if (from.equals(to)) {
            // One key: a point lookup, cheaper than opening an iterator (RocksDB and the record
            // cache both serialize iterator creation per store).
            return read(store, partition, standby, view -> {
                final Object value = view.get(from);
                return value == null ? List.of() : List.of(row(from, value));
            });
        }
        return read(store, partition, standby, view -> rows(view.range(from, to)));
    }

    @Override
    public List<Row> all(String store, String prefix, boolean standby) {
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, Object>> parameters =
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore());
            if (standby) {
                parameters = parameters.enableStaleStores();
            }
            final ReadOnlyKeyValueStore<String, Object> view = streams.store(parameters);
            // An empty prefix means everything; prefixScan cannot take an empty prefix.
            return rows(prefix.isEmpty() ? view.all() : view.prefixScan(prefix, KEYS));
        } catch (InvalidStateStoreException e) {
            return List.of();
        }
    }

    @Override
    public long lag(String store, int partition) {
        final Map<Integer, LagInfo> lags = streams.allLocalStorePartitionLags().get(store);
        final LagInfo lag = lags == null ? null : lags.get(partition);
        return lag == null ? 0 : Math.max(0, lag.offsetLag());
    }

    private KeyQueryMetadata metadata(String store, String partitionKey) {
        try {
            final KeyQueryMetadata metadata = streams.queryMetadataForKey(store, partitionKey, KEYS);
            return metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) ? null : metadata;
        } catch (RuntimeException e) {
            // Not running, or the store is unknown to this topology.
            return null;
        }
    }

    private interface Scan {
        List<Row> read(ReadOnlyKeyValueStore<String, Object> store);
    }

    private record View(String store, int partition, boolean standby) {
    }

    /** A resolved store is resolved again after this long, even if no state change was seen. */
    private static final long RESOLVED_MAX_AGE_NANOS = Duration.ofSeconds(1).toNanos();

    /**
     * The partition's own store, not the composite view {@code KafkaStreams#store} hands out:
     * that view looks its stores up again on every read, through the stream thread's task list
     * under the state updater's lock, and at thousands of reads a second on two cores the request
     * threads queued on that lock for tens of milliseconds. The provider's checks still apply
     * whenever a store is resolved (thread running, store open, active unless stale reads are
     * allowed); between resolutions a store that closes (its task moved or was revived) fails
     * the read, which resolves again.
     */
    private static final QueryableStoreType<List<ReadOnlyKeyValueStore<String, Object>>> RESOLVED =
            new QueryableStoreType<>() {
                @Override
                public boolean accepts(StateStore store) {
                    return store instanceof ReadOnlyKeyValueStore;
                }

                @Override
                public List<ReadOnlyKeyValueStore<String, Object>> create(StateStoreProvider provider, String storeName) {
                    return provider.stores(storeName, QueryableStoreTypes.<String, Object>keyValueStore());
                }
            };

    private final Map<View, Remembered<ReadOnlyKeyValueStore<String, Object>>> resolved = new ConcurrentHashMap<>();

    private ReadOnlyKeyValueStore<String, Object> resolve(View view) {
        final long now = System.nanoTime();
        final long current = epoch.get();
        final Remembered<ReadOnlyKeyValueStore<String, Object>> known = resolved.get(view);
        if (known != null && known.usable(current, now, RESOLVED_MAX_AGE_NANOS)) {
            return known.value();
        }
        final StoreQueryParameters<List<ReadOnlyKeyValueStore<String, Object>>> parameters = StoreQueryParameters
                .fromNameAndType(view.store(), RESOLVED).withPartition(view.partition());
        final List<ReadOnlyKeyValueStore<String, Object>> stores =
                streams.store(view.standby() ? parameters.enableStaleStores() : parameters);
        if (stores.size() != 1) {
            throw new InvalidStateStoreException("store " + view.store() + " partition " + view.partition()
                    + " resolved to " + stores.size() + " stores");
        }
        resolved.put(view, new Remembered<>(stores.get(0), now, current));
        return stores.get(0);
    }

    private Optional<List<Row>> read(String store, int partition, boolean standby, Scan scan) {
        final View view = new View(store, partition, standby);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return Optional.of(scan.read(resolve(view)));
            } catch (InvalidStateStoreException e) {
                resolved.remove(view);
            }
        }
        return Optional.empty();
    }

    /** Every entry of the iterator as a row, closing it. */
    static List<Row> rows(KeyValueIterator<String, Object> iterator) {
        final List<Row> rows = new ArrayList<>();
        try (iterator) {
            while (iterator.hasNext()) {
                final KeyValue<String, Object> entry = iterator.next();
                rows.add(row(entry.key, entry.value));
            }
        }
        return rows;
    }

    private static Row row(String key, Object value) {
        // A timestamped store read without a facade holds its values with their timestamps.
        return new Row(key, StoredValues.json(value instanceof ValueAndTimestamp<?> stamped ? stamped.value() : value));
    }
}
