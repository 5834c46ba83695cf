package dev.learnstream.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The service's Prometheus registry: JVM and process metrics, the Kafka Streams client metrics
 * (per-topic records consumed and produced of the embedded consumers and producers included: the
 * events processed per input topic and the records written to each DLQ and to the late-events
 * topic), HTTP latency per route (recorded by the API) and uncaught stream-thread exceptions.
 *
 * <p>Kafka's metrics are bound by {@link KafkaMeters}, brought up to date at each scrape. Those per
 * state store, per processor node and per consumed partition are left out ({@link #HIGH_CARDINALITY}):
 * they were nine in ten of an instance's series.
 */
public final class ServiceMetrics implements AutoCloseable {

    /** Kafka metric families with a series per store, processor node or partition. */
    static final MeterFilter HIGH_CARDINALITY = MeterFilter.deny(id -> id.getName().startsWith("kafka.stream.state.")
            || id.getName().startsWith("kafka.stream.processor.node.")
            || id.getName().startsWith("kafka.consumer.fetch.manager.") && id.getTag("partition") != null);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter uncaught;
    private KafkaStreams streams;
    private KafkaMeters kafkaMeters;
    private TopicCounters topicCounters;

    public ServiceMetrics() {
        registry.config().meterFilter(HIGH_CARDINALITY);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        uncaught = Counter.builder("learnstream.streams.uncaught.exceptions")
                .description("Stream-thread exceptions that replaced a thread").register(registry);
    }

    public void bind(KafkaStreams kafkaStreams, Set<String> topics) {
        kafkaMeters = new KafkaMeters(registry);
        kafkaMeters.refresh(kafkaStreams.metrics());
        // The client metrics above keep one series per client; these count per topic.
        topicCounters = new TopicCounters(registry, topics);
        streams = kafkaStreams;
    }

    /** The Prometheus text, with the Kafka meters and per-topic counters brought up to date first. */
    public String scrape() {
        if (streams != null) {
            // One read of the clients' metrics (KafkaStreams builds the map anew on each call) for both.
            final Map<MetricName, ? extends Metric> current = streams.metrics();
            kafkaMeters.refresh(current);
            topicCounters.refresh(current);
        }
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void uncaughtException() {
        uncaught.increment();
    }

    @Override
    public void close() {
        if (kafkaMeters != null) {
            kafkaMeters.close();
        }
        gc.close();
        registry.close();
    }
}
