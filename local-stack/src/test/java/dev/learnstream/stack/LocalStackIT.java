package dev.learnstream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole embedded stack, each part used for real, then stopped without leftovers. */
@Timeout(300)
class LocalStackIT {

    @Test
    void startsEveryPartUsesItAndLeavesNoProcessBehind() throws Exception {
        final long brokerPid;
        try (LocalStack stack = LocalStack.start(LocalStack.Options.embedded())) {
            brokerPid = stack.broker().pid();
            assertThat(stack.startupTimes()).containsKeys("kafka", "registry", "postgres");

            // Kafka: a transactional write is visible to a read_committed reader.
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic("smoke", 1, (short) 1))).all().get();
            }
            final Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
            producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "smoke-tx");
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("smoke", "k", "v"));
                producer.commitTransaction();
            }
            assertThat(readAll(stack.kafkaBootstrap(), "smoke", 1)).containsExactly("k=v");

            // Registry: the Confluent API answers, with no subjects yet.
            final HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(subjects.statusCode()).isEqualTo(200);
            assertThat(subjects.body()).isEqualTo("[]");

            // PostgreSQL: the learnstream database exists and runs SQL.
            try (Connection connection = DriverManager.getConnection(stack.postgresJdbcUrl());
                 ResultSet rs = connection.createStatement().executeQuery("select current_database(), 6 * 7")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("learnstream");
                assertThat(rs.getInt(2)).isEqualTo(42);
            }
        }
        assertThat(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }

    @Test
    void aKilledParentTakesEveryPartOfTheStackWithIt() throws Exception {
        final Process holder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StackHolder.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final List<Long> pids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("PIDS")) {
                // Skip anything else the holder prints.
            }
            assertThat(line).as("holder printed its part pids").isNotNull();
            for (final String pid : line.substring(5).split(" ")) {
                pids.add(Long.parseLong(pid));
            }
        }
        assertThat(pids).hasSize(3).allSatisfy(pid -> assertThat(alive(pid)).isTrue());

        holder.destroyForcibly(); // SIGKILL: no shutdown hook runs
        Waits.until("every stack process to exit after its parent was killed", Duration.ofSeconds(60),
                Duration.ofMillis(200), () -> pids.stream().noneMatch(LocalStackIT::alive));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && !isZombie(pid);
    }

    /** An exited child not yet reaped by init still has a handle; /proc says it is a zombie. */
    private static boolean isZombie(long pid) {
        try {
            final String stat = java.nio.file.Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException gone) {
            return true;
        }
    }

    static List<String> readAll(String bootstrap, String topic, int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke-reader");
        final List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            Waits.until(expected + " records on " + topic, Duration.ofSeconds(30), Duration.ZERO, () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record.key() + "=" + record.value());
                }
                return seen.size() >= expected;
            });
        }
        return seen;
    }
}
