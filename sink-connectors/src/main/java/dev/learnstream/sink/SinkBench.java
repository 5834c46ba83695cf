package dev.learnstream.sink;

import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.results.QuizType;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topology.ResultTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Upsert throughput into PostgreSQL. Rows are quiz_analytics rows (11 columns, 5-part key) with
 * distinct keys, so the first pass inserts and the second pass updates every row:
 * <ul>
 *   <li>writer: pre-decoded batches through the writer alone (one transaction per batch, offsets
 *       included): the database path;</li>
 *   <li>sink: the same rows as Avro records in a Kafka topic, consumed, decoded and written by the
 *       whole sink (read_committed consumer, one transaction per poll).</li>
 * </ul>
 */
public final class SinkBench {

    /** One measured run. */
    public record Result(String name, long rows, Duration took) {
        public double rowsPerSecond() {
            return rows / (took.toNanos() / 1e9);
        }
    }

    private SinkBench() {
    }

    /**
     * The writer alone: {@code writers} connections in parallel, each writing its own partition's
     * batches (one transaction each, offsets included), as the sink spreads partitions.
     */
    public static List<Result> writer(String jdbcUrl, int rows, int batchSize, int writers, PrintStream out)
            throws InterruptedException {
        final SinkConfig config = SinkConfig.local("unused:9092", "mock://sink-bench", jdbcUrl);
        JdbcSink.migrate(config);
        final Serializer<SpecificRecord> serializer = EventSerdes.values(EventSerdes.config("mock://sink-bench", Map.of()))
                .serializer();
        final Deserializer<SpecificRecord> deserializer = EventSerdes.values(EventSerdes.config("mock://sink-bench",
                Map.of())).deserializer();
        final List<Result> results = new ArrayList<>();
        final List<SinkWriter> connections = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            connections.add(new SinkWriter(JdbcSink.jdbi(config), "sink-bench"));
        }
        try {
            connections.get(0).reset(List.of(SinkTables.quizAnalytics()));
            final long[] offsets = new long[writers];
            for (final String pass : List.of("insert", "update")) {
                // Row i belongs to partition i % writers; each partition's batches are built up front.
                final List<List<Batch>> byWriter = new ArrayList<>();
                final Random random = new Random(pass.hashCode());
                for (int w = 0; w < writers; w++) {
                    byWriter.add(new ArrayList<>());
                }
                final Batch[] open = new Batch[writers];
                for (int i = 0; i < rows; i++) {
                    final int w = i % writers;
                    if (open[w] == null) {
                        open[w] = new Batch();
                        byWriter.get(w).add(open[w]);
                    }
                    open[w].add(new SinkRecord(ResultTopics.QUIZ_ANALYTICS, w, offsets[w]++, 0L, key(i),
                            serializer.serialize(ResultTopics.QUIZ_ANALYTICS, row(i, random)), null),
                            SinkTables.quizAnalytics(), deserializer);
                    if (open[w].records() == batchSize) {
                        open[w] = null;
                    }
                }
                final List<Thread> threads = new ArrayList<>();
                final long begin = System.nanoTime();
                for (int w = 0; w < writers; w++) {
                    final SinkWriter writer = connections.get(w);
                    final List<Batch> batches = byWriter.get(w);
                    final TopicPartition partition = new TopicPartition(ResultTopics.QUIZ_ANALYTICS, w);
                    final Thread thread = new Thread(() -> {
                        Long stored = writer.storedOffsets(List.of(partition)).get(partition);
                        for (final Batch batch : batches) {
                            final Map<TopicPartition, Long> expected = new HashMap<>();
                            expected.put(partition, stored);
                            writer.write(batch, expected, false, rejected -> { });
                            stored = batch.nextOffsets().get(partition);
                        }
                    }, "sink-bench-writer-" + w);
                    threads.add(thread);
                    thread.start();
                }
                for (final Thread thread : threads) {
                    thread.join();
                }
                final Result result = new Result("writer " + pass + ", " + writers + " connection(s)", rows,
                        Duration.ofNanos(System.nanoTime() - begin));
                print(out, result, batchSize);
                results.add(result);
            }
        } finally {
            connections.forEach(SinkWriter::close);
        }
        return results;
    }

    /** The whole sink over {@code rows} records pre-loaded into the quiz-analytics topic of {@code bootstrap}. */
    public static Result sink(String bootstrap, String registryUrl, String jdbcUrl, int rows, int batchSize,
                              int partitions, int writers, PrintStream out) throws InterruptedException {
        final SinkConfig config = SinkConfig.local(bootstrap, registryUrl, jdbcUrl).withGroup("sink-bench-" + System.nanoTime())
                .withMaxBatchRecords(batchSize).withWriters(writers);
        final SinkConfig quizOnly = config.withTopics(List.of(ResultTopics.QUIZ_ANALYTICS));
        JdbcSink.migrate(quizOnly);
        JdbcSink.reset(quizOnly);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(ResultTopics.QUIZ_ANALYTICS, partitions, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create " + ResultTopics.QUIZ_ANALYTICS, e.getCause());
            }
        }
        final Serializer<SpecificRecord> serializer = EventSerdes.values(EventSerdes.config(registryUrl, Map.of()))
                .serializer();
        final Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 20, "batch.size", 262_144, "compression.type", "lz4"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < rows; i++) {
                // Keyed like the topology's output: one key, one partition (the default partitioner).
                producer.send(new ProducerRecord<>(ResultTopics.QUIZ_ANALYTICS, key(i),
                        serializer.serialize(ResultTopics.QUIZ_ANALYTICS, row(i, random))));
            }
            producer.flush();
        }
        final JdbcSink sink = new JdbcSink(quizOnly, new SimpleMeterRegistry());
        final Thread runner = new Thread(sink::run, "sink-bench");
        runner.start();
        // Timed from the partition assignment: joining the group is not writing.
        final long joinDeadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!sink.isAssigned() && System.nanoTime() < joinDeadline && runner.isAlive()) {
            Thread.sleep(1);
        }
        final long begin = System.nanoTime();
        final long deadline = begin + Duration.ofMinutes(10).toNanos();
        while (sink.recordsCommitted() < rows && System.nanoTime() < deadline && runner.isAlive()) {
            Thread.sleep(5);
        }
        final Duration took = Duration.ofNanos(System.nanoTime() - begin);
        final long done = sink.recordsCommitted();
        sink.stop();
        runner.join(30_000);
        if (done < rows) {
            throw new IllegalStateException("the sink wrote " + done + " of " + rows + " records within 10 minutes");
        }
        final Result result = new Result("sink from Kafka, " + partitions + " partitions, " + writers + " writers", rows, took);
        print(out, result, batchSize);
        return result;
    }

    private static void print(PrintStream out, Result result, int batchSize) {
        out.printf(Locale.ROOT, "%-44s %,10d rows in %6.2f s  %,10.0f rows/s  (batches of %,d)%n", result.name(),
                result.rows(), result.took().toNanos() / 1e9, result.rowsPerSecond(), batchSize);
        out.flush();
    }

    private static byte[] key(int i) {
        return dev.learnstream.topology.Keys.of("bench-user-" + (i / 20), "dsa", "course-" + (i % 7), "module-" + (i % 20),
                "MODULE").getBytes(StandardCharsets.UTF_8);
    }

    private static QuizAnalytics row(int i, Random random) {
        final double score = 40 + random.nextInt(61);
        return QuizAnalytics.newBuilder().setUserId("bench-user-" + (i / 20)).setDomain("dsa").setCourse("course-" + (i % 7))
                .setModule("module-" + (i % 20)).setQuizType(QuizType.MODULE).setAttemptCount(1 + random.nextInt(5))
                .setAverageScore(score).setAverageTimeTakenSeconds(60 + random.nextInt(600)).setBestScore(score)
                .setLastScore(score).setLastAttemptedAt(Instant.ofEpochMilli(1_790_000_000_000L + i * 1000L)).build();
    }
}
