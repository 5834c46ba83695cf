package dev.learnstream.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers a dead-lettered record carries, next to its original key and value bytes and
 * original headers. Names are a contract with whoever reads the DLQs.
 */
public final class DeadLetters {

    public static final String ERROR_CLASS = "learnstream.dlq.error.class";
    public static final String ERROR_MESSAGE = "learnstream.dlq.error.message";
    public static final String STAGE = "learnstream.dlq.stage";
    public static final String SOURCE_TOPIC = "learnstream.dlq.source.topic";
    public static final String SOURCE_PARTITION = "learnstream.dlq.source.partition";
    public static final String SOURCE_OFFSET = "learnstream.dlq.source.offset";
    public static final String SOURCE_TIMESTAMP = "learnstream.dlq.source.timestamp";

    /** Where in the pipeline a record failed. */
    public enum Stage {
        DESERIALIZE, VALIDATE, PROCESS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private DeadLetters() {
    }

    /** The original headers plus the error context. */
    static Headers headers(Headers original, Stage stage, String errorClass, String message, String topic,
                           int partition, long offset, long timestamp) {
        final Headers headers = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0]
                : original.toArray());
        put(headers, ERROR_CLASS, errorClass);
        put(headers, ERROR_MESSAGE, message == null ? "" : message);
        put(headers, STAGE, stage.label());
        put(headers, SOURCE_TOPIC, topic);
        put(headers, SOURCE_PARTITION, String.valueOf(partition));
        put(headers, SOURCE_OFFSET, String.valueOf(offset));
        put(headers, SOURCE_TIMESTAMP, String.valueOf(timestamp));
        return headers;
    }

    static String text(Headers headers, String name) {
        final var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
