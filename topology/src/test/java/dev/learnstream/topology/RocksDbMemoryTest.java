package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class RocksDbMemoryTest {

    static {
        // Kafka Streams loads it before any store opens; here the test's own caches come first.
        RocksDB.loadLibrary();
    }

    private static final Map<String, Object> SIZE = Map.of(RocksDbMemory.CACHE_BYTES_CONFIG, 64L << 20);

    /** Options as Kafka Streams hands them to the setter: a table config with a cache of the store's own. */
    private static Options storeOptions(LRUCache own) {
        final BlockBasedTableConfigWithAccessibleCache table = new BlockBasedTableConfigWithAccessibleCache();
        table.setBlockCache(own);
        final Options options = new Options();
        options.setTableFormatConfig(table);
        return options;
    }

    private static BlockBasedTableConfigWithAccessibleCache table(Options options) {
        return (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
    }

    /**
     * Two stores as Kafka Streams opens them, each with a cache of its own, configured by the
     * setter with {@code configsA} and {@code configsB}; {@code check} sees their options and own caches.
     */
    private static void twoStores(Map<String, Object> configsA, Map<String, Object> configsB, TwoStores check) {
        try (LRUCache ownA = new LRUCache(1 << 20); LRUCache ownB = new LRUCache(1 << 20);
             Options a = storeOptions(ownA); Options b = storeOptions(ownB)) {
            final RocksDbMemory setter = new RocksDbMemory();
            setter.setConfig("memory-scores", a, configsA);
            setter.setConfig("windowed-metrics", b, configsB);
            check.accept(a, b, ownA);
        }
    }

    private interface TwoStores {
        void accept(Options a, Options b, LRUCache ownA);
    }

    @Test
    void everyStoreReadsThroughOneSharedCacheAndKeepsTwoSmallMemtables() {
        twoStores(SIZE, SIZE, (a, b, ownA) -> {
            assertThat(table(a).blockCache()).isNotSameAs(ownA).isSameAs(table(b).blockCache());
            assertThat(table(a).cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table(a).cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
            // Memtables stay per store, two small ones (see the class comment).
            assertThat(a.writeBufferManager()).isNull();
            assertThat(a.writeBufferSize()).isEqualTo(RocksDbMemory.DEFAULT_MEMTABLE_BYTES);
            assertThat(a.maxWriteBufferNumber()).isEqualTo(2).isEqualTo(RocksDbMemory.MEMTABLES_PER_STORE);
        });
    }

    @Test
    void anotherSizeGetsItsOwnCache() {
        twoStores(SIZE, Map.of(RocksDbMemory.CACHE_BYTES_CONFIG, "33554432"),
                (a, b, ownA) -> assertThat(table(a).blockCache()).isNotSameAs(table(b).blockCache()));
    }

    @Test
    void aBadSizeIsRefusedNamingTheSetting() {
        assertThat(RocksDbMemory.cacheBytes(Map.of())).isEqualTo(RocksDbMemory.DEFAULT_CACHE_BYTES);
        assertThatThrownBy(() -> RocksDbMemory.cacheBytes(Map.of(RocksDbMemory.CACHE_BYTES_CONFIG, "lots")))
                .hasMessageContaining(RocksDbMemory.CACHE_BYTES_CONFIG).hasMessageContaining("lots");
        assertThatThrownBy(() -> RocksDbMemory.cacheBytes(Map.of(RocksDbMemory.CACHE_BYTES_CONFIG, 1024)))
                .hasMessageContaining("at least 16 MiB");
        assertThat(RocksDbMemory.memtableBytes(Map.of(RocksDbMemory.MEMTABLE_BYTES_CONFIG, "8388608"))).isEqualTo(8L << 20);
        assertThatThrownBy(() -> RocksDbMemory.memtableBytes(Map.of(RocksDbMemory.MEMTABLE_BYTES_CONFIG, 1024)))
                .hasMessageContaining(RocksDbMemory.MEMTABLE_BYTES_CONFIG).hasMessageContaining("at least 1 MiB");
    }
}
