package dev.learnstream.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the event topics and their dead-letter topics when missing. Existing topics are left
 * as they are (their partitions and configs are the operator's).
 */
public final class TopicProvisioner {

    /** Retention of the seeds (7 days); dev mode keeps everything so history can be replayed. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private TopicProvisioner() {
    }

    /**
     * @param retention event retention, or null to keep events forever
     * @return the topics that were created
     */
    public static List<String> ensure(Admin admin, TopicNames names, int partitions, short replication,
                                      Duration retention) {
        final String retentionMs = retention == null ? "-1" : String.valueOf(retention.toMillis());
        final List<NewTopic> wanted = new ArrayList<>();
        for (final EventTopic topic : EventTopic.values()) {
            wanted.add(new NewTopic(names.name(topic), partitions, replication)
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, retentionMs)));
            if (topic.direction() == EventTopic.Direction.INPUT) {
                // Dead letters are kept until someone has looked at them.
                wanted.add(new NewTopic(names.dlq(topic), partitions, replication)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
            }
        }
        return create(admin, wanted);
    }

    /** Creates {@code topics}, leaving existing ones alone; returns the names it created. */
    public static List<String> create(Admin admin, List<NewTopic> topics) {
        final List<String> created = new ArrayList<>();
        final var results = admin.createTopics(topics).values();
        for (final var entry : results.entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + entry.getKey() + ": " + e.getCause(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Timed out creating topic " + entry.getKey(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topics", e);
            }
        }
        return created;
    }
}
