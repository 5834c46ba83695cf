package dev.learnstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import dev.learnstream.stack.Waits;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./learnstream dev}, for a bounded time, in this JVM: ready line, live counts, clean stop. */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class DevCommandIT {

    private static final Pattern READY = Pattern.compile(
            "LearnStream ready: api=http://127\\.0\\.0\\.1:(\\d+) kafka=127\\.0\\.0\\.1:\\d+"
                    + " registry=http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7"
                    + " postgres=(jdbc:postgresql://127\\.0\\.0\\.1:\\d+/learnstream\\?user=postgres) key=(dev-[0-9a-f]{32})");
    private static final Pattern QUIZ_COUNT = Pattern.compile("module_quiz_events\\s+(\\d+)");

    @Test
    void devStartsTheStackShowsEventsFlowingAndStopsEverything() throws Exception {
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.run(
                List.of("dev", "--duration", "60s", "--rate", "300", "--bad-fraction", "0.05"),
                new PrintStream(buffer, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));

        // While it runs, the API of the ready line answers with the key of the ready line.
        final Matcher ready = READY.matcher("");
        Waits.until("the ready line", Duration.ofSeconds(90), Duration.ofMillis(200),
                () -> buffer.toString(StandardCharsets.UTF_8).lines().anyMatch(line -> ready.reset(line).matches()));
        final String api = "http://127.0.0.1:" + ready.group(1);
        final HttpClient http = HttpClient.newHttpClient();
        Waits.until("the API to be ready", Duration.ofSeconds(60), Duration.ofMillis(500),
                () -> status(send(http, HttpRequest.newBuilder(URI.create(api + "/health/ready")).build())) == 200);
        final HttpRequest dashboard = HttpRequest.newBuilder(URI.create(api + "/api/v1/dashboard?timeframe=7d"))
                .header("Authorization", "Bearer " + ready.group(3)).build();
        Waits.until("the dashboard to count events", Duration.ofSeconds(50), Duration.ofSeconds(1), () -> {
            final HttpResponse<String> response = send(http, dashboard);
            return status(response) == 200 && currentEvents(response.body()) > 0;
        });
        assertThat(status(send(http, HttpRequest.newBuilder(URI.create(api + "/api/v1/dashboard")).build()))).isEqualTo(401);
        // Every metric the shipped alert rules read is on /metrics (dev puts the sink's there too).
        final java.util.Set<String> alerted = ComposeFileTest.alertMetricNames();
        assertThat(alerted).contains("kafka_stream_client_state", "learnstream_sink_database_up");
        final java.util.Set<String> missing = new java.util.TreeSet<>(alerted);
        try {
            Waits.until("/metrics to carry every metric the alert rules read", Duration.ofSeconds(30),
                    Duration.ofSeconds(1), () -> {
                        final HttpResponse<String> metrics = send(http, HttpRequest.newBuilder(URI.create(api + "/metrics"))
                                .header("Authorization", "Bearer " + ready.group(3)).build());
                        if (status(metrics) == 200) {
                            missing.clear();
                            missing.addAll(alerted);
                            metrics.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                                    .forEach(line -> missing.remove(line.split("[{ ]", 2)[0]));
                        }
                        return missing.isEmpty();
                    });
        } catch (IllegalStateException timedOut) {
            assertThat(missing).as("metrics the alert rules read that /metrics lacks").isEmpty();
        }

        // The sink runs too: the seed's tables fill, and stay close behind the result topics.
        final String kafka = readyKafka(buffer.toString(StandardCharsets.UTF_8));
        final org.jdbi.v3.core.Jdbi db = org.jdbi.v3.core.Jdbi.create(ready.group(2));
        for (final String table : List.of("quiz_analytics", "memory_scores", "user_engagement", "learning_progress",
                "windowed_metrics")) {
            Waits.until(table + " to fill", Duration.ofSeconds(45), Duration.ofMillis(500), () -> rows(db, table) > 0);
        }
        final List<Double> catchUps = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            catchUps.add(sinkCatchUpSeconds(kafka, db));
            Thread.sleep(1_000);
        }
        System.out.println("sink: seconds until the tables held what the result topics held: " + catchUps);

        final int code = run.get(4, TimeUnit.MINUTES);
        final String out = buffer.toString(StandardCharsets.UTF_8);

        assertThat(code).as("exit code; output:%n%s%n%s", out, err).isZero();
        assertThat(out.lines().filter(line -> READY.matcher(line).matches()).count()).as(out).isEqualTo(1);
        assertThat(out).contains("first events on the topics", "LearnStream dev stopped.");
        long lastQuizCount = 0;
        final Matcher matcher = QUIZ_COUNT.matcher(out);
        while (matcher.find()) {
            lastQuizCount = Long.parseLong(matcher.group(1));
        }
        assertThat(lastQuizCount).as(out).isGreaterThan(100);
        // The topology runs too: analytics, memory scores and DLQ counts flow to their result topics
        // (a minute, so that a loaded machine still gets past the simulator's back-fill).
        assertThat(out).containsPattern("learnstream\\.quiz-analytics\\s+[1-9]\\d*")
                .containsPattern("learnstream\\.memory-scores\\s+[1-9]\\d*")
                .containsPattern("learnstream\\.dlq-counts\\s+[1-9]\\d*")
                .containsPattern("postgres rows: quiz_analytics=[1-9]\\d*");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> !c.endsWith("/sh")).orElse(true)).toList()).isEmpty();
    }

    private static String readyKafka(String out) {
        final Matcher kafka = Pattern.compile("kafka=(127\\.0\\.0\\.1:\\d+)").matcher(out);
        assertThat(kafka.find()).isTrue();
        return kafka.group(1);
    }

    private static long rows(org.jdbi.v3.core.Jdbi db, String table) {
        try (org.jdbi.v3.core.Handle handle = db.open()) {
            return handle.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one();
        } catch (RuntimeException notYetMigrated) {
            return 0;
        }
    }

    /**
     * How long, from now, until the sink's stored offsets cover what the result topics hold now
     * (their last stable offsets, read_committed): the tables' delay behind the topics.
     */
    private static double sinkCatchUpSeconds(String kafka, org.jdbi.v3.core.Jdbi db) {
        final Map<org.apache.kafka.common.TopicPartition, Long> end;
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of("bootstrap.servers", kafka,
                             "isolation.level", "read_committed"),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            final List<org.apache.kafka.common.TopicPartition> partitions = dev.learnstream.sink.SinkConfig.allTopics()
                    .stream().map(topic -> new org.apache.kafka.common.TopicPartition(topic, 0)).toList();
            end = consumer.endOffsets(partitions);
        }
        final long begin = System.nanoTime();
        Waits.until("the sink to store what the topics held", Duration.ofSeconds(15), Duration.ofMillis(20), () -> {
            try (org.jdbi.v3.core.Handle handle = db.open()) {
                final Map<String, Long> stored = new java.util.HashMap<>();
                handle.createQuery("SELECT topic, next_offset FROM sink_offsets WHERE partition = 0")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                        .forEach(entry -> stored.put(entry.getKey(), entry.getValue()));
                // A committed transaction ends with a marker the consumer skips: its offset is never stored.
                return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || stored.getOrDefault(e.getKey().topic(), 0L) >= e.getValue() - 1);
            }
        });
        return Math.round((System.nanoTime() - begin) / 1e7) / 100.0;
    }

    /** The response, or null when the API cannot be reached (yet). */
    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int status(HttpResponse<String> response) {
        return response == null ? -1 : response.statusCode();
    }

    private static long currentEvents(String dashboard) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(dashboard).get("current").get("events")
                    .asLong();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
