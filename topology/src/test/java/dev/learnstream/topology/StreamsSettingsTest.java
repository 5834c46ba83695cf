package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.topics.TopicNames;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private static final String TIMEOUT = StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    private final TopologySettings settings = TopologySettings.defaults(TopicNames.defaults(), Map.of());

    private Properties with(Map<String, Object> overrides) {
        return StreamsSettings.properties("app", "localhost:9092", settings, overrides);
    }

    @Test
    void aLongCommitIntervalGetsATransactionTimeoutLongerThanItself() {
        assertThat(with(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20_000)).get(TIMEOUT)).isEqualTo(50_000);
        assertThat(with(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "8000")).get(TIMEOUT)).isEqualTo(38_000);
    }

    @Test
    void shortCommitsAndExplicitTimeoutsAreLeftAlone() {
        assertThat(with(Map.of()).get(TIMEOUT)).isNull();
        assertThat(with(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000)).get(TIMEOUT)).isNull();
        assertThat(with(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 60_000, TIMEOUT, 120_000)).get(TIMEOUT))
                .isEqualTo(120_000);
    }

    @Test
    void internalTopicsTakeAnyTimestamp() {
        assertThat(with(Map.of()).get(StreamsConfig.topicPrefix(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG)))
                .isEqualTo(String.valueOf(Long.MAX_VALUE));
    }

    @Test
    void rocksDbStoresShareOneCacheWhoseSizeCallersCanChange() {
        assertThat(with(Map.of()).get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(RocksDbMemory.class);
        assertThat(with(Map.of()).get(RocksDbMemory.CACHE_BYTES_CONFIG))
                .isEqualTo(RocksDbMemory.DEFAULT_CACHE_BYTES);
        assertThat(with(Map.of(RocksDbMemory.CACHE_BYTES_CONFIG, 1L << 30)).get(RocksDbMemory.CACHE_BYTES_CONFIG))
                .isEqualTo(1L << 30);
    }

    @Test
    void aBadRocksDbSizeFailsBeforeAnyStoreOpens() {
        assertThatThrownBy(() -> with(Map.of(RocksDbMemory.CACHE_BYTES_CONFIG, "1GB")))
                .hasMessageContaining(RocksDbMemory.CACHE_BYTES_CONFIG);
        assertThatThrownBy(() -> with(Map.of(RocksDbMemory.MEMTABLE_BYTES_CONFIG, 0)))
                .hasMessageContaining(RocksDbMemory.MEMTABLE_BYTES_CONFIG);
    }

    @Test
    void aBadLearnerPartitionCountFailsAtStartNamingIt() {
        assertThat(with(Map.of(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, "8"))
                .get(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG)).isEqualTo("8");
        assertThatThrownBy(() -> with(Map.of(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, "eight")))
                .hasMessageContaining(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG);
        assertThatThrownBy(() -> with(Map.of(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, -1)))
                .hasMessageContaining(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG);
    }
}
