package dev.learnstream.topology;

import dev.learnstream.topics.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates what the topology reads and writes when missing: the event topics and their DLQs, the
 * result changelogs (compacted: the latest value per key is the table the sink upserts), and the
 * processing DLQ. Like the event topics, they take any record timestamp (see {@link TopicProvisioner}).
 */
public final class TopologyTopics {

    private TopologyTopics() {
    }

    /** @param retention event retention, or null to keep events forever */
    public static void ensure(Admin admin, TopologySettings settings, int partitions, short replication,
                              Duration retention) {
        TopicProvisioner.ensure(admin, settings.topics(), partitions, replication, retention);
        final List<NewTopic> topics = new ArrayList<>();
        for (final String changelog : ResultTopics.changelogs()) {
            topics.add(new NewTopic(changelog, partitions, replication)
                    .configs(TopicProvisioner.withAnyTimestamp(
                            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        }
        topics.add(new NewTopic(ResultTopics.PROCESSING_DLQ, partitions, replication)
                .configs(TopicProvisioner.withAnyTimestamp(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
        topics.add(new NewTopic(ResultTopics.LATE_EVENTS, partitions, replication)
                .configs(TopicProvisioner.withAnyTimestamp(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
        TopicProvisioner.create(admin, topics);
    }
}
