package dev.learnstream.sink;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/** A consumed record as the sink keeps it: where it came from and its bytes, for dead letters. */
record SinkRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Headers headers) {

    static SinkRecord of(ConsumerRecord<byte[], byte[]> record) {
        return new SinkRecord(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(),
                record.value(), record.headers());
    }

    String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
