package dev.learnstream.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an instance whether its local state still belongs to the application's changelogs.
 *
 * <p>An instance that stopped cleanly keeps its stores and their checkpointed changelog offsets.
 * If the changelogs are deleted meanwhile (a {@link ReplayReset}, or Kafka's own reset tool) and
 * made anew by another instance's replay, Kafka Streams would restore from those offsets of the
 * new topics on top of the old stores, mixing two histories. So each instance keeps the topic ids
 * of the changelogs its state was built from, in {@code <state.dir>/<application.id>.changelog-ids}
 * (beside the application's state directory, which a wipe removes), and wipes its local state
 * before starting when one of them is gone or has another id: a recreated topic always gets a new
 * id. The ids are written again once the streams run, and at each clean stop.
 */
public final class ChangelogIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(ChangelogIdentity.class);

    private final Admin admin;
    private final String applicationId;
    private final java.util.Set<String> changelogs;
    private final Path file;
    private final long timeoutMs;

    /**
     * @param changelogs the application's changelog topics by name (see
     *                   {@link dev.learnstream.topology.TopologyTopics#internal})
     */
    public ChangelogIdentity(Admin admin, String applicationId, java.util.Set<String> changelogs, Path stateDir,
                             Duration timeout) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.changelogs = java.util.Set.copyOf(changelogs);
        this.file = stateDir.resolve(applicationId + ".changelog-ids");
        this.timeoutMs = timeout.toMillis();
    }

    /**
     * Whether the changelogs this instance's state was built from were deleted or made anew since
     * it recorded them. False when nothing was recorded (a first start, or an earlier version).
     */
    public boolean stateIsStale() {
        final Map<String, String> recorded = recorded();
        if (recorded.isEmpty()) {
            return false;
        }
        final Map<String, String> current = current();
        for (final Map.Entry<String, String> topic : recorded.entrySet()) {
            if (!topic.getValue().equals(current.get(topic.getKey()))) {
                LOG.warn("Changelog {} was {} since this instance last ran: its local state is from before a reset"
                        + " and is wiped", topic.getKey(), current.containsKey(topic.getKey()) ? "made anew" : "deleted");
                return true;
            }
        }
        return false;
    }

    /** Records the ids of the application's changelogs as they are now. */
    public void record() {
        final Map<String, String> current = current();
        final Properties ids = new Properties();
        ids.putAll(current);
        try {
            Files.createDirectories(file.getParent());
            final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                ids.store(writer, "topic ids of the changelogs this instance's local state was built from");
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record the changelog ids in " + file, e);
        }
    }

    Map<String, String> recorded() {
        if (!Files.exists(file)) {
            return Map.of();
        }
        final Properties ids = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            ids.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the changelog ids in " + file, e);
        }
        final Map<String, String> recorded = new TreeMap<>();
        ids.forEach((topic, id) -> recorded.put(topic.toString(), id.toString()));
        return recorded;
    }

    /** The application's changelog topics now, by name, with their topic ids. */
    Map<String, String> current() {
        try {
            final List<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).stream()
                    .filter(changelogs::contains)
                    .toList();
            final Map<String, String> ids = new TreeMap<>();
            for (final TopicDescription topic : admin.describeTopics(existing).allTopicNames()
                    .get(timeoutMs, TimeUnit.MILLISECONDS).values()) {
                ids.put(topic.name(), topic.topicId().toString());
            }
            return ids;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list the changelog topics of " + applicationId + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted listing the changelog topics of " + applicationId, e);
        }
    }
}
