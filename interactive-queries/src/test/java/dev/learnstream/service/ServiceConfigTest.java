package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.topology.DecodedStore;
import dev.learnstream.topology.RocksDbMemory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

    private static Map<String, String> minimal() {
        final Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        env.put("SCHEMA_REGISTRY_URL", "http://localhost:8081");
        env.put("LEARNSTREAM_API_KEYS", "an-admin-key-of-some-length:admin");
        return env;
    }

    @Test
    void rocksDbSizesAreInMebibytes() {
        assertThat(ServiceConfig.fromSettings(minimal()).kafka().get(RocksDbMemory.CACHE_BYTES_CONFIG))
                .isEqualTo(RocksDbMemory.DEFAULT_CACHE_BYTES);
        final Map<String, String> env = minimal();
        env.put("LEARNSTREAM_ROCKSDB_CACHE_MIB", "1024");
        env.put("LEARNSTREAM_ROCKSDB_MEMTABLE_MIB", "16");
        final Map<String, Object> kafka = ServiceConfig.fromSettings(env).kafka();
        assertThat(kafka.get(RocksDbMemory.CACHE_BYTES_CONFIG)).isEqualTo(1024L << 20);
        assertThat(kafka.get(RocksDbMemory.MEMTABLE_BYTES_CONFIG)).isEqualTo(16L << 20);
    }

    @Test
    void aBadRocksDbSizeStopsTheStartNamingTheVariable() {
        final Map<String, String> env = minimal();
        env.put("LEARNSTREAM_ROCKSDB_CACHE_MIB", "1g");
        assertThatThrownBy(() -> ServiceConfig.fromSettings(env)).hasMessageContaining("LEARNSTREAM_ROCKSDB_CACHE_MIB");
        env.put("LEARNSTREAM_ROCKSDB_CACHE_MIB", "8");
        assertThatThrownBy(() -> ServiceConfig.fromSettings(env)).hasMessageContaining("LEARNSTREAM_ROCKSDB_CACHE_MIB");
        env.remove("LEARNSTREAM_ROCKSDB_CACHE_MIB");
        env.put("LEARNSTREAM_ROCKSDB_MEMTABLE_MIB", "0");
        assertThatThrownBy(() -> ServiceConfig.fromSettings(env)).hasMessageContaining("LEARNSTREAM_ROCKSDB_MEMTABLE_MIB");
    }

    @Test
    void theDecodedEntriesPerStoreAreASettingAndABadOneStopsTheStart() {
        assertThat(ServiceConfig.fromSettings(minimal()).kafka().get(DecodedStore.ENTRIES_CONFIG))
                .isEqualTo(DecodedStore.DEFAULT_ENTRIES);
        final Map<String, String> env = minimal();
        env.put("LEARNSTREAM_DECODED_ENTRIES", "20000");
        assertThat(ServiceConfig.fromSettings(env).kafka().get(DecodedStore.ENTRIES_CONFIG)).isEqualTo(20_000);
        env.put("LEARNSTREAM_DECODED_ENTRIES", "0");
        assertThatThrownBy(() -> ServiceConfig.fromSettings(env)).hasMessageContaining("LEARNSTREAM_DECODED_ENTRIES");
    }
}
