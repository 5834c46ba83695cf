package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class SharedRocksDbCacheTest {

    static {
        // Kafka Streams loads it before any store opens; here the test's own caches come first.
        RocksDB.loadLibrary();
    }

    private static final Map<String, Object> SIZE = Map.of(SharedRocksDbCache.CACHE_BYTES_CONFIG, 64L << 20);

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

    @Test
    void everyStoreReadsThroughOneSharedCacheHoldingIndexAndFilterBlocks() {
        try (LRUCache ownA = new LRUCache(1 << 20); LRUCache ownB = new LRUCache(1 << 20);
             Options a = storeOptions(ownA); Options b = storeOptions(ownB)) {
            final SharedRocksDbCache setter = new SharedRocksDbCache();
            setter.setConfig("memory-scores", a, SIZE);
            setter.setConfig("windowed-metrics", b, SIZE);

            assertThat(table(a).blockCache()).isNotSameAs(ownA).isSameAs(table(b).blockCache());
            assertThat(table(a).cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table(a).cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
            // Memtables stay per store (see the class comment).
            assertThat(a.writeBufferManager()).isNull();
        }
    }

    @Test
    void anotherSizeGetsItsOwnCache() {
        try (LRUCache ownA = new LRUCache(1 << 20); LRUCache ownB = new LRUCache(1 << 20);
             Options a = storeOptions(ownA); Options b = storeOptions(ownB)) {
            final SharedRocksDbCache setter = new SharedRocksDbCache();
            setter.setConfig("memory-scores", a, SIZE);
            setter.setConfig("memory-scores", b, Map.of(SharedRocksDbCache.CACHE_BYTES_CONFIG, "33554432"));

            assertThat(table(a).blockCache()).isNotSameAs(table(b).blockCache());
        }
    }

    @Test
    void aBadSizeIsRefusedNamingTheSetting() {
        assertThat(SharedRocksDbCache.cacheBytes(Map.of())).isEqualTo(SharedRocksDbCache.DEFAULT_CACHE_BYTES);
        assertThatThrownBy(() -> SharedRocksDbCache.cacheBytes(Map.of(SharedRocksDbCache.CACHE_BYTES_CONFIG, "lots")))
                .hasMessageContaining(SharedRocksDbCache.CACHE_BYTES_CONFIG).hasMessageContaining("lots");
        assertThatThrownBy(() -> SharedRocksDbCache.cacheBytes(Map.of(SharedRocksDbCache.CACHE_BYTES_CONFIG, 1024)))
                .hasMessageContaining("at least 16 MiB");
    }
}
