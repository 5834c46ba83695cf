package dev.learnstream.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's Prometheus metrics: rows written per table, batch latency, consumer lag per topic,
 * how old the newest written record was, dead letters and retries.
 */
final class SinkMetrics {

    private final MeterRegistry registry;
    private final Timer batches;
    private final Timer freshness;
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final AtomicLong databaseUp = new AtomicLong(1);

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batches = Timer.builder("learnstream.sink.batch")
                .description("Time to write one batch (one transaction) into PostgreSQL")
                .publishPercentileHistogram()
                .register(registry);
        this.freshness = Timer.builder("learnstream.sink.record.age")
                .description("Age of a batch's newest record (its Kafka timestamp) when its transaction committed")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("learnstream.sink.database.up", databaseUp, AtomicLong::get)
                .description("1 while the last database call succeeded, 0 while retrying")
                .register(registry);
    }

    void batch(Duration took, Batch batch, SinkWriter.Written written) {
        batches.record(took);
        written.upserts().forEach((table, count) -> rows(table, "upsert", count));
        written.deletes().forEach((table, count) -> rows(table, "delete", count));
        if (batch.newestTimestamp() != Long.MIN_VALUE) {
            freshness.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - batch.newestTimestamp())));
        }
        databaseUp.set(1);
    }

    private void rows(String table, String operation, int count) {
        if (count > 0) {
            Counter.builder("learnstream.sink.rows.written").description("Rows upserted or deleted, per table")
                    .tag("table", table).tag("operation", operation).register(registry).increment(count);
        }
    }

    void deadLetter(String topic, String stage) {
        Counter.builder("learnstream.sink.dead.letters").description("Records sent to <topic>.sink.dlq")
                .tag("topic", topic).tag("stage", stage).register(registry).increment();
    }

    void retry(String reason) {
        databaseUp.set(0);
        Counter.builder("learnstream.sink.retries").description("Batches retried after a transient failure")
                .tag("reason", reason).register(registry).increment();
    }

    void lag(String topic, long records) {
        lag.computeIfAbsent(topic, t -> {
            final AtomicLong value = new AtomicLong();
            Gauge.builder("learnstream.sink.consumer.lag", value, AtomicLong::get)
                    .description("Records of the topic not yet written to PostgreSQL").tag("topic", t).register(registry);
            return value;
        }).set(records);
    }
}
