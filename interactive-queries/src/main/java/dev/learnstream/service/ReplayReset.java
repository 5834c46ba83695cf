package dev.learnstream.service;

import dev.learnstream.topics.TopicOffsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Sets the application up to replay its input history from the start, as Kafka's
 * {@code kafka-streams-application-reset} does: the input topics' committed offsets go back to the
 * earliest retained record, and the application's internal topics (changelogs, repartitions) are
 * deleted, so every store is rebuilt from the replayed events alone. Unlike that tool, it takes
 * the internal topics by their exact names from the topology, not by the application id as a
 * prefix, which would also match another application named {@code <id>-something}. Result topics are kept: the
 * replay writes their rows again under the same keys, so compacted topics and the sink's upserts
 * converge to the same state.
 *
 * <p>Every instance must be stopped first: offsets cannot be moved under a running group, and an
 * instance still running would write into the topics being deleted. Local state is not touched
 * here, since it lives on each instance's disk; {@link ChangelogIdentity} makes each instance wipe
 * its own on its next start, as it sees the changelogs it restored from are gone.
 */
public final class ReplayReset {

    /**
     * What a reset did (or, in a dry run, would do).
     *
     * @param inputOffsets   the committed offset each input partition goes back to
     * @param internalTopics the internal topics deleted
     */
    public record Plan(Map<TopicPartition, Long> inputOffsets, List<String> internalTopics) {
    }

    private final Admin admin;
    private final long timeoutMs;
    private final long memberWaitMs;

    /**
     * @param timeout    for each call to Kafka
     * @param memberWait how long to wait for the group to empty: Kafka Streams does not leave its
     *                   group when it stops, so a stopped instance stays a member until its
     *                   session times out ({@code session.timeout.ms}, 45 s by default)
     */
    public ReplayReset(Admin admin, java.time.Duration timeout, java.time.Duration memberWait) {
        this.admin = admin;
        this.timeoutMs = timeout.toMillis();
        this.memberWaitMs = memberWait.toMillis();
    }

    /**
     * Resets application {@code applicationId} to replay {@code inputTopics} from their earliest
     * records, deleting those of {@code internalTopics} that exist (see
     * {@link dev.learnstream.topology.TopologyTopics#internal}); with {@code dryRun} only says what
     * it would do.
     *
     * @throws IllegalStateException when the application still has running members, naming how many
     */
    public Plan reset(String applicationId, Collection<String> inputTopics, Collection<String> internalTopics,
                      boolean dryRun) {
        try {
            requireStopped(applicationId);
            final Map<TopicPartition, Long> earliest = earliestOffsets(inputTopics);
            final List<String> internal = existing(internalTopics);
            if (!dryRun) {
                final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                earliest.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
                admin.alterConsumerGroupOffsets(applicationId, offsets).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                admin.deleteTopics(internal).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                awaitGone(internal);
            }
            return new Plan(earliest, internal);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Reset of " + applicationId + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Reset of " + applicationId + " timed out after " + timeoutMs
                    + " ms: is Kafka reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Reset of " + applicationId + " interrupted", e);
        }
    }

    private List<String> existing(Collection<String> topics) throws ExecutionException, InterruptedException,
            TimeoutException {
        final List<String> existing = new ArrayList<>(topics);
        existing.retainAll(admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS));
        existing.sort(null);
        return existing;
    }

    /**
     * Deletion finishes in the background: wait until the topics are no longer listed, so that the
     * streams starting next make them anew instead of meeting them half deleted.
     */
    private void awaitGone(List<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            final java.util.Set<String> left = new java.util.HashSet<>(
                    admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS));
            left.retainAll(topics);
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics still listed after deletion: " + left);
            }
            Thread.sleep(200);
        }
    }

    private void requireStopped(String applicationId) throws ExecutionException, InterruptedException,
            TimeoutException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(memberWaitMs);
        while (true) {
            final ConsumerGroupDescription running = runningGroup(applicationId);
            if (running == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Application " + applicationId + " is still running (consumer group "
                        + running.groupState() + " with " + running.members().size() + " member(s) after waiting "
                        + memberWaitMs / 1000 + " s): stop every instance before a reset");
            }
            Thread.sleep(500);
        }
    }

    /** The application's group while it has members, or null when it has none (or never existed). */
    private ConsumerGroupDescription runningGroup(String applicationId) throws ExecutionException,
            InterruptedException, TimeoutException {
        final ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(applicationId)).describedGroups().get(applicationId)
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
        final boolean idle = group.members().isEmpty() && (group.groupState() == GroupState.EMPTY
                || group.groupState() == GroupState.DEAD || group.groupState() == GroupState.UNKNOWN);
        return idle ? null : group;
    }

    private Map<TopicPartition, Long> earliestOffsets(Collection<String> topics) throws ExecutionException,
            InterruptedException, TimeoutException {
        final Map<TopicPartition, Long> earliest = new java.util.TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        earliest.putAll(TopicOffsets.of(admin, topics, OffsetSpec.earliest(), java.time.Duration.ofMillis(timeoutMs)));
        return earliest;
    }
}
