package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    @Test
    void kafkaMetricsPerStoreNodeOrPartitionAreLeftOutAndTheRestKept() {
        try (ServiceMetrics metrics = new ServiceMetrics()) {
            final var registry = metrics.registry();
            final double[] value = {1};
            Gauge.builder("kafka.stream.state.put.rate", value, v -> v[0])
                    .tags(Tags.of("task.id", "0_1", "rocksdb.state.id", "quiz-analytics")).register(registry);
            Gauge.builder("kafka.stream.processor.node.process.rate", value, v -> v[0])
                    .tags(Tags.of("processor.node.id", "validate")).register(registry);
            Gauge.builder("kafka.consumer.fetch.manager.records.lag", value, v -> v[0])
                    .tags(Tags.of("topic", "learnstream.quiz-completed", "partition", "3")).register(registry);
            Gauge.builder("kafka.consumer.fetch.manager.records.lag.max", value, v -> v[0])
                    .tags(Tags.of("client.id", "c1")).register(registry);
            Gauge.builder("kafka.stream.thread.process.rate", value, v -> v[0])
                    .tags(Tags.of("thread.id", "t1")).register(registry);

            final String scrape = metrics.scrape();
            assertThat(scrape).contains("kafka_consumer_fetch_manager_records_lag_max{", "kafka_stream_thread_process_rate{")
                    .doesNotContain("kafka_stream_state_", "kafka_stream_processor_node_",
                            "kafka_consumer_fetch_manager_records_lag{");
        }
    }
}
