package dev.learnstream.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * One RocksDB block cache for all stores of a process ({@value #CACHE_BYTES_CONFIG}), holding the
 * stores' index and filter blocks too.
 *
 * <p>Why: Kafka Streams gives every RocksDB instance its own 50 MB block cache, and keeps index
 * and filter blocks outside any cache, where they grow with the data. LearnStream has about twenty
 * persistent stores per partition, plus standbys, so an instance's read memory grows with the
 * partitions it is assigned and with the state's size, outside the Java heap: the kind of memory
 * a container limit kills without warning. With one cache the stores compete for a fixed amount.
 *
 * <p>Memtables are left at Kafka Streams' settings (up to three of 16 MB per store). Charging them
 * to the same budget (RocksDB's write buffer manager) was measured and dropped: with 8 partitions
 * (144 stores) under a 128 MB memtable budget, every store flushed tiny memtables and the bench's
 * topology ran at 2,163 events/s against 5,170 without it, for no measurable gain in resident memory.
 *
 * <p>The cache lives as long as the process (a store closing must not free what the others use),
 * one per size, so several Streams clients in one JVM (tests, bench) with the same size share it.
 */
public final class SharedRocksDbCache implements RocksDBConfigSetter {

    /** Bytes of the block cache all stores share. */
    public static final String CACHE_BYTES_CONFIG = "learnstream.rocksdb.cache.bytes";
    /** What an instance gets unless told otherwise. */
    public static final long DEFAULT_CACHE_BYTES = 256L * 1024 * 1024;
    /** The share of the cache kept for index and filter blocks, so data blocks cannot push them out. */
    static final double INDEX_AND_FILTER_SHARE = 0.1;

    private static final Map<Long, Cache> CACHES = new ConcurrentHashMap<>();

    /** The bytes configured under {@value #CACHE_BYTES_CONFIG}, or the default; fails naming the setting. */
    static long cacheBytes(Map<String, Object> configs) {
        final Object value = configs.get(CACHE_BYTES_CONFIG);
        if (value == null) {
            return DEFAULT_CACHE_BYTES;
        }
        final long bytes;
        try {
            bytes = value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CACHE_BYTES_CONFIG + " must be a number of bytes, got '" + value + "'");
        }
        if (bytes < 16L * 1024 * 1024) {
            throw new IllegalArgumentException(CACHE_BYTES_CONFIG + " must be at least 16 MiB, got " + bytes + " bytes");
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
    }

    @Override
    public void close(String storeName, Options options) {
        // The shared cache outlives any one store (see the class comment).
    }
}
