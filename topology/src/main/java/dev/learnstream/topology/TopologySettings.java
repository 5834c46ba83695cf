package dev.learnstream.topology;

import dev.learnstream.topics.TopicNames;
import java.time.Duration;
import java.util.Map;

/**
 * What the topology needs to know, beyond the Kafka Streams configuration.
 *
 * @param topics          input topic names (and so their DLQ names)
 * @param serdeConfig     Avro serde settings (registry URL and the rest)
 * @param dedupHorizon    how long an eventId is remembered to drop duplicates
 * @param dropAfter       inactivity after which a learner counts as having dropped a course
 * @param scanEvery       how often the wall-clock punctuators look for due work
 * @param maxFutureSkew   how far ahead of the wall clock an event time may be
 * @param memory          memory model, struggle and at-risk settings
 */
public record TopologySettings(TopicNames topics, Map<String, ?> serdeConfig, Duration dedupHorizon,
                               Duration dropAfter, Duration scanEvery, Duration maxFutureSkew,
                               MemorySettings memory) {

    public static final Duration DEFAULT_DEDUP_HORIZON = Duration.ofHours(24);
    public static final Duration DEFAULT_DROP_AFTER = Duration.ofDays(14);
    public static final Duration DEFAULT_SCAN_EVERY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

    public TopologySettings {
        requirePositive("dedup horizon", dedupHorizon);
        requirePositive("drop-after period", dropAfter);
        requirePositive("scan interval", scanEvery);
        requirePositive("maximum future skew", maxFutureSkew);
        if (memory == null) {
            throw new IllegalArgumentException("The memory settings are required");
        }
    }

    public TopologySettings(TopicNames topics, Map<String, ?> serdeConfig, Duration dedupHorizon, Duration dropAfter,
                            Duration scanEvery, Duration maxFutureSkew) {
        this(topics, serdeConfig, dedupHorizon, dropAfter, scanEvery, maxFutureSkew, MemorySettings.DEFAULTS);
    }

    public TopologySettings withSerdeConfig(Map<String, ?> config) {
        return new TopologySettings(topics, config, dedupHorizon, dropAfter, scanEvery, maxFutureSkew, memory);
    }

    public TopologySettings withMemory(MemorySettings settings) {
        return new TopologySettings(topics, serdeConfig, dedupHorizon, dropAfter, scanEvery, maxFutureSkew, settings);
    }

    public static TopologySettings defaults(TopicNames topics, Map<String, ?> serdeConfig) {
        return new TopologySettings(topics, serdeConfig, DEFAULT_DEDUP_HORIZON, DEFAULT_DROP_AFTER, DEFAULT_SCAN_EVERY,
                DEFAULT_MAX_FUTURE_SKEW);
    }

    private static void requirePositive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("The " + what + " must be positive, got " + value);
        }
    }
}
