package dev.learnstream.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the event topics and their dead-letter topics when missing. Existing topics are left
 * as they are (their partitions and configs are the operator's).
 *
 * <p>Every topic created here accepts any record timestamp ({@link #ANY_TIMESTAMP}). Producers
 * stamp events with their {@code occurredAt}; the topology's rules judge it (a day ahead at most
 * by default) and dead-letter what breaks them. The broker's own default refuses records more
 * than an hour ahead, which would turn a valid event into a produce error at the learner's
 * service, and a dead letter or result that inherits such a timestamp into a fatal send error.
 */
public final class TopicProvisioner {

    /** Retention of the seeds (7 days); dev mode keeps everything so history can be replayed. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    /** The topic config that lets a topic take records stamped any time ahead of the broker's clock. */
    public static final Map<String, String> ANY_TIMESTAMP =
            Map.of(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, String.valueOf(Long.MAX_VALUE));

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
                    .configs(withAnyTimestamp(Map.of(TopicConfig.RETENTION_MS_CONFIG, retentionMs))));
            if (topic.direction() == EventTopic.Direction.INPUT) {
                // Dead letters are kept until someone has looked at them.
                wanted.add(new NewTopic(names.dlq(topic), partitions, replication)
                        .configs(withAnyTimestamp(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
            }
        }
        return create(admin, wanted);
    }

    /** {@code configs} plus {@link #ANY_TIMESTAMP}. */
    public static Map<String, String> withAnyTimestamp(Map<String, String> configs) {
        final Map<String, String> all = new HashMap<>(configs);
        all.putAll(ANY_TIMESTAMP);
        return all;
    }

    /**
     * Creates {@code topics}, leaving existing ones alone, and waits until the broker describes
     * every one of them; returns the names it created.
     */
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
        awaitDescribed(admin, topics.stream().map(NewTopic::name).toList());
        return created;
    }

    /**
     * A created topic is known to the controller before the brokers' metadata has it: a client
     * started at once (a global store's consumer, say) can find no partitions and fail. So wait,
     * bounded, until the topics are described with all their partitions.
     */
    private static void awaitDescribed(Admin admin, List<String> names) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                final var described = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                if (described.values().stream().allMatch(topic -> !topic.partitions().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Cannot describe topics " + names + ": " + e.getCause(), e);
                }
            } catch (TimeoutException e) {
                // Asked again below, within the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topics " + names + " were created but not described within 30 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics", e);
            }
        }
    }
}
