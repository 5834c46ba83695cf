package dev.learnstream.topology;

import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicProvisioner;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration LearnStream runs with; callers' settings win. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Properties properties(String applicationId, String bootstrapServers, TopologySettings settings,
                                        Map<String, ?> overrides) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Everything unforeseen is dead-lettered with its source bytes inside the transaction (KIP-1034).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        // The course catalog is a global store: a bad record there is dead-lettered too, not fatal.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(DeadLetterExceptionHandler.INPUT_TOPICS_CONFIG, EventTopic.inputs().stream()
                .map(settings.topics()::name).collect(Collectors.joining(",")));
        // A renamed store or internal topic silently loses state: refuse generated names.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // Changelogs and repartitions inherit the event's timestamp, which the rules allow ahead of
        // the broker's clock: a broker refusing it would stop the application (see TopicProvisioner).
        TopicProvisioner.ANY_TIMESTAMP.forEach((name, value) -> props.put(StreamsConfig.topicPrefix(name), value));
        props.putAll(overrides);
        return props;
    }
}
