package dev.learnstream.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Records consumed and produced per topic, summed over the stream threads' clients:
 * {@code learnstream_topic_records_consumed_total{topic}} counts the events read from each input
 * topic, {@code learnstream_topic_records_produced_total{topic}} what was written to each result,
 * dead-letter and late-events topic. A counter appears the first time its topic has traffic.
 */
final class TopicCounters {

    private final KafkaStreams streams;
    private final MeterRegistry registry;
    private final Set<String> topics;
    private final Set<String> registered = new HashSet<>();

    /** @param topics the topics to count: the clients also report legacy underscore aliases, left out */
    TopicCounters(KafkaStreams streams, MeterRegistry registry, Set<String> topics) {
        this.streams = streams;
        this.registry = registry;
        this.topics = topics;
    }

    synchronized void refresh() {
        for (final MetricName name : streams.metrics().keySet()) {
            final String topic = name.tags().get("topic");
            if (topic == null || !topics.contains(topic) || name.tags().containsKey("partition")) {
                continue;
            }
            if (name.name().equals("records-consumed-total") && registered.add("consumed " + topic)) {
                FunctionCounter.builder("learnstream.topic.records.consumed", this, self -> self.sum("records-consumed-total", topic))
                        .description("Records read from the topic by the stream threads").tag("topic", topic)
                        .register(registry);
            } else if (name.name().equals("record-send-total") && registered.add("produced " + topic)) {
                FunctionCounter.builder("learnstream.topic.records.produced", this, self -> self.sum("record-send-total", topic))
                        .description("Records written to the topic by the stream threads").tag("topic", topic)
                        .register(registry);
            }
        }
    }

    private double sum(String metric, String topic) {
        double total = 0;
        for (final Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            if (entry.getKey().name().equals(metric) && topic.equals(entry.getKey().tags().get("topic"))
                    && !entry.getKey().tags().containsKey("partition")
                    && entry.getValue().metricValue() instanceof Number value) {
                total += value.doubleValue();
            }
        }
        return total;
    }
}
