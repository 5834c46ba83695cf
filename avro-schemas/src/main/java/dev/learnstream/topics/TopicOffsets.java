package dev.learnstream.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** Offsets of every partition of some topics, as the admin client lists them. */
public final class TopicOffsets {

    private TopicOffsets() {
    }

    /**
     * {@code spec}'s offset (e.g. {@link OffsetSpec#earliest()}, {@link OffsetSpec#latest()}) of
     * every partition of {@code topics}; each of the two calls to Kafka waits at most {@code timeout}.
     */
    public static Map<TopicPartition, Long> of(Admin admin, Collection<String> topics, OffsetSpec spec,
                                               Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (final TopicDescription topic : admin.describeTopics(topics).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).values()) {
            topic.partitions().forEach(partition ->
                    request.put(new TopicPartition(topic.name(), partition.partition()), spec));
        }
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }
}
