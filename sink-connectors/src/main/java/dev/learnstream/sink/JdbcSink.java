package dev.learnstream.sink;

import dev.learnstream.avro.AvroDeserializer;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.TopicProvisioner;
import dev.learnstream.topology.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC sink: consumes the result topics (read_committed) and writes each poll as PostgreSQL
 * transactions, one per writer connection, each holding the rows of its partitions and their
 * consumed offsets (a partition always goes to the same writer). PostgreSQL, not Kafka, holds
 * the authoritative offsets: on every assignment the sink seeks to what the database says, so a
 * crash at any point neither loses nor repeats a batch. Offsets are also committed to Kafka after
 * each transaction, only so that the usual lag tools see the group's progress.
 *
 * <p>Transient database failures are retried with a doubling backoff (1 s, 2 s, 4 s, … up to the
 * configured maximum) while the partitions are paused; a record that can never be written goes to
 * {@code <topic>.sink.dlq} with the error in its headers (at least once: a retried batch may send a
 * dead letter twice), and the sink goes on.
 */
public final class JdbcSink implements AutoCloseable {

    public static final String DLQ_SUFFIX = ".sink.dlq";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSink.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration LINGER = Duration.ofMillis(50);

    private final SinkConfig config;
    private final Map<String, TableMapping<?>> mappings;
    private final SinkMetrics metrics;
    /** One connection each; a poll's partitions are spread over them and written in parallel. */
    private final List<SinkWriter> writers;
    private final java.util.concurrent.ExecutorService writerThreads;
    /** One per writer: each writer thread decodes its own part of a poll. */
    private final List<Deserializer<SpecificRecord>> decoders;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean assigned = new AtomicBoolean();
    private final AtomicLong recordsCommitted = new AtomicLong();
    /** Per owned partition, the offset stored in sink_offsets as this sink last saw it (absent: none). */
    private final Map<TopicPartition, Long> stored = new HashMap<>();
    /** Partitions to position from the database before they are read (paused until then). */
    private final Set<TopicPartition> toPosition = new HashSet<>();
    private boolean rebalanced;
    /** The next poll, read while the writers were busy with the current one; empty if none. */
    private List<ConsumerRecord<byte[], byte[]>> prefetched = List.of();
    private Duration registryBackoff;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;

