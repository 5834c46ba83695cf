package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** The incremental binder over a real Kafka metrics registry. */
class KafkaMetersTest {

    private final Metrics kafka = new Metrics();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final KafkaMeters meters = new KafkaMeters(registry);

    private MetricName add(String name, String group, Map<String, String> tags, double value) {
        final MetricName metricName = kafka.metricName(name, group, "", tags);
        kafka.addMetric(metricName, (Measurable) (config, now) -> value);
        return metricName;
    }

    @Test
    void bindsNewMetricsWithMicrometersNamesAndRemovesGoneOnes() {
        add("process-rate", "stream-thread-metrics", Map.of("thread-id", "t1"), 5.0);
        final MetricName total = add("process-total", "stream-thread-metrics", Map.of("thread-id", "t1"), 42.0);
        kafka.addMetric(kafka.metricName("state", "stream-metrics", "", Map.of()),
                (org.apache.kafka.common.metrics.Gauge<String>) (config, now) -> "RUNNING");
        meters.refresh(kafka.metrics());

        assertThat(registry.get("kafka.stream.thread.process.rate").tag("thread.id", "t1")
                .tag("kafka.version", org.apache.kafka.common.utils.AppInfoParser.getVersion()).gauge().value()).isEqualTo(5.0);
        assertThat(registry.get("kafka.stream.thread.process.total").functionCounter().count()).isEqualTo(42.0);
        assertThat(registry.find("kafka.stream.state").meter()).as("not a number").isNull();

        kafka.removeMetric(total);
        add("poll-rate", "stream-thread-metrics", Map.of("thread-id", "t1"), 1.0);
        meters.refresh(kafka.metrics());
        assertThat(registry.find("kafka.stream.thread.process.total").meter()).isNull();
        assertThat(registry.get("kafka.stream.thread.poll.rate").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("kafka.stream.thread.process.rate").gauge()).isInstanceOf(Gauge.class);

        meters.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void aNameKeepsTheTagKeysItWasFirstBoundWith() {
        add("records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", "c1"), 7.0);
        meters.refresh(kafka.metrics());
        add("records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", "c1", "topic", "t"), 3.0);
        add("records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", "c2"), 9.0);
        meters.refresh(kafka.metrics());
        meters.refresh(kafka.metrics());

        assertThat(registry.find("kafka.consumer.fetch.manager.records.lag.max").gauges())
                .extracting(g -> g.getId().getTag("client.id") + "=" + g.value())
                .containsExactlyInAnyOrder("c1=7.0", "c2=9.0");
        assertThat(registry.find("kafka.consumer.fetch.manager.records.lag.max").tagKeys("topic").meters()).isEmpty();
        assertThat(registry.find("kafka.consumer.fetch.manager.records.lag.max").functionCounters()).isEmpty();
        assertThat(registry.getMeters()).noneMatch(m -> m instanceof FunctionCounter);
    }
}
