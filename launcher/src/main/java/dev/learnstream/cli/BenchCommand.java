package dev.learnstream.cli;

import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Waits;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topics.TopicOffsets;
import dev.learnstream.topology.DecodedStore;
import dev.learnstream.topology.Keys;
import dev.learnstream.topology.RocksDbMemory;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.ResultTopics;
import dev.learnstream.topology.StreamsSettings;
import dev.learnstream.topology.EnvironmentSettings;
import dev.learnstream.topology.TopologySettings;
import dev.learnstream.topology.TopologyTopics;
import dev.learnstream.topology.WindowedMetricsTopology;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

/**
 * {@code bench}: throughput of the full topology against a plain pass-through Streams app, both
 * exactly-once, on the same pre-loaded input in one broker, in one run. Each app starts from the
 * beginning with its own group and is timed until its committed offsets reach the end of every
 * input partition. The last line is {@code ratio=<topology/pass-through>}.
 */
final class BenchCommand {

    private BenchCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        final Set<String> valued = new HashSet<>(StackChoice.OPTIONS);
        valued.addAll(Set.of("events", "learners", "partitions", "threads", "commit-interval", "cache-mib",
                "history-days", "rocksdb-cache-mib", "decoded-entries"));
        final Options options = Options.parse("bench", args, valued, Set.of());
        final long events = options.number("events", 2_000_000, Long.MAX_VALUE);
        final int learners = options.integer("learners", 10_000);
        final int partitions = Math.max(1, options.integer("partitions", 2));
        // One stream thread per core by default: the topology is CPU-bound in its stream thread,
        // and with two partitions each thread gets one task of every sub-topology.
        final int threads = Math.max(1, options.integer("threads", Runtime.getRuntime().availableProcessors()));
        final long commitMs = options.number("commit-interval", 1_000, Long.MAX_VALUE);
        final long cacheMib = options.number("cache-mib", 64, 64 * 1024);
        // How far back the simulated history starts: the windowed metrics' cost follows the number
        // of windows, so the same events spread over fewer days (denser, like live traffic) cost less.
        final long historyDays = options.number("history-days", 60, 3650);
        // 0: Kafka Streams' own RocksDB settings (a block cache and three 16 MB memtables per store).
        final long rocksDbMib = options.number("rocksdb-cache-mib", RocksDbMemory.DEFAULT_CACHE_BYTES >> 20, 1 << 20);
        // Decoded values kept per store and task, in front of the learner, memory and window stores.
        final long decodedEntries = options.number("decoded-entries", DecodedStore.DEFAULT_ENTRIES, Integer.MAX_VALUE);
        if (decodedEntries < 1) {
            throw new UsageException("--decoded-entries must be at least 1, got " + decodedEntries);
        }
        final long minimumMib = RocksDbMemory.MIN_CACHE_BYTES >> 20;
        if (rocksDbMib > 0 && rocksDbMib < minimumMib) {
            throw new UsageException("--rocksdb-cache-mib must be 0 (Kafka Streams' RocksDB settings) or at least "
                    + minimumMib + ", got " + rocksDbMib);
        }
        final TopicNames names = TopicNames.defaults();
        final TopologySettings configured = EnvironmentSettings.read(names, Map.of(), System.getenv());
        try (LocalStack stack = LocalStack.start(StackChoice.from(options, false))) {
            final TopologySettings settings = configured.withSerdeConfig(
                    EventSerdes.config(stack.registryUrl(), Map.of()));
            final int learnerPartitions;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, settings, partitions, (short) 1, null);
                learnerPartitions = TopologyTopics.learnerPartitions(admin, settings);
                admin.createTopics(List.of(new NewTopic("bench.pass-through", partitions, (short) 1))).all().get();
            }
            out.printf(Locale.ROOT, "pre-loading %d events from %d simulated learners, history from %d days back,"
                    + " into %d partitions per topic...%n", events, learners, historyDays, partitions);
            final SimulatorStats loaded = Simulation.run(new SimulatorConfig(learners, 7, 0, null, events, 0.0,
                    Duration.ofDays(historyDays), true), stack.kafkaBootstrap(), stack.registryUrl(), names, () -> false);
            out.printf(Locale.ROOT, "pre-loaded %d events%n", loaded.total());
            final List<String> inputs = EventTopic.inputs().stream().map(names::name).toList();
            final Map<String, Object> tuning = Map.of(
                    RocksDbMemory.CACHE_BYTES_CONFIG, Math.max(minimumMib, rocksDbMib) << 20, // unused when 0
                    DecodedStore.ENTRIES_CONFIG, decodedEntries,
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs,
                    StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads,
                    StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheMib * 1024 * 1024,
                    StreamsConfig.producerPrefix("linger.ms"), 20,
                    StreamsConfig.producerPrefix("batch.size"), 262_144,
                    StreamsConfig.consumerPrefix("max.poll.records"), 2_000);
            out.printf(Locale.ROOT, "tuning: commit.interval.ms=%d threads=%d cache=%dMiB decoded.entries=%d linger.ms=20"
                    + " batch.size=256KiB max.poll.records=2000 rocksdb=%s%n", commitMs, threads, cacheMib, decodedEntries,
                    rocksDbMib == 0 ? "Kafka Streams' per-store defaults" : String.format(Locale.ROOT,
                            "%dMiB shared cache, %dx%dMiB memtables per store", rocksDbMib,
                            RocksDbMemory.MEMTABLES_PER_STORE, RocksDbMemory.DEFAULT_MEMTABLE_BYTES >> 20));

            final Run passThrough = timed(out, "pass-through", stack, copies(inputs, List.of("bench.pass-through")),
                    inputs, null, loaded.total(), StreamsSettings.properties("bench-pass-through", stack.kafkaBootstrap(), settings,
                            with(tuning, StreamsConfig.STATE_DIR_CONFIG, stack.workDir().resolve("pt").toString())));
            final Map<String, Long> before = appendedPerTopic(stack, inputs);
            final Run topology = timed(out, "topology", stack, LearnStreamTopology.build(settings), inputs,
                    ResultTopics.WINDOWED_METRICS, loaded.total(), withRocksDb(rocksDbMib, StreamsSettings.properties(
                            "bench-topology", stack.kafkaBootstrap(), settings,
                            with(with(tuning, StreamsConfig.STATE_DIR_CONFIG, stack.workDir().resolve("topo").toString()),
                                    WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, learnerPartitions))));
            final long written = printWritten(out, before, appendedPerTopic(stack, inputs), loaded.total());
            printEmissions(out, stack, ResultTopics.WINDOWED_METRICS);
            // What Kafka alone costs for the records the topology writes: the same input, each event
            // copied to as many topics as the topology wrote records per event, with no state and no
            // decoding. The topology cannot be faster than this; the gap to it is our own work.
            final int copies = (int) Math.max(1, Math.round((double) written / loaded.total()));
            final List<String> copyTopics = IntStream.range(0, copies).mapToObj(i -> "bench.write-floor-" + i).toList();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                admin.createTopics(copyTopics.stream().map(topic -> new NewTopic(topic, partitions, (short) 1)).toList())
                        .all().get();
            }
            final Run floor = timed(out, "write floor", stack, copies(inputs, copyTopics), inputs, null,
                    loaded.total(), StreamsSettings.properties("bench-write-floor", stack.kafkaBootstrap(), settings,
                            with(tuning, StreamsConfig.STATE_DIR_CONFIG, stack.workDir().resolve("floor").toString())));
            out.printf(Locale.ROOT, "pass-through: %.0f events/s%nwrite floor:  %.0f events/s (each event copied to %d"
                    + " topics: %.3f of the pass-through)%ntopology:     %.0f events/s (%.3f of the write floor)%n",
                    passThrough.eventsPerSecond(), floor.eventsPerSecond(), copies,
                    floor.eventsPerSecond() / passThrough.eventsPerSecond(), topology.eventsPerSecond(),
                    topology.eventsPerSecond() / floor.eventsPerSecond());
            out.println(budget(passThrough, floor, topology, Runtime.getRuntime().availableProcessors()));
            out.printf(Locale.ROOT, "ratio=%.3f%n", topology.eventsPerSecond() / passThrough.eventsPerSecond());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Creating the bench topic failed: " + e.getCause(), e);
        }
    }

    /** How long the windowed metrics must stay still to count as done (two roll-up scans). */
    private static final Duration QUIET = Duration.ofSeconds(12);

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        final Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static java.util.Properties withRocksDb(long mib, java.util.Properties props) {
        if (mib == 0) {
            props.remove(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        }
        return props;
    }

    /**
     * RocksDB's own memory as its stores report it: memtables and index/filter blocks outside the
     * block cache summed over stores; the block cache once if shared (every store reports the shared
     * cache's usage), else summed. Empty for an app without stores.
     */
    private static String rocksDbMemory(KafkaStreams streams, boolean shared) {
        double memtables = 0;
        double tableReaders = 0;
        final Map<String, Double> cacheUsageByStore = new HashMap<>();
        for (final var metric : streams.metrics().values()) {
            if (!"stream-state-metrics".equals(metric.metricName().group())
                    || !(metric.metricValue() instanceof Number number)) {
                continue;
            }
            final String store = metric.metricName().tags().toString();
            switch (metric.metricName().name()) {
                case "size-all-mem-tables" -> memtables += number.doubleValue();
                case "estimate-table-readers-mem" -> tableReaders += number.doubleValue();
                case "block-cache-usage" -> cacheUsageByStore.put(store, number.doubleValue());
                default -> { }
            }
        }
        if (cacheUsageByStore.isEmpty()) {
            return "";
        }
        final double cache = shared ? cacheUsageByStore.values().stream().mapToDouble(Double::doubleValue).max().orElse(0)
                : cacheUsageByStore.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.format(Locale.ROOT, "; RocksDB in %d stores: block cache %.0f MiB%s, memtables %.0f MiB,"
                + " index and filter blocks outside the cache %.0f MiB", cacheUsageByStore.size(), cache / (1 << 20),
                shared ? " (shared)" : " (one per store)", memtables / (1 << 20), tableReaders / (1 << 20));
    }

    /** The process's resident memory in MiB (Linux), or -1 where it cannot be read. */
    private static long residentMib() {
        try {
            for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Reads every input and writes each record unchanged to every one of {@code copyTopics}: with one
     * topic the pass-through (the cost of Kafka Streams itself), with as many as the topology writes
     * per event the write floor.
     */
    private static Topology copies(List<String> inputs, List<String> copyTopics) {
        final StreamsBuilder builder = new StreamsBuilder();
        final KStream<byte[], byte[]> events = builder.stream(inputs,
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-inputs"));
        copyTopics.forEach(topic -> events.to(topic,
                Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("write-" + topic)));
        return builder.build();
    }

    /**
     * One app's run: events per second, and the CPU it took per event in all processes (its stream
     * threads, the rest of this JVM and the broker; NaN when the broker was not measured).
     */
    record Run(double eventsPerSecond, double cpuMicrosPerEvent) {
    }

    /**
     * What a ratio of 0.5 allows on this machine: if every core were busy for twice the
     * pass-through's time per event, each event could take this much CPU in all processes
     * together. The write floor's and the topology's own use beside it say whether the bar fits
     * on this machine at all, whatever the topology does.
     */
    static String budget(Run passThrough, Run floor, Run topology, int cores) {
        final double allowed = cores * 2 * 1e6 / passThrough.eventsPerSecond();
        if (Double.isNaN(floor.cpuMicrosPerEvent()) || Double.isNaN(topology.cpuMicrosPerEvent())) {
            return String.format(Locale.ROOT, "CPU budget at ratio 0.5: %.1f µs per event in all processes (%d cores"
                    + " for twice the pass-through's time per event); the broker was not measured", allowed, cores);
        }
        return String.format(Locale.ROOT, "CPU budget at ratio 0.5: %.1f µs per event in all processes (%d cores for"
                + " twice the pass-through's time per event); used per event: write floor %.1f µs, topology %.1f µs",
                allowed, cores, floor.cpuMicrosPerEvent(), topology.cpuMicrosPerEvent());
    }

    /**
     * Runs {@code topology} until it is done with the input.
     * {@code closesInto}: a topic the app also writes on its own schedule once the input has
     * passed (the windows it closes), or null for none.
     */
    private static Run timed(PrintStream out, String name, LocalStack stack, Topology topology, List<String> inputs,
                                String closesInto, long total, java.util.Properties props) {
        final String group = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()));
             KafkaStreams streams = new KafkaStreams(topology, props)) {
            final Map<TopicPartition, Long> ends = endOffsets(admin, inputs);
            final CpuUse cpu = new CpuUse(group, stack.pids().get("kafka"));
            final long begin = System.nanoTime();
            streams.start();
            Waits.until(name + " to commit all " + total + " input events", Duration.ofMinutes(30),
                    Duration.ofMillis(250), () -> caughtUp(admin, group, ends));
            final long inputDone = System.nanoTime();
            // Then everything the input sent on through repartition topics (course and assessment
            // analytics, the windowed metrics' roll-up) must be processed too: the topology is done
            // with the input only when its last sub-topology is.
            final Map<TopicPartition, Long> onward = endOffsets(admin, repartitionTopics(admin, group));
            Waits.until(name + " to process what the input sent through its repartition topics", Duration.ofMinutes(30),
                    Duration.ofMillis(250), () -> caughtUp(admin, group, onward));
            final long onwardDone = System.nanoTime();
            // And the windows the input closed must be out: the roll-up closes them on its own
            // schedule, in bursts, once every learner partition's watermark has passed them.
            // A first start closes nothing for a while, so a short run may be done before the burst.
            final long done = closesInto == null ? System.nanoTime() : settled(admin, closesInto, System.nanoTime(),
                    begin + WindowedMetricsTopology.FIRST_CLOSES_AFTER.toNanos());
            final double seconds = (done - begin) / 1e9;
            // The phases, so that a change can be judged by the part it touches.
            out.printf(Locale.ROOT, "%s: %d events in %.1f s (input committed after %.1f s, repartitions after %.1f s)%n",
                    name, total, seconds, (inputDone - begin) / 1e9, (onwardDone - begin) / 1e9);
            final CpuUse.Used used = cpu.since();
            out.printf(Locale.ROOT, "%s: CPU %s%n", name, used.describe(total));
            out.printf(Locale.ROOT, "%s: process resident memory %d MiB (Java heap committed %d MiB)%s%n", name,
                    residentMib(), Runtime.getRuntime().totalMemory() >> 20, rocksDbMemory(streams,
                            props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG) == RocksDbMemory.class));
            streams.close(Duration.ofSeconds(60));
            return new Run(total / seconds, used.totalSeconds() * 1e6 / total);
        }
    }

    /** Offsets appended so far to every topic that is not an input: what an app wrote, markers included. */
    private static Map<String, Long> appendedPerTopic(LocalStack stack, List<String> inputs) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            final List<String> topics = admin.listTopics().names().get().stream()
                    .filter(topic -> !inputs.contains(topic)).toList();
            final Map<String, Long> appended = new java.util.TreeMap<>();
            endOffsets(admin, topics).forEach((partition, end) -> appended.merge(partition.topic(), end, Long::sum));
            return appended;
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Cannot list topics: " + e, e);
        }
    }

    /** Prints and returns what the topology wrote: records and transaction markers, over all its topics. */
    private static long printWritten(PrintStream out, Map<String, Long> before, Map<String, Long> after, long events) {
        long total = 0;
        for (final Map.Entry<String, Long> topic : after.entrySet()) {
            final long written = topic.getValue() - before.getOrDefault(topic.getKey(), 0L);
            if (written > 0) {
                out.printf(Locale.ROOT, "  wrote %,d to %s%n", written, topic.getKey());
                total += written;
            }
        }
        out.printf(Locale.ROOT, "topology wrote %,d records and markers, %.2f per input event%n", total,
                (double) total / events);
        return total;
    }

    /**
     * Committed records of a result topic against its distinct keys: for the windowed metrics,
     * each window is emitted once, final, so the two must be equal. (The counts above are offsets:
     * they include transaction markers and any aborted writes.)
     */
    private static void printEmissions(PrintStream out, LocalStack stack, String topic) {
        final Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final Set<String> keys = new HashSet<>();
            long records = 0;
            final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (final var record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    keys.add(record.key());
                }
            }
            // Per window size (the key's first field), so a change to the roll-up shows where it acts.
            final Map<String, Long> bySize = new java.util.TreeMap<>();
            keys.forEach(key -> bySize.merge(key.substring(0, Math.max(0, key.indexOf(Keys.SEPARATOR))), 1L, Long::sum));
            out.printf(Locale.ROOT, "  %s: %,d committed records, %,d distinct keys %s%n", topic, records, keys.size(),
                    bySize);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) {
        try {
            return TopicOffsets.of(admin, topics, OffsetSpec.latest(), Duration.ofSeconds(60));
        } catch (InterruptedException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot read end offsets: " + e, e);
        }
    }


    /**
     * When {@code topic} last grew after {@code since} (or {@code since} if it did not), once it has
     * not grown for {@link #QUIET} counted from no earlier than {@code firstWritesBy} (at most 10
     * minutes of waiting): the time its last output was written. Its later growth, if any, is
     * windows closing at the pace of the wall clock, not work the input caused.
     */
    private static long settled(Admin admin, String topic, long since, long firstWritesBy) {
        long size = -1;
        long grewAt = since;
        final long deadline = since + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() - Math.max(grewAt, firstWritesBy) < QUIET.toNanos() && System.nanoTime() < deadline) {
            final long now = System.nanoTime();
            final long current = endOffsets(admin, List.of(topic)).values().stream().mapToLong(Long::longValue).sum();
            if (current != size) {
                if (size >= 0) {
                    grewAt = now;
                }
                size = current;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + topic, e);
            }
        }
        return grewAt;
    }

    private static List<String> repartitionTopics(Admin admin, String group) {
        try {
            return admin.listTopics().names().get().stream()
                    .filter(topic -> topic.startsWith(group + "-") && topic.endsWith("-repartition")).toList();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Cannot list topics: " + e, e);
        }
    }

    private static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> ends) {
        try {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            for (final Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (end.getValue() == 0) {
                    continue;
                }
                final OffsetAndMetadata offset = committed.get(end.getKey());
                // Under exactly-once the last committed offset sits past the final commit marker.
                if (offset == null || offset.offset() < end.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            return false;
        }
    }
}
