package dev.learnstream.topology;

import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what the topology reads and writes when missing: the event topics and their DLQs, the
 * result changelogs (compacted: the latest value per key is the table the sink upserts), and the
 * processing DLQ. Like the event topics, they take any record timestamp (see {@link TopicProvisioner}).
 */
public final class TopologyTopics {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyTopics.class);

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

    /**
     * The internal topics Kafka Streams makes for {@code topology} run as {@code applicationId}:
     * a changelog per store ({@code <id>-<store>-changelog}) and the repartition topics
     * ({@code <id>-<name>-repartition}), by their exact names, so that nothing of another
     * application whose id merely starts the same way is taken for ours. A store kept without a
     * changelog has a name here but no topic.
     *
     * @param changelogsOnly only the changelogs
     */
    public static java.util.SortedSet<String> internal(org.apache.kafka.streams.TopologyDescription topology,
                                                       String applicationId, boolean changelogsOnly) {
        final java.util.SortedSet<String> topics = new java.util.TreeSet<>();
        for (final org.apache.kafka.streams.TopologyDescription.Subtopology part : topology.subtopologies()) {
            for (final org.apache.kafka.streams.TopologyDescription.Node node : part.nodes()) {
                if (node instanceof org.apache.kafka.streams.TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> topics.add(applicationId + "-" + store + "-changelog"));
                } else if (!changelogsOnly && node instanceof org.apache.kafka.streams.TopologyDescription.Sink sink
                        && sink.topic() != null && sink.topic().endsWith("-repartition")) {
                    topics.add(applicationId + "-" + sink.topic());
                }
            }
        }
        return topics;
    }

    /**
     * The learner partitions: the event topics' largest partition count, which is the number of
     * tasks Kafka Streams makes for the sub-topology reading them. Given to the application as
     * {@link WindowedMetricsTopology#LEARNER_PARTITIONS_CONFIG}, it lets the windowed metrics start
     * closing as soon as every learner partition has reported. 0 when the topics cannot be described
     * in time (a warning says why): the roll-up then waits its settle time, as without it.
     */
    public static int learnerPartitions(Admin admin, TopologySettings settings) {
        final List<String> inputs = EventTopic.inputs().stream().map(settings.topics()::name).toList();
        try {
            int partitions = 0;
            for (final TopicDescription topic : admin.describeTopics(inputs).allTopicNames().get(10, TimeUnit.SECONDS)
                    .values()) {
                partitions = Math.max(partitions, topic.partitions().size());
            }
            return partitions;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not count the learner partitions of {}; the windowed metrics wait {} after a first start",
                    inputs, WindowedMetricsTopology.FIRST_CLOSES_AFTER, e);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
