package dev.learnstream.topology;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.internals.Change;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.processor.internals.StreamThread;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store's cache of decoded values, written back at commit: it takes the place of Kafka
 * Streams' record cache for the stores our processors read and write at every event.
 *
 * <p>Kafka Streams' cache keeps serialized values in a tree of byte-array keys shared by all stores
 * of a thread: every {@code get} walks that tree and decodes the Avro value, every {@code put}
 * encodes it and walks the tree again. The bench's profile put those walks and codecs at about a third
 * of the stream threads' time. Here a hash map holds the values as objects, the last used ones up to a
 * bound; a changed value is encoded once, when it is written to the store underneath (metered,
 * changelogged, RocksDB, without Kafka's cache) at the next commit or when evicted.
 *
 * <p>Exactly as with Kafka's cache:
 * <ul>
 *   <li>Changes reach the changelog inside the commit, before the input offsets are committed in
 *       the same transaction (Kafka Streams flushes every {@link CachedStateStore} there), each with
 *       the record context of the record that made it. A task that fails is closed and opened
 *       again, and one that moves is cleared ({@link #clearCache}): either way the cache starts
 *       empty and the task processes its input again from the last commit.</li>
 *   <li>A flush listener ({@link FlushedRows}) is called for every row written, with its latest value,
 *       so a row changed many times between two commits is forwarded once.</li>
 *   <li>Queries from other threads (interactive queries, standbys) read the store underneath: what
 *       the last commit wrote.</li>
 * </ul>
 *
 * <p>What differs: {@code get} returns the cached object itself, not a fresh copy, so a processor
 * must not change a value it does not put back. Range and prefix scans merge the changes not yet
 * written, in the store's key order (UTF-8 bytes), as the store's {@link Scans} say; a store built
 * for no scans fails a scan with changes pending rather than miss them. A scan decodes only the
 * rows the cache does not hold: the others it takes from the cache, as {@code get} would.
 * {@code put(key, null)} of a row the cache does not hold writes its tombstone without reading
 * the row, for callers that know it is stored; {@code delete} reads it and writes no tombstone
 * for a row the store does not hold.
 */
public final class DecodedStore<V> implements KeyValueStore<String, V>, CachedStateStore<String, V> {

    /** Code-point order, which is the order of UTF-8 bytes: the order of the store underneath. */
    static final Comparator<String> UTF8_ORDER = DecodedStore::compareUtf8;

    /** How processors scan a store while it may hold changes not yet written back. */
    public enum Scans {
        /** Never: a scan with changes pending fails rather than miss them. */
        NONE,
        /**
         * Now and then (a punctuation's range, a rare rebuild): each scan picks its pending changes
         * out of all of them and sorts those. Changes cost a hash-map insert.
         */
        RARELY,
        /**
         * At events (a learner's rows by prefix): pending changes are also indexed by their key's
         * first part (the learner), so a scan by a prefix that holds a whole first part sorts only
         * that part's changes. Each change costs a second hash-map insert; other scans go through
         * all changes, as {@link #RARELY} does.
         */
        OFTEN
    }

    private final KeyValueStore<String, V> inner;
    /** The store's name, read once: the layers underneath each pass the call on. */
    private final String name;
    private final Scans scans;
    /** The values' deserializer, for the rows read from the bytes under Kafka's metered layer. */
    private final Deserializer<V> values;
    /** Those bytes (see {@link StoreBytes}), found at init. */
    private KeyValueStore<Bytes, byte[]> raw;
    /** Cached entries, least recently used first; at most {@code capacity}, read from the settings at init. */
    private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private int capacity = DEFAULT_ENTRIES;
    /**
     * The entry last read or written, and its key. Processors read a row and put it back at once;
     * the put then finds its entry here instead of looking it up again, a lookup that mostly
     * waits on memory. A scan may make other entries more recently used, so eviction forgets it
     * when it goes.
     */
    private String lastKey;
    private Entry<V> lastEntry;
    /** Entries changed since their last write-back, in change order. */
    private final Map<String, Entry<V>> dirty = new LinkedHashMap<>();
    /**
     * For {@link Scans#OFTEN}: the keys in {@link #dirty} by their first part. A tree of the keys
     * in store order did the same job, but every change walked about a dozen of its nodes, each
     * a wait on memory: several percent of the stream threads' time.
     */
    private final Map<String, List<String>> dirtyByHead = new HashMap<>();
    private InternalProcessorContext<?, ?> context;
    private CacheFlushListener<String, V> listener;
    private Thread initThread;

    /** A cached value (null: known absent or deleted) and, when changed, the record context that changed it. */
    private static final class Entry<V> {
        private V value;
        private boolean dirty;
        private ProcessorRecordContext changedBy;
        /** Whether the store underneath holds a value for the key; null while unknown (put unread). */
        private Boolean stored;

        Entry(V value, Boolean stored) {
            this.value = value;
            this.stored = stored;
        }
    }

    private DecodedStore(KeyValueStore<String, V> inner, Scans scans, Deserializer<V> values) {
        this.inner = inner;
        this.name = inner.name();
        this.scans = scans;
        this.values = values;
    }

    /** Decoded entries kept per store and task: the Kafka Streams setting. */
    public static final String ENTRIES_CONFIG = "learnstream.decoded.entries";
    /**
     * By default: thousands of learners' rows, the learners active between two commits and those
     * just before; a few megabytes per store and task.
     */
    public static final int DEFAULT_ENTRIES = 5_000;

    /** The entries kept per store and task ({@value #ENTRIES_CONFIG}), or the default; fails naming the setting. */
    static int entries(Map<String, Object> configs) {
        final long entries = StreamsSettings.number(configs, ENTRIES_CONFIG, DEFAULT_ENTRIES, "entries");
        if (entries < 1 || entries > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(ENTRIES_CONFIG + " must be between 1 and " + Integer.MAX_VALUE + ", got "
                    + entries);
        }
        return (int) entries;
    }

    /** A persistent, changelogged store of String keys with its decoded cache. */
    static <V> StoreBuilder<KeyValueStore<String, V>> persistent(String name, Serde<V> values, Scans scans) {
        return new Builder<>(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
                .withCachingDisabled(), scans, values.deserializer());
    }

    static int compareUtf8(String a, String b) {
        final int common = Math.min(a.length(), b.length());
        for (int i = 0; i < common; i++) {
            final char x = a.charAt(i);
            final char y = b.charAt(i);
            if (x != y) {
                final boolean xs = Character.isSurrogate(x);
                final boolean ys = Character.isSurrogate(y);
                // A surrogate stands for a code point above every char of the basic plane.
                return xs == ys ? Character.compare(x, y) : xs ? 1 : -1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    @Override
    public void init(StateStoreContext stateStoreContext, StateStore root) {
        if (!(stateStoreContext instanceof InternalProcessorContext<?, ?> internal)) {
            throw new IllegalStateException("Store " + name() + " needs Kafka Streams' processor context, got "
                    + stateStoreContext.getClass().getName());
        }
        this.context = internal;
        this.capacity = entries(stateStoreContext.appConfigs());
        this.initThread = Thread.currentThread();
        forget();
        inner.init(stateStoreContext, root);
        raw = StoreBytes.under(inner);
        if (raw == null) {
            throw new IllegalStateException("Store " + name() + " needs Kafka Streams' metered store over bytes, got "
                    + inner.getClass().getName());
        }
    }

    /** Whether the caller is the task's own thread (processors), not a query from another thread. */
    private boolean owned() {
        final Thread current = Thread.currentThread();
        return current == initThread || current instanceof StreamThread;
    }

    @Override
    public V get(String key) {
        if (!owned()) {
            return inner.get(key);
        }
        return entry(key).value;
    }

    private Entry<V> entry(String key) {
        Entry<V> entry = cached(key);
        if (entry == null) {
            final V value = inner.get(key);
            entry = new Entry<>(value, value != null);
            entries.put(key, entry);
            evictBeyondCapacity();
        }
        remember(key, entry);
        return entry;
    }

    /** The cached entry of {@code key}, or null. */
    private Entry<V> cached(String key) {
        if (lastEntry != null && (key == lastKey || key.equals(lastKey))) {
            return lastEntry;
        }
        return entries.get(key);
    }

    private void remember(String key, Entry<V> entry) {
        lastKey = key;
        lastEntry = entry;
    }

    @Override
    public void put(String key, V value) {
        ownedOnly("put");
        Entry<V> entry = cached(key);
        if (entry == null && value == null) {
            // As delete, but nobody wants the old row, and the caller knows the store holds it
            // (an expiring window): the tombstone goes unread. Reading first would cost a RocksDB
            // lookup of an old row, usually on disk, to spare a tombstone that is rarely needless.
            raw.put(StoreBytes.key(key), null);
            return;
        }
        if (entry == null) {
            entry = new Entry<>(value, null);
            entries.put(key, entry);
        } else {
            entry.value = value;
        }
        remember(key, entry);
        entry.changedBy = context.recordContext();
        if (!entry.dirty) {
            entry.dirty = true;
            dirty.put(key, entry);
            if (scans == Scans.OFTEN) {
                dirtyByHead.computeIfAbsent(head(key), h -> new ArrayList<>(4)).add(key);
            }
        }
        evictBeyondCapacity();
    }

    @Override
    public V putIfAbsent(String key, V value) {
        final V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> rows) {
        rows.forEach(row -> put(row.key, row.value));
    }

    @Override
    public V delete(String key) {
        ownedOnly("delete");
        if (cached(key) == null) {
            final byte[] old = dropUncached(key);
            return old == null ? null : values.deserialize(name(), old);
        }
        final V current = get(key);
        put(key, null);
        return current;
    }

    /**
     * Deletes a key with nothing pending: its tombstone can go to the store now, as caching the
     * deletion would only push a row the processors still use out of the cache (moved alerts
     * delete rows long out of it). The old row's bytes, or null if there was none (and so no
     * tombstone).
     */
    private byte[] dropUncached(String key) {
        final Bytes stored = StoreBytes.key(key);
        final byte[] old = raw.get(stored);
        if (old != null) {
            raw.put(stored, null);
        }
        return old;
    }

    private void ownedOnly(String operation) {
        if (!owned()) {
            throw new IllegalStateException("Store " + name() + " cannot " + operation + " from thread "
                    + Thread.currentThread().getName());
        }
    }

    private void evictBeyondCapacity() {
        if (entries.size() <= capacity) {
            return;
        }
        final Iterator<Map.Entry<String, Entry<V>>> eldest = entries.entrySet().iterator();
        while (entries.size() > capacity && eldest.hasNext()) {
            final Map.Entry<String, Entry<V>> next = eldest.next();
            final Entry<V> entry = next.getValue();
            if (entry.dirty) {
                writeBack(next.getKey(), entry);
                undirty(next.getKey());
            }
            if (entry == lastEntry) {
                remember(null, null);
            }
            eldest.remove();
        }
    }

    /** Writes a changed entry to the store underneath, as the record that changed it, and passes it on. */
    private void writeBack(String key, Entry<V> entry) {
        entry.dirty = false;
        final Boolean wasStored = entry.stored;
        entry.stored = entry.value != null;
        final ProcessorRecordContext current = context.recordContext();
        if (entry.changedBy != null) {
            context.setRecordContext(entry.changedBy);
        }
        try {
            if (entry.value == null) {
                // A row made and deleted between two write-backs never reached the store: no tombstone.
                // Both go under the metered layer, which would decode the old row for nobody.
                if (wasStored == Boolean.TRUE) {
                    raw.put(StoreBytes.key(key), null);
                } else if (wasStored == null) {
                    dropUncached(key);
                }
            } else {
                inner.put(key, entry.value);
                if (listener != null) {
                    final ProcessorRecordContext changedBy = context.recordContext();
                    listener.apply(new Record<>(key, new Change<>(entry.value, null), changedBy.timestamp(),
                            changedBy.headers()));
                }
            }
        } finally {
            context.setRecordContext(current);
        }
    }

    @Override
    public void flushCache() {
        for (final Map.Entry<String, Entry<V>> changed : dirty.entrySet()) {
            writeBack(changed.getKey(), changed.getValue());
        }
        dirty.clear();
        dirtyByHead.clear();
    }

    /** Drops a written-back key from the pending changes. */
    private void undirty(String key) {
        dirty.remove(key);
        if (scans == Scans.OFTEN) {
            final String head = head(key);
            final List<String> keys = dirtyByHead.get(head);
            if (keys != null && keys.remove(key) && keys.isEmpty()) {
                dirtyByHead.remove(head);
            }
        }
    }

    /** A key's first part: up to the first separator, or the whole key. */
    private static String head(String key) {
        final int end = key.indexOf(Keys.SEPARATOR);
        return end < 0 ? key : key.substring(0, end);
    }

    @Override
    public void clearCache() {
        forget();
    }

    private void forget() {
        lastKey = null;
        lastEntry = null;
        entries.clear();
        dirty.clear();
        dirtyByHead.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, V> listener, boolean sendOldValues) {
        if (sendOldValues) {
            return false;
        }
        this.listener = listener;
        return true;
    }

    @Override
    public void flush() {
        flushCache();
        inner.flush();
    }

    @Override
    public void close() {
        forget();
        inner.close();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        if (!owned()) {
            return inner.range(from, to);
        }
        if (from != null && to != null && UTF8_ORDER.compare(from, to) > 0) {
            return inner.range(from, to); // Empty, as Kafka Streams answers an inverted range.
        }
        return merged(decoding(raw.range(StoreBytes.key(from), StoreBytes.key(to))), pending(from, to, null));
    }

    @Override
    public KeyValueIterator<String, V> all() {
        if (!owned()) {
            return inner.all();
        }
        return merged(decoding(raw.all()), pending(null, null, null));
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS serializer) {
        if (!owned()) {
            return inner.prefixScan(prefix, serializer);
        }
        if (!(prefix instanceof String text) || !(serializer instanceof StringSerializer)) {
            throw new IllegalArgumentException("Store " + name() + " scans by a String prefix only");
        }
        return merged(decoding(raw.prefixScan(text, new StringSerializer())), pending(text, null, text));
    }

    /** Stored rows with their values from the cache where it holds them, decoded otherwise. */
    private KeyValueIterator<String, V> decoding(KeyValueIterator<Bytes, byte[]> rows) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public KeyValue<String, V> next() {
                final KeyValue<Bytes, byte[]> row = rows.next();
                final String key = new String(row.key.get(), StandardCharsets.UTF_8);
                // A pending change of this key replaces the row in the merge; a clean one equals it.
                final Entry<V> cached = entries.get(key);
                return KeyValue.pair(key, cached != null && cached.value != null ? cached.value
                        : values.deserialize(name(), row.value));
            }

            @Override
            public String peekNextKey() {
                return new String(rows.peekNextKey().get(), StandardCharsets.UTF_8);
            }

            @Override
            public void close() {
                rows.close();
            }
        };
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        if (!owned()) {
            return inner.reverseRange(from, to);
        }
        throw new UnsupportedOperationException("Store " + name() + " scans backwards for queries only");
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
        if (!owned()) {
            return inner.reverseAll();
        }
        throw new UnsupportedOperationException("Store " + name() + " scans backwards for queries only");
    }

    /**
     * The changes not yet written back between two bounds (inclusive; null: open) and, unless null,
     * with a prefix, in store order.
     */
    private Iterator<Map.Entry<String, V>> pending(String from, String to, String prefix) {
        if (scans == Scans.NONE) {
            if (!dirty.isEmpty()) {
                throw new IllegalStateException("Store " + name() + " holds changes and is not built for scans");
            }
            return java.util.Collections.emptyIterator();
        }
        final int headEnd = prefix == null ? -1 : prefix.indexOf(Keys.SEPARATOR);
        final Iterable<String> candidates;
        if (scans == Scans.OFTEN && headEnd >= 0) {
            // Every key with this prefix has the prefix's first part as its own.
            final List<String> keys = dirtyByHead.get(prefix.substring(0, headEnd));
            candidates = keys == null ? List.of() : keys;
        } else {
            candidates = dirty.keySet();
        }
        // A copy: the caller may change the store while it goes through the rows.
        final List<Map.Entry<String, V>> picked = new ArrayList<>();
        for (final String key : candidates) {
            if ((from == null || UTF8_ORDER.compare(key, from) >= 0)
                    && (to == null || UTF8_ORDER.compare(key, to) <= 0)
                    && (prefix == null || key.startsWith(prefix))) {
                picked.add(new AbstractMap.SimpleImmutableEntry<>(key, dirty.get(key).value));
            }
        }
        picked.sort(Map.Entry.comparingByKey(UTF8_ORDER));
        return picked.iterator();
    }

    /** The store's rows with the pending changes over them: changed values replace, deletions hide. */
    private KeyValueIterator<String, V> merged(KeyValueIterator<String, V> stored,
                                               Iterator<Map.Entry<String, V>> pending) {
        return new KeyValueIterator<>() {
            private KeyValue<String, V> nextStored = stored.hasNext() ? stored.next() : null;
            private Map.Entry<String, V> nextPending = pending.hasNext() ? pending.next() : null;
            private KeyValue<String, V> next = advance();

            private KeyValue<String, V> advance() {
                while (nextStored != null || nextPending != null) {
                    final int order = nextStored == null ? 1 : nextPending == null ? -1
                            : UTF8_ORDER.compare(nextStored.key, nextPending.getKey());
                    if (order < 0) {
                        final KeyValue<String, V> row = nextStored;
                        nextStored = stored.hasNext() ? stored.next() : null;
                        return row;
                    }
                    if (order == 0) {
                        nextStored = stored.hasNext() ? stored.next() : null;
                    }
                    final String key = nextPending.getKey();
                    final V value = nextPending.getValue();
                    nextPending = pending.hasNext() ? pending.next() : null;
                    if (value != null) {
                        return KeyValue.pair(key, value);
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public KeyValue<String, V> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                final KeyValue<String, V> current = next;
                next = advance();
                return current;
            }

            @Override
            public String peekNextKey() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                return next.key;
            }

            @Override
            public void close() {
                stored.close();
            }
        };
    }

    private record Builder<V>(StoreBuilder<KeyValueStore<String, V>> inner, Scans scans, Deserializer<V> values)
            implements StoreBuilder<KeyValueStore<String, V>> {

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
            return this; // This is the cache.
        }

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
            return new Builder<>(inner.withLoggingEnabled(config), scans, values);
        }

        @Override
        public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
            return new Builder<>(inner.withLoggingDisabled(), scans, values);
        }

        @Override
        public KeyValueStore<String, V> build() {
            return new DecodedStore<>(inner.build(), scans, values);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
