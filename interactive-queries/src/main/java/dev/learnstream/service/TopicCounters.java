package dev.learnstream.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Records consumed and produced per topic, summed over the stream threads' clients:
 * {@code learnstream_topic_records_consumed_total{topic}} counts the events read from each input
 * topic, {@code learnstream_topic_records_produced_total{topic}} what was written to each result,
 * dead-letter and late-events topic. A counter appears the first time its topic has traffic.
 */
final class TopicCounters {

    private final MeterRegistry registry;
    private final Set<String> topics;
    private static final String CONSUMED = "records-consumed-total";
    private static final String PRODUCED = "record-send-total";

    private final Set<String> registered = new HashSet<>();
    private volatile Map<String, Double> latest = Map.of();

    /** @param topics the topics to count: the clients also report legacy underscore aliases, left out */
    TopicCounters(MeterRegistry registry, Set<String> topics) {
        this.registry = registry;
        this.topics = topics;
    }

    /**
     * Sums the per-topic client metrics in one pass over the streams' {@code current} metrics, registering a
     * counter for each topic seen for the first time. Called before each scrape; the counters
     * report the sums of the latest pass.
     */
    synchronized void refresh(Map<MetricName, ? extends Metric> current) {
        final Map<String, Double> sums = new HashMap<>();
        for (final Map.Entry<MetricName, ? extends Metric> entry : current.entrySet()) {
            final MetricName name = entry.getKey();
            final String topic = name.tags().get("topic");
            if (topic == null || !topics.contains(topic) || name.tags().containsKey("partition")
                    || !(entry.getValue().metricValue() instanceof Number value)) {
                continue;
            }
            if (name.name().equals(CONSUMED) || name.name().equals(PRODUCED)) {
                sums.merge(name.name() + " " + topic, value.doubleValue(), Double::sum);
            }
        }
        latest = sums;
        for (final String series : sums.keySet()) {
            if (registered.add(series)) {
                final boolean consumed = series.startsWith(CONSUMED + " ");
                final String topic = series.substring(series.indexOf(' ') + 1);
                FunctionCounter.builder(consumed ? "learnstream.topic.records.consumed" : "learnstream.topic.records.produced",
                                this, self -> self.latest.getOrDefault(series, 0.0))
                        .description(consumed ? "Records read from the topic by the stream threads"
                                : "Records written to the topic by the stream threads")
                        .tag("topic", topic).register(registry);
            }
        }
    }
}
