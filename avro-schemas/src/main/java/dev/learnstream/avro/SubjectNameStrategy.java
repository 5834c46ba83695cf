package dev.learnstream.avro;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How a subject name is derived, as in Confluent's serde. TOPIC_RECORD is what LearnStream uses,
 * because several event types share one topic (user.events, course.events, learning-events...).
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic. */
    TOPIC {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one lineage per record type, across topics. */
    RECORD {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<record full name>}: one lineage per record type and topic. */
    TOPIC_RECORD {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    public abstract String subject(String topic, boolean isKey, Schema schema);

    /**
     * Parses our short names ({@code topic_record}) and Confluent's class names
     * ({@code io.confluent.kafka.serializers.subject.TopicRecordNameStrategy}), so a config
     * written for Confluent's serde works unchanged.
     */
    public static SubjectNameStrategy parse(String setting, String value) {
        final String simple = value.substring(value.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (simple) {
            case "topic", "topicnamestrategy" -> TOPIC;
            case "record", "recordnamestrategy" -> RECORD;
            case "topic_record", "topicrecord", "topicrecordnamestrategy" -> TOPIC_RECORD;
            default -> throw new IllegalArgumentException(setting + ": unknown subject name strategy '" + value
                    + "'; use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
        };
    }
}
