package dev.learnstream.topics;

import java.util.EnumMap;
import java.util.Map;

/**
 * Actual topic names: the defaults, overridden by {@code topic.<id>} settings. Each input topic
 * {@code T} has its dead-letter topic {@code T.dlq}.
 */
public final class TopicNames {

    public static final String PREFIX = "topic.";
    public static final String DLQ_SUFFIX = ".dlq";

    private final Map<EventTopic, String> names = new EnumMap<>(EventTopic.class);

    private TopicNames(Map<String, ?> settings) {
        for (final Map.Entry<String, ?> entry : settings.entrySet()) {
            if (entry.getKey().startsWith(PREFIX)) {
                final String id = entry.getKey().substring(PREFIX.length());
                final EventTopic topic;
                try {
                    topic = EventTopic.byId(id);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(entry.getKey() + ": " + e.getMessage(), e);
                }
                final String name = String.valueOf(entry.getValue()).trim();
                if (!name.matches("[a-zA-Z0-9._-]{1,200}")) {
                    throw new IllegalArgumentException(entry.getKey() + ": '" + name
                            + "' is not a legal Kafka topic name (letters, digits, '.', '_', '-')");
                }
                names.put(topic, name);
            }
        }
    }

    public static TopicNames defaults() {
        return new TopicNames(Map.of());
    }

    /** Names from settings such as {@code topic.module-quiz=quiz-v2}; unknown ids fail. */
    public static TopicNames from(Map<String, ?> settings) {
        return new TopicNames(settings);
    }

    public String name(EventTopic topic) {
        return names.getOrDefault(topic, topic.defaultName());
    }

    public String dlq(EventTopic topic) {
        return name(topic) + DLQ_SUFFIX;
    }
}
