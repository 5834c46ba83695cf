package dev.learnstream.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends simulated records to Kafka. Values are already serialized (good ones by the real Avro
 * serializer; bad ones are bytes on purpose), so the producer carries plain bytes. Idempotent,
 * acks=all: a retry never duplicates an event.
 */
public final class KafkaOutput implements Simulator.Output {

    private final KafkaProducer<String, byte[]> producer;
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    public KafkaOutput(String bootstrapServers, Properties overrides) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "learnstream-simulator");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L * 1024 * 1024));
        props.putAll(overrides);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void send(ProducedRecord record, SimulatorStats stats) {
        final RecordHeaders headers = new RecordHeaders();
        if (record.fault() != null) {
            headers.add(Fault.HEADER, record.fault().name().getBytes(StandardCharsets.UTF_8));
        }
        producer.send(new ProducerRecord<>(record.topic(), null, record.timestamp().toEpochMilli(), record.key(),
                record.value(), headers), (metadata, error) -> {
                    if (error != null) {
                        stats.sendFailed();
                        firstError.compareAndSet(null, error);
                    }
                });
        stats.count(record);
    }

    /** Waits for every send; throws if any failed. */
    @Override
    public void flush() {
        producer.flush();
        final Exception error = firstError.get();
        if (error != null) {
            throw new IllegalStateException("Some simulated events could not be sent to Kafka: " + error.getMessage(), error);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