    public JdbcSink(SinkConfig config, MeterRegistry registry) {
        this.config = config;
        this.mappings = SinkTables.byTopic(SinkTables.of(config.topics()));
        this.metrics = new SinkMetrics(registry);
        final Jdbi jdbi = jdbi(config);
        final List<SinkWriter> connections = new ArrayList<>();
        final List<Deserializer<SpecificRecord>> decoding = new ArrayList<>();
        for (int i = 0; i < config.writers(); i++) {
            connections.add(new SinkWriter(jdbi, config.groupId()));
            final AvroDeserializer<SpecificRecord> deserializer = new AvroDeserializer<>();
            deserializer.configure(EventSerdes.config(config.registryUrl(), Map.of()), false);
            decoding.add(deserializer);
        }
        this.writers = List.copyOf(connections);
        this.decoders = List.copyOf(decoding);
        this.writerThreads = java.util.concurrent.Executors.newFixedThreadPool(config.writers(), task -> {
            final Thread thread = new Thread(task, "sink-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    static Jdbi jdbi(SinkConfig config) {
        final Properties properties = new Properties();
        if (config.jdbcUser() != null) {
            properties.setProperty("user", config.jdbcUser());
        }
        if (config.jdbcPassword() != null) {
            properties.setProperty("password", config.jdbcPassword());
        }
        properties.setProperty("ApplicationName", "learnstream-sink");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", "10");
        return Jdbi.create(config.jdbcUrl(), properties);
    }

    /**
     * Brings the database schema up to date (Flyway migrations in {@code db/migration}), then
     * checks that every column the sink writes has the type it writes in binary.
     *
     * @throws IllegalStateException naming each column that is missing or of another type
     */
    public static void migrate(SinkConfig config) {
        Flyway.configure()
                .dataSource(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword())
                .locations("classpath:db/migration")
                .connectRetries(10)
                .load()
                .migrate();
        try (org.jdbi.v3.core.Handle handle = jdbi(config).open()) {
            final List<String> problems = new ArrayList<>();
            for (final TableMapping<?> mapping : SinkTables.of(config.topics())) {
                problems.addAll(mapping.typeProblems(handle.createQuery("SELECT a.attname, t.typname FROM pg_attribute a "
                                + "JOIN pg_type t ON t.oid = a.atttypid "
                                + "WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 AND NOT a.attisdropped")
                        .bind(0, mapping.table())
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                        .collectToMap(Map.Entry::getKey, Map.Entry::getValue)));
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("The tables in " + config.jdbcUrl() + " do not match what the sink writes: "
                        + String.join("; ", problems));
            }
        }
    }

    /**
     * Forgets the stored offsets of this sink's group and empties its tables, so the next run
     * replays every result topic from the beginning.
     */
    public static void reset(SinkConfig config) {
        try (SinkWriter writer = new SinkWriter(jdbi(config), config.groupId())) {
            writer.reset(SinkTables.of(config.topics()));
        }
    }

    /** Rows per table of this sink's topics, in table order (for status lines). */
    public static Map<String, Long> rowCounts(SinkConfig config) {
        final Map<String, Long> counts = new LinkedHashMap<>();
        try (org.jdbi.v3.core.Handle handle = jdbi(config).open()) {
            for (final TableMapping<?> mapping : SinkTables.of(config.topics())) {
                counts.put(mapping.table(), handle.createQuery("SELECT count(*) FROM " + mapping.table())
                        .mapTo(Long.class).one());
            }
        }
        return counts;
    }

    /** Creates the dead-letter topics that do not exist yet, with the broker's default partitions and replicas. */
    public static void ensureDeadLetterTopics(SinkConfig config) {
        final Map<String, Object> props = adminConfig(config);
        try (Admin admin = Admin.create(props)) {
            final Set<String> existing = admin.listTopics().names().get();
            final List<NewTopic> missing = new ArrayList<>();
            for (final String topic : config.topics()) {
                if (!existing.contains(topic + DLQ_SUFFIX)) {
                    // A dead letter keeps its result's timestamp, which may lie ahead of the broker's clock.
                    missing.add(new NewTopic(topic + DLQ_SUFFIX, java.util.Optional.empty(), java.util.Optional.empty())
                            .configs(TopicProvisioner.ANY_TIMESTAMP));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warn("Could not create the sink's dead-letter topics ({}); the broker must auto-create them",
                                e.getCause().toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("Could not list topics to create the sink's dead-letter topics: {}", e.getCause().toString());
        }
    }

    private static Map<String, Object> adminConfig(SinkConfig config) {
        final Map<String, Object> props = clientProperties(config, org.apache.kafka.clients.admin.AdminClientConfig.configNames());
        props.put("bootstrap.servers", config.bootstrapServers());
        return props;
    }

    /** The KAFKA_* settings that a client with these config names understands (each client ignores the rest). */
    private static Map<String, Object> clientProperties(SinkConfig config, Set<String> names) {
        return dev.learnstream.topology.ClientProperties.only(config.kafka(), names);
    }

    /** Consumes and writes until {@link #stop()}; call from the thread that owns the sink. */
    public void run() {
        registryBackoff = config.firstBackoff();
        consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        try {
            consumer.subscribe(config.topics(), new Positioner());
            while (running.get()) {
                if (!toPosition.isEmpty() && !position()) {
                    continue;
                }
                final List<ConsumerRecord<byte[], byte[]>> records = prefetched.isEmpty() ? pollBatch() : prefetched;
                prefetched = List.of();
                recordLag();
                if (records.isEmpty()) {
                    continue;
                }
                write(split(records));
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            closeQuietly(consumer);
            producer.close(Duration.ofSeconds(5));
            writerThreads.shutdownNow();
            writers.forEach(SinkWriter::close);
        }
    }

    private Map<String, Object> consumerConfig() {
        final Map<String, Object> props = clientProperties(config, ConsumerConfig.configNames());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-consumer");
        // Only committed results: an aborted Streams transaction never reaches the tables.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // PostgreSQL holds the offsets; Kafka's are written after each transaction for monitoring only.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatchRecords());
        // max.partition.fetch.bytes stays at Kafka's 1 MiB: larger per-partition fetches fill a whole
        // poll from one partition, and then only one writer works (measured: 45k vs 60k rows/s).
        return props;
    }

    private Map<String, Object> producerConfig() {
        final Map<String, Object> props = clientProperties(config, ProducerConfig.configNames());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-dlq");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }

    /** Pauses newly assigned partitions until they are positioned from the database. */
    private final class Positioner implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            consumer.pause(partitions);
            toPosition.addAll(partitions);
            rebalanced = true;
            assigned.set(!consumer.assignment().isEmpty());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(stored::remove);
            toPosition.removeAll(partitions);
            rebalanced = true;
        }
    }

    /** Seeks the partitions waiting for it to their stored offsets; false (after a backoff) if the database failed. */
    private boolean position() {
        final Map<TopicPartition, Long> offsets;
        try {
            offsets = writers.get(0).storedOffsets(toPosition);
        } catch (RuntimeException e) {
            LOG.warn("Reading sink_offsets failed ({}); retrying in {}", DatabaseErrors.describe(e), config.firstBackoff());
            metrics.retry("read-offsets");
            pauseFor(config.firstBackoff());
            return false;
        }
        for (final TopicPartition partition : toPosition) {
            final Long offset = offsets.get(partition);
            if (offset == null) {
                stored.remove(partition);
                consumer.seekToBeginning(List.of(partition));
            } else {
                stored.put(partition, offset);
                consumer.seek(partition, offset);
            }
        }
        LOG.info("Positioned {} partition(s) from sink_offsets", toPosition.size());
        consumer.resume(toPosition);
        toPosition.clear();
        return true;
    }

    /**
     * One poll, topped up by further polls for at most {@link #LINGER} while the batch is under
     * half its maximum: a single poll often holds only the partitions whose fetch completed, which
     * would leave writers idle and transactions small while catching up.
     */
    private List<ConsumerRecord<byte[], byte[]>> pollBatch() {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        consumer.poll(POLL).forEach(records::add);
        if (records.isEmpty()) {
            return records;
        }
        final long end = System.nanoTime() + LINGER.toNanos();
        while (records.size() < config.maxBatchRecords() / 2 && running.get() && toPosition.isEmpty()) {
            final long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            consumer.poll(Duration.ofNanos(left)).forEach(records::add);
        }
        return records;
    }

    /** A poll's records, split by the writer that owns each partition. */
    private List<Part> split(List<ConsumerRecord<byte[], byte[]>> records) {
        final Part[] parts = new Part[writers.size()];
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            final int writer = writerOf(record.topic(), record.partition());
            if (parts[writer] == null) {
                parts[writer] = new Part(writers.get(writer), decoders.get(writer));
            }
            parts[writer].records.add(record);
        }
        return java.util.Arrays.stream(parts).filter(java.util.Objects::nonNull).toList();
    }

    private Duration doubled(Duration backoff) {
        final Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : twice;
    }

    /** Which writer (connection) writes a partition: always the same one, so its rows stay in order. */
    private int writerOf(String topic, int partition) {
        return Math.floorMod(31 * topic.hashCode() + partition, writers.size());
    }

    /**
     * A part of a poll for one writer: its records, decoded into a batch by the writer's thread on
     * the first attempt (so decoding runs in parallel, and beside the other writers' database time),
     * and whether it must be written row by row.
     */
    private static final class Part {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        final SinkWriter writer;
        final Deserializer<SpecificRecord> values;
        Batch batch;
        boolean isolate;

        Part(SinkWriter writer, Deserializer<SpecificRecord> values) {
            this.writer = writer;
            this.values = values;
        }

        Set<TopicPartition> partitions() {
            final Set<TopicPartition> partitions = new HashSet<>();
            records.forEach(r -> partitions.add(new TopicPartition(r.topic(), r.partition())));
            return partitions;
        }
    }

    private enum Outcome { COMMITTED, FENCED, ROW_AT_FAULT, FAILED, REGISTRY_UNAVAILABLE }

    private record Attempt(Part part, Outcome outcome, SinkWriter.Written written, Duration took, RuntimeException error) {
    }

    /**
     * Writes a poll's parts, one transaction per part and writer, in parallel; retries the parts
     * that failed transiently with a doubling backoff; gives the rest up if the partitions moved
     * meanwhile (they are re-read from the stored offsets). A part holds whole partitions, so each
     * partition's rows and offset still commit together.
     */
    private void write(List<Part> parts) {
        Duration backoff = config.firstBackoff();
        rebalanced = false;
        List<Part> pending = parts;
        boolean first = true;
        while (running.get() && !pending.isEmpty()) {
            final List<Part> again = new ArrayList<>();
            boolean failed = false;
            boolean fenced = false;
            boolean registryDown = false;
            final List<Attempt> attempts = attemptAll(pending, first);
            first = false;
            if (!prefetched.isEmpty() && (rebalanced || attempts.stream().anyMatch(a -> a.outcome() != Outcome.COMMITTED))) {
                // What was read ahead follows records that are not written now: read it again later,
                // from the offsets stored when this poll is settled.
                prefetched = List.of();
                repositionAll();
            }
            for (final Attempt attempt : attempts) {
                final Part part = attempt.part();
                switch (attempt.outcome()) {
                    case COMMITTED -> committed(part.batch, attempt.written(), attempt.took());
                    case REGISTRY_UNAVAILABLE -> {
                        // Nothing of this part was written: read it again once the registry answers.
                        LOG.warn("{}; re-reading from the stored offsets in {}", attempt.error().getMessage(),
                                registryBackoff);
                        registryDown = true;
                    }
                    case FENCED -> {
                        LOG.warn("Batch dropped: {}; re-reading the stored offsets", attempt.error().getMessage());
                        fenced = true;
                    }
                    case ROW_AT_FAULT -> {
                        LOG.warn("A row of the batch was rejected ({}); writing that batch row by row to set it aside",
                                DatabaseErrors.describe(attempt.error()));
                        part.isolate = true;
                        again.add(part);
                    }
                    case FAILED -> {
                        failed = true;
                        again.add(part);
                        final RuntimeException e = attempt.error();
                        if (DatabaseErrors.isTransient(e)) {
                            metrics.retry("transient");
                            LOG.warn("Writing a batch of {} records failed ({}); retrying in {}", part.records.size(),
                                    DatabaseErrors.describe(e), backoff);
                        } else {
                            metrics.retry("unexpected");
                            LOG.error("Writing a batch of {} records failed unexpectedly; retrying in {}",
                                    part.records.size(), backoff, e);
                        }
                    }
                }
            }
            if (fenced) {
                repositionAll();
                return;
            }
            if (registryDown) {
                metrics.retry("registry");
                repositionAll();
                pauseFor(registryBackoff);
                registryBackoff = doubled(registryBackoff);
                return;
            }
            registryBackoff = config.firstBackoff();
            pending = again;
            if (failed) {
                pauseFor(backoff);
                if (rebalanced) {
                    LOG.info("Partitions were reassigned while retrying; the batch is re-read from the stored offsets");
                    repositionAll();
                    return;
                }
                backoff = doubled(backoff);
            }
        }
    }

    /**
     * One attempt of each part, in parallel on the writer threads. On a poll's first attempt the
     * next poll is read meanwhile ({@code readAhead}): the writers' database time and the
     * consumer's fetching overlap instead of taking turns. The writers still take the polls in
     * order, so a partition's rows and offsets are written in sequence.
     */
    private List<Attempt> attemptAll(List<Part> parts, boolean readAhead) {
        final List<java.util.concurrent.Future<Attempt>> futures = new ArrayList<>();
        for (final Part part : parts) {
            final Map<TopicPartition, Long> expected = new HashMap<>();
            part.partitions().forEach(p -> expected.put(p, stored.get(p)));
            futures.add(writerThreads.submit(() -> attempt(part, expected)));
        }
        if (readAhead && toPosition.isEmpty() && running.get()) {
            prefetched = pollBatch();
        }
        final List<Attempt> attempts = new ArrayList<>();
        try {
            for (final java.util.concurrent.Future<Attempt> future : futures) {
                attempts.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a sink writer failed outside its transaction", e.getCause());
        }
        return attempts;
    }

    private Attempt attempt(Part part, Map<TopicPartition, Long> expected) {
        final long begin = System.nanoTime();
        if (part.batch == null) {
            try {
                part.batch = decode(part);
            } catch (RegistryUnavailableException e) {
                return new Attempt(part, Outcome.REGISTRY_UNAVAILABLE, null, null, e);
            }
        }
        try {
            final SinkWriter.Written written = part.writer.write(part.batch, expected, part.isolate, rejected -> {
                final List<DeadLetter> letters = new ArrayList<>(part.batch.deadLetters());
                letters.addAll(rejected);
                sendDeadLetters(letters);
            });
            return new Attempt(part, Outcome.COMMITTED, written, Duration.ofNanos(System.nanoTime() - begin), null);
        } catch (SinkWriter.FencedException e) {
            return new Attempt(part, Outcome.FENCED, null, null, e);
        } catch (RuntimeException e) {
            final Outcome outcome = !part.isolate && DatabaseErrors.rowAtFault(e) ? Outcome.ROW_AT_FAULT : Outcome.FAILED;
            return new Attempt(part, outcome, null, null, e);
        }
    }

    private Batch decode(Part part) {
        final Batch batch = new Batch();
        for (final ConsumerRecord<byte[], byte[]> record : part.records) {
            batch.add(SinkRecord.of(record), mappings.get(record.topic()), part.values);
        }
        return batch;
    }

    private void committed(Batch batch, SinkWriter.Written written, Duration took) {
        stored.putAll(batch.nextOffsets());
        metrics.batch(took, batch, written);
        recordsCommitted.addAndGet(batch.records());
        final Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
        batch.nextOffsets().forEach((p, o) -> commit.put(p, new OffsetAndMetadata(o)));
        consumer.commitAsync(commit, null);
    }

    /** After giving a batch up: every owned partition goes back to its stored offset before reading on. */
    private void repositionAll() {
        final Set<TopicPartition> owned = consumer.assignment();
        consumer.pause(owned);
        toPosition.addAll(owned);
    }

    /**
     * Waits while keeping the group membership: the partitions are paused, and polling them only
     * runs the rebalance protocol (a paused partition returns no records).
     */
    private void pauseFor(Duration delay) {
        final Set<TopicPartition> owned = new HashSet<>(consumer.assignment());
        final Set<TopicPartition> wasPaused = consumer.paused();
        consumer.pause(owned);
        final long end = System.nanoTime() + delay.toNanos();
        while (running.get()) {
            final long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            final ConsumerRecords<byte[], byte[]> none = consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())));
            if (!none.isEmpty()) {
                throw new IllegalStateException("paused consumer returned records");
            }
        }
        final Set<TopicPartition> resume = new HashSet<>(consumer.assignment());
        resume.removeAll(wasPaused);
        resume.removeAll(toPosition);
        consumer.resume(resume);
    }

    private void sendDeadLetters(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        final List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (final DeadLetter letter : letters) {
            final SinkRecord record = letter.record();
            sent.add(producer.send(new ProducerRecord<>(record.topic() + DLQ_SUFFIX, null, record.timestamp(),
                    record.key(), record.value(), headers(letter))));
            metrics.deadLetter(record.topic(), letter.stage());
            LOG.warn("Record {}-{}@{} sent to {}{}: {} ({})", record.topic(), record.partition(), record.offset(),
                    record.topic(), DLQ_SUFFIX, letter.stage(), letter.error().getMessage());
        }
        // The dead letters must be in Kafka before the offsets that skip them are committed.
        producer.flush();
        for (final java.util.concurrent.Future<?> future : sent) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending dead letters", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("sending a dead letter failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static Headers headers(DeadLetter letter) {
        final SinkRecord record = letter.record();
        final Headers headers = new RecordHeaders(record.headers() == null ? new org.apache.kafka.common.header.Header[0]
                : record.headers().toArray());
        put(headers, DeadLetters.ERROR_CLASS, letter.error().getClass().getName());
        put(headers, DeadLetters.ERROR_MESSAGE, String.valueOf(letter.error().getMessage()));
        put(headers, DeadLetters.STAGE, "sink-" + letter.stage());
        put(headers, DeadLetters.SOURCE_TOPIC, record.topic());
        put(headers, DeadLetters.SOURCE_PARTITION, String.valueOf(record.partition()));
        put(headers, DeadLetters.SOURCE_OFFSET, String.valueOf(record.offset()));
        put(headers, DeadLetters.SOURCE_TIMESTAMP, String.valueOf(record.timestamp()));
        return headers;
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private void recordLag() {
        final Map<String, Long> byTopic = new HashMap<>();
        for (final TopicPartition partition : consumer.assignment()) {
            consumer.currentLag(partition).ifPresent(lag -> byTopic.merge(partition.topic(), lag, Long::sum));
        }
        byTopic.forEach(metrics::lag);
    }

    /** Whether the sink owns partitions (for readiness). */
    public boolean isAssigned() {
        return assigned.get();
    }

    /** Records whose transaction committed so far (written, deleted or dead-lettered). */
    public long recordsCommitted() {
        return recordsCommitted.get();
    }

    /** Asks {@link #run()} to return; a batch being written is either committed or not at all. */
    public void stop() {
        running.set(false);
        final KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void closeQuietly(KafkaConsumer<?, ?> consumer) {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.debug("Closing the sink's consumer: {}", e.toString());
        }
    }
}
