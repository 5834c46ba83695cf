package dev.learnstream.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Kafka client metrics as Micrometer meters, named as Micrometer's own Kafka binder names them
 * ({@code kafka.<group without -metrics>.<name>}, dashes as dots; {@code …-total} a counter, the
 * rest gauges; a {@code kafka.version} tag), but bound incrementally: each refresh binds the metrics that appeared and removes
 * those that went, in one pass over the clients' metric map. Micrometer's binder instead, each
 * minute the set changed, compared every metric with every meter of the same name, which for a
 * Kafka Streams instance (thousands of metrics, hundreds per name) took seconds of CPU and stalled
 * queries.
 *
 * <p>Prometheus needs every series of a name to have the same tag keys. Kafka reports some names
 * at two levels (a client's maximum and its per-topic values, say); the first tag keys bound for a
 * name are kept, and a metric of that name with other keys is left out.
 */
final class KafkaMeters implements AutoCloseable {

    /** As Micrometer's binder tags every Kafka meter. */
    private static final Tag KAFKA_VERSION = Tag.of("kafka.version", AppInfoParser.getVersion());

    private final MeterRegistry registry;
    private final Map<MetricName, Meter> bound = new HashMap<>();
    /** Metrics looked at and not bound: not numeric, metadata, or tag keys that clash. */
    private final Set<MetricName> skipped = new HashSet<>();
    private final Map<String, Set<String>> tagKeysByName = new HashMap<>();

    KafkaMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Binds what appeared in the clients' {@code current} metrics and removes what went since the last refresh. */
    synchronized void refresh(Map<MetricName, ? extends Metric> current) {
        bound.entrySet().removeIf(entry -> {
            if (current.containsKey(entry.getKey())) {
                return false;
            }
            registry.remove(entry.getValue());
            return true;
        });
        skipped.retainAll(current.keySet());
        current.forEach((name, metric) -> {
            if (!bound.containsKey(name) && !skipped.contains(name)) {
                final Meter meter = bind(name, metric);
                if (meter == null) {
                    skipped.add(name);
                } else {
                    bound.put(name, meter);
                }
            }
        });
    }

    private Meter bind(MetricName name, Metric metric) {
        if (!(metric.metricValue() instanceof Number) || name.group().equals("app-info")
                || name.group().equals("kafka-metrics-count")) {
            return null;
        }
        final String meterName = meterName(name);
        final List<Tag> tags = new ArrayList<>();
        name.tags().forEach((key, value) -> tags.add(Tag.of(key.replace('-', '.'), value)));
        tags.add(KAFKA_VERSION);
        final Set<String> keys = new TreeSet<>();
        tags.forEach(tag -> keys.add(tag.getKey()));
        final Set<String> known = tagKeysByName.putIfAbsent(meterName, keys);
        if (known != null && !known.equals(keys)) {
            return null;
        }
        if (name.name().endsWith("total")) {
            return FunctionCounter.builder(meterName, metric, KafkaMeters::value).tags(tags)
                    .description(name.description()).register(registry);
        }
        return Gauge.builder(meterName, metric, KafkaMeters::value).tags(tags).description(name.description())
                .register(registry);
    }

    private static String meterName(MetricName name) {
        return ("kafka." + name.group() + "." + name.name()).replace("-metrics", "").replace('-', '.');
    }

    private static double value(Metric metric) {
        return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    @Override
    public synchronized void close() {
        bound.values().forEach(registry::remove);
        bound.clear();
        skipped.clear();
    }
}
