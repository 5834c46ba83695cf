package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.simulator.KafkaOutput;
import dev.learnstream.simulator.KeyRecordingOutput;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.stack.Dirs;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topics.TopicOffsets;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.TopologySettings;
import dev.learnstream.topology.TopologyTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replay from the start on the real broker ({@code service --reset-offsets}): refused while an
 * instance runs, a dry run changes nothing, the reset moves the input offsets back and deletes the
 * internal topics, and the replay rebuilds every learner's analytics from the retained events
 * alone. Then the case the changelog ids exist for: an instance stopped before the reset, whose
 * stores hold the old history, starts after another instance has replayed (so the new changelogs
 * are longer than its checkpoints): it must wipe its stores and answer exactly as the replay did,
 * not restore the new changelogs' tail on top of the old stores.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReplayResetIT {

    private static final String APPLICATION_ID = "learnstream-replay-it";
    private static final String KEY = "replay-it-admin-key-0123456789";
    /** Another application whose id starts with ours: a reset of ours must leave its topics alone. */
    private static final String NEIGHBOUR = APPLICATION_ID + "-reporting";

    @Test
    void aResetReplaysTheRetainedInputAndAStaleInstanceWipesItsStores() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres()
                .withRegistry(LocalStack.RegistryKind.MOCK, null))) {
            final TopicNames names = TopicNames.defaults();
            final Map<String, Object> serdes = EventSerdes.config(stack.registryUrl(), Map.of());
            final List<String> inputs = EventTopic.inputs().stream().map(names::name).toList();
            final TopologyDescription topology = LearnStreamTopology.build(TopologySettings.defaults(names, serdes))
                    .describe();
            final Set<String> internal = TopologyTopics.internal(topology, APPLICATION_ID, false);
            final Path work = Files.createTempDirectory("learnstream-replay-it");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, TopologySettings.defaults(names, serdes), 2, (short) 1, null);
                admin.createTopics(List.of(new NewTopic(NEIGHBOUR + "-user-analytics-changelog", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
                final Set<String> users = new TreeSet<>();
                simulate(stack, names, serdes, 11, 2_000, users);

                // Instance A processes the first history and stops cleanly, keeping its stores.
                final Map<String, String> first;
                try (QueryService a = QueryService.start(config(stack, work.resolve("state-a")))) {
                    first = answersOnceCaughtUp(admin, a, inputs, users);
                    assertThatThrownBy(() -> new ReplayReset(admin, Duration.ofSeconds(30), Duration.ofSeconds(2))
                            .reset(APPLICATION_ID, inputs, internal, false))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("stop every instance before a reset");
                }

                // Retention drops the older half of every input partition; new events arrive.
                final Map<TopicPartition, RecordsToDelete> older = new HashMap<>();
                endOffsets(admin, inputs).forEach((partition, end) ->
                        older.put(partition, RecordsToDelete.beforeOffset(end / 2)));
                admin.deleteRecords(older).all().get(30, TimeUnit.SECONDS);
                simulate(stack, names, serdes, 12, 6_000, users);

                final Map<TopicPartition, Long> committedBefore = committed(admin);
                // Waits for instance A's session (10 s here) to time out: Kafka Streams does not leave on close.
                final ReplayReset reset = new ReplayReset(admin, Duration.ofSeconds(30), Duration.ofSeconds(40));
                final ReplayReset.Plan dryRun = reset.reset(APPLICATION_ID, inputs, internal, true);
                assertThat(dryRun.inputOffsets()).hasSize(inputs.size() * 2);
                older.forEach((partition, kept) ->
                        assertThat(dryRun.inputOffsets()).containsEntry(partition, kept.beforeOffset()));
                assertThat(dryRun.internalTopics()).isNotEmpty()
                        .contains(APPLICATION_ID + "-user-analytics-changelog",
                                APPLICATION_ID + "-course-facts-by-course-repartition")
                        .allMatch(internal::contains)
                        .doesNotContain(NEIGHBOUR + "-user-analytics-changelog");
                assertThat(committed(admin)).as("a dry run moves no offset").isEqualTo(committedBefore);
                assertThat(admin.listTopics().names().get()).as("a dry run deletes nothing")
                        .containsAll(dryRun.internalTopics());

                final ReplayReset.Plan done = reset.reset(APPLICATION_ID, inputs, internal, false);
                assertThat(done).isEqualTo(dryRun);
                final Map<TopicPartition, Long> rewound = committed(admin);
                older.forEach((partition, kept) -> assertThat(rewound).containsEntry(partition, kept.beforeOffset()));
                assertThat(admin.listTopics().names().get()).doesNotContainAnyElementsOf(done.internalTopics())
                        .as("the neighbour's topics stay").contains(NEIGHBOUR + "-user-analytics-changelog");

                // Instance B, fresh, replays what is retained.
                final Map<String, String> replayed;
                try (QueryService b = QueryService.start(config(stack, work.resolve("state-b")))) {
                    replayed = answersOnceCaughtUp(admin, b, inputs, users);
                }
                assertThat(replayed.keySet()).containsAll(first.keySet());
                assertThat(first).as("the dropped events are gone from the replayed state")
                        .anySatisfy((user, answer) -> assertThat(replayed.get(user)).isNotEqualTo(answer));

                // Instance A comes back with its stores from the first history: it must wipe them.
                assertThat(new ChangelogIdentity(admin, APPLICATION_ID, TopologyTopics.internal(topology, APPLICATION_ID, true),
                        work.resolve("state-a"), Duration.ofSeconds(30))
                        .stateIsStale()).isTrue();
                try (QueryService a = QueryService.start(config(stack, work.resolve("state-a")))) {
                    assertThat(answersOnceCaughtUp(admin, a, inputs, users)).isEqualTo(replayed);
                }
                assertThat(new ChangelogIdentity(admin, APPLICATION_ID, TopologyTopics.internal(topology, APPLICATION_ID, true),
                        work.resolve("state-a"), Duration.ofSeconds(30))
                        .stateIsStale()).as("recorded again at the stop").isFalse();
            } finally {
                Dirs.deleteQuietly(work);
            }
        }
    }

    private static ServiceConfig config(LocalStack stack, Path stateDir) {
        final Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("SCHEMA_REGISTRY_URL", stack.registryUrl());
        env.put("LEARNSTREAM_API_KEYS", KEY + ":admin");
        env.put("LEARNSTREAM_APPLICATION_ID", APPLICATION_ID);
        env.put("LEARNSTREAM_HTTP_HOST", "127.0.0.1");
        env.put("LEARNSTREAM_HTTP_PORT", "0");
        env.put("LEARNSTREAM_ADVERTISED_HOST", "127.0.0.1");
        env.put("LEARNSTREAM_STATE_DIR", stateDir.toString());
        env.put("LEARNSTREAM_STANDBY_REPLICAS", "0");
        env.put("KAFKA_COMMIT_INTERVAL_MS", "200");
        env.put("KAFKA_SESSION_TIMEOUT_MS", "10000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        return ServiceConfig.from(env);
    }

    private static void simulate(LocalStack stack, TopicNames names, Map<String, Object> serdes, long seed, long events,
                                 Set<String> users) throws Exception {
        try (KafkaOutput kafka = new KafkaOutput(stack.kafkaBootstrap(), new Properties())) {
            new Simulator(new SimulatorConfig(40, seed, 0, null, events, 0.0, Duration.ofDays(3), true), names,
                    EventSerdes.values(serdes).serializer()::serialize, Clock.systemUTC())
                    .run(new KeyRecordingOutput(kafka, names.name(EventTopic.USER_LOGIN), users), () -> false);
        }
    }

    /** Every learner's analytics once the instance has committed all its input and repartitioned records. */
    private static Map<String, String> answersOnceCaughtUp(Admin admin, QueryService service, List<String> inputs,
                                                           Set<String> users) {
        final ApiClient client = new ApiClient(service.port());
        Waits.until("the instance to be ready", Duration.ofSeconds(90), Duration.ofMillis(250),
                () -> ChildService.status(client, "/health/ready", null) == 200);
        Waits.until("the instance to commit all its input", Duration.ofSeconds(120), Duration.ofMillis(250),
                () -> caughtUp(admin, inputs));
        // A learner whose every event was dropped with the older half has no row: absent, not pending.
        final Map<String, String> answers = new TreeMap<>();
        Waits.until("every learner's analytics", Duration.ofSeconds(60), Duration.ofMillis(250), () -> {
            answers.clear();
            for (final String user : users) {
                final ApiClient.Response response = client.get("/api/v1/users/" + user + "/analytics", KEY);
                if (response.status() != 200 && response.status() != 404) {
                    return false;
                }
                answers.put(user, response.status() == 404 ? "absent" : response.raw().body());
            }
            return true;
        });
        return answers;
    }

    private static boolean caughtUp(Admin admin, List<String> inputs) {
        try {
            return committedThroughEnd(admin, inputs);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot compare committed and end offsets", e);
        }
    }

    private static boolean committedThroughEnd(Admin admin, List<String> inputs) throws Exception {
        final Map<TopicPartition, Long> committed = committed(admin);
        final Set<String> topics = new TreeSet<>(inputs);
        admin.listTopics().names().get().stream()
                .filter(topic -> topic.startsWith(APPLICATION_ID + "-") && topic.endsWith("-repartition"))
                .forEach(topics::add);
        for (final Map.Entry<TopicPartition, Long> end : endOffsets(admin, topics).entrySet()) {
            if (end.getValue() > 0 && committed.getOrDefault(end.getKey(), -1L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<TopicPartition, Long> committed(Admin admin) throws Exception {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        for (final Map.Entry<TopicPartition, OffsetAndMetadata> entry : admin.listConsumerGroupOffsets(APPLICATION_ID)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).entrySet()) {
            if (entry.getValue() != null) {
                offsets.put(entry.getKey(), entry.getValue().offset());
            }
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, java.util.Collection<String> topics)
            throws Exception {
        return TopicOffsets.of(admin, topics, OffsetSpec.latest(), Duration.ofSeconds(30));
    }
}
