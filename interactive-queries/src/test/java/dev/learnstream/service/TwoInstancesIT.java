package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.simulator.KafkaOutput;
import dev.learnstream.simulator.KeyRecordingOutput;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Ports;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.TopologySettings;
import dev.learnstream.topology.TopologyTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two service processes on a real broker: each answers every learner's key (its own from its
 * store, the other's by forwarding), and after one is killed with SIGKILL the survivor answers
 * every key within a bounded time, from its standby copies first (flagged) and later as active.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class TwoInstancesIT {

    private static final String ADMIN = "it-admin-key-0123456789";

    @Test
    void everyInstanceAnswersEveryKeyAndTheSurvivorTakesOver() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded().withoutPostgres())) {
            final TopicNames names = TopicNames.defaults();
            final Map<String, Object> serdes = EventSerdes.config(stack.registryUrl(), Map.of());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, TopologySettings.defaults(names, serdes), 4, (short) 1, null);
            }
            final Set<String> users = new TreeSet<>();
            try (KafkaOutput kafka = new KafkaOutput(stack.kafkaBootstrap(), new Properties())) {
                new Simulator(new SimulatorConfig(60, 11, 0, null, 3_000, 0.0, Duration.ofDays(3), true), names,
                        EventSerdes.values(serdes).serializer()::serialize, Clock.systemUTC())
                        .run(new KeyRecordingOutput(kafka, names.name(EventTopic.USER_LOGIN), users), () -> false);
            }
            assertThat(users).hasSizeGreaterThan(10);

            final Path work = Files.createTempDirectory("learnstream-two-instances");
            final int portA = Ports.free();
            final int portB = Ports.free();
            final Process a = ChildService.start("a", "learnstream-two-instances", portA, stack, work, ADMIN);
            final Process b = ChildService.start("b", "learnstream-two-instances", portB, stack, work, ADMIN);
            try {
                final ApiClient clientA = new ApiClient(portA);
                final ApiClient clientB = new ApiClient(portB);
                for (final ApiClient client : List.of(clientA, clientB)) {
                    Waits.until("an instance to be ready", Duration.ofSeconds(120), Duration.ofMillis(500),
                            () -> ChildService.status(client, "/health/ready", null) == 200);
                }
                // Both answer every learner the same, once the events are processed.
                final Map<String, String> servedBy = new HashMap<>();
                Waits.until("both instances to answer every learner alike", Duration.ofSeconds(120), Duration.ofSeconds(1),
                        () -> users.stream().allMatch(user -> {
                            final ApiClient.Response fromA = get(clientA, user);
                            final ApiClient.Response fromB = get(clientB, user);
                            if (fromA == null || fromB == null || fromA.status() != 200 || fromB.status() != 200
                                    || !fromA.raw().body().equals(fromB.raw().body())) {
                                return false;
                            }
                            servedBy.put(user, fromA.header(QueryApi.SERVED_BY));
                            return true;
                        }));
                assertThat(servedBy.values()).as("keys owned by each instance").contains("127.0.0.1:" + portA,
                        "127.0.0.1:" + portB);
                // Let standbys catch up before the kill.
                Thread.sleep(3_000);

                b.destroyForcibly().waitFor();
                final List<String> standbyAnswers = new ArrayList<>();
                final long killed = System.nanoTime();
                Waits.until("the survivor to answer every learner", Duration.ofSeconds(90), Duration.ofMillis(500),
                        () -> users.stream().allMatch(user -> {
                            final ApiClient.Response response = get(clientA, user);
                            if (response == null || response.status() != 200) {
                                return false;
                            }
                            if ("standby".equals(response.header(QueryApi.SOURCE))) {
                                standbyAnswers.add(user);
                                assertThat(response.header(QueryApi.LAG)).isNotNull();
                            }
                            return true;
                        }));
                final double seconds = (System.nanoTime() - killed) / 1e9;
                System.out.printf("survivor answered every key %.1f s after the kill; %d standby answers%n", seconds,
                        standbyAnswers.size());
                assertThat(standbyAnswers).as("answers for the dead instance's keys come from standbys, flagged")
                        .isNotEmpty();
                assertThat(standbyAnswers).allMatch(user -> servedBy.get(user).equals("127.0.0.1:" + portB));
            } finally {
                a.destroyForcibly();
                b.destroyForcibly();
                a.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                b.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                dev.learnstream.stack.Dirs.deleteQuietly(work);
            }
        }
    }

    private static ApiClient.Response get(ApiClient client, String user) {
        try {
            return client.get("/api/v1/users/" + user + "/analytics", ADMIN);
        } catch (AssertionError e) {
            return null;
        }
    }
}
