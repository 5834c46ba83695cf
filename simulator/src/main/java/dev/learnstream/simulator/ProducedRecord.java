package dev.learnstream.simulator;

import java.time.Instant;

/**
 * A record ready for Kafka: topic name, key, value bytes and record timestamp, plus the injected
 * fault, or null for a good event.
 */
public record ProducedRecord(String topic, String key, byte[] value, Instant timestamp, Fault fault) {
}
