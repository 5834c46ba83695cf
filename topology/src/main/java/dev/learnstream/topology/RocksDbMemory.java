package dev.learnstream.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * How much memory LearnStream's RocksDB stores take outside the Java heap: one block cache for all
 * stores of a process ({@value #CACHE_BYTES_CONFIG}), holding the stores' index and filter blocks
 * too, and small memtables per store ({@value #MEMTABLE_BYTES_CONFIG}, two of them).
 *
 * <p>Why: Kafka Streams gives every RocksDB instance its own 50 MB block cache and up to three
 * 16 MB memtables, and keeps index and filter blocks outside any cache, where they grow with the
 * data. LearnStream has 18 persistent stores per partition, plus standbys, so an instance's
 * memory grew with the partitions it is assigned and with the state's size, outside the Java heap:
 * the kind of memory a container limit kills without warning. With one cache the stores compete
 * for a fixed amount; the memtables' worst case is 8 MB per store instead of 48.
 *
 * <p>Measured with the bench at 8 partitions (144 stores): memtables held 513 MiB with Kafka's
 * settings and 212 MiB with two of 4 MB, at the same throughput. Charging the memtables to the
 * cache instead (RocksDB's write buffer manager, 128 MB for all) made every store flush tiny
 * memtables: 2,163 events/s against 5,170.
 *
 * <p>The cache lives as long as the process (a store closing must not free what the others use),
 * one per size, so several Streams clients in one JVM (tests, bench) with the same size share it.
 */
public final class RocksDbMemory implements RocksDBConfigSetter {

    /** Bytes of the block cache all stores share. */
    public static final String CACHE_BYTES_CONFIG = "learnstream.rocksdb.cache.bytes";
    /** What an instance gets unless told otherwise. */
    public static final long DEFAULT_CACHE_BYTES = 256L * 1024 * 1024;
    public static final long MIN_CACHE_BYTES = 16L * 1024 * 1024;
    /** Bytes of each of a store's memtables. */
    public static final String MEMTABLE_BYTES_CONFIG = "learnstream.rocksdb.memtable.bytes";
    public static final long DEFAULT_MEMTABLE_BYTES = 4L * 1024 * 1024;
    public static final long MIN_MEMTABLE_BYTES = 1024L * 1024;
    public static final int MEMTABLES_PER_STORE = 2;
    /** The share of the cache kept for index and filter blocks, so data blocks cannot push them out. */
    static final double INDEX_AND_FILTER_SHARE = 0.1;

    private static final Map<Long, Cache> CACHES = new ConcurrentHashMap<>();

    /** The block cache's bytes ({@value #CACHE_BYTES_CONFIG}), or the default; fails naming the setting. */
    static long cacheBytes(Map<String, Object> configs) {
        return bytes(configs, CACHE_BYTES_CONFIG, DEFAULT_CACHE_BYTES, MIN_CACHE_BYTES);
    }

    /** A memtable's bytes ({@value #MEMTABLE_BYTES_CONFIG}), or the default; fails naming the setting. */
    static long memtableBytes(Map<String, Object> configs) {
        return bytes(configs, MEMTABLE_BYTES_CONFIG, DEFAULT_MEMTABLE_BYTES, MIN_MEMTABLE_BYTES);
    }

    private static long bytes(Map<String, Object> configs, String name, long fallback, long minimum) {
        final long bytes = StreamsSettings.number(configs, name, fallback, "bytes");
        if (bytes < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + (minimum >> 20) + " MiB, got " + bytes
                    + " bytes");
        }
        return bytes;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        // Not a strict limit: a full strict cache makes reads fail instead of evicting.
        final Cache cache = CACHES.computeIfAbsent(cacheBytes(configs),
                bytes -> new LRUCache(bytes, -1, false, INDEX_AND_FILTER_SHARE));
        final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        // The top level of partitioned indexes and filters stays in the cache: every read needs it.
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferSize(memtableBytes(configs));
        options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
    }

    @Override
    public void close(String storeName, Options options) {
        // The shared cache outlives any one store (see the class comment).
    }
}
