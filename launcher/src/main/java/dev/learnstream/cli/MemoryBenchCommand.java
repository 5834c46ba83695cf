package dev.learnstream.cli;

import dev.learnstream.avro.MockSchemaRegistry;
import dev.learnstream.events.UserLogin;
import dev.learnstream.memory.Fsrs6;
import dev.learnstream.results.MemoryScore;
import dev.learnstream.results.MemoryUrgency;
import dev.learnstream.stack.Dirs;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.Keys;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.StoreNames;
import dev.learnstream.topology.StreamsSettings;
import dev.learnstream.topology.TopologySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code memory-bench}: the cost of the memory model's wall-clock punctuation against the number
 * of stored memories. For each size, the real topology runs in-process (TopologyTestDriver, real
 * RocksDB stores); the memory store is filled with that many memories whose urgency crossings are
 * spread so that every punctuation finds the same number due; then punctuations are timed. A
 * full pass over the memory store (what a punctuator without the due index would do) is timed
 * for contrast. The last line is {@code ratio=<largest/smallest mean punctuation time>}.
 */
final class MemoryBenchCommand {

    private static final Instant START = Instant.parse("2025-01-06T09:00:00Z");
    private static final Duration SCAN = Duration.ofSeconds(30);
    private static final double STABILITY = 10;

    private record Figures(int states, double meanMs, double p50Ms, double maxMs, long crossings, double fullScanMs) {
    }

    private MemoryBenchCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        final Options options = Options.parse("memory-bench", args, Set.of("states", "due", "punctuations"), Set.of());
        final int due = Math.max(1, options.integer("due", 100));
        final int punctuations = Math.max(1, options.integer("punctuations", 50));
        final List<Integer> sizes = new ArrayList<>();
        for (final String size : options.string("states", "10000,1000000").split(",")) {
            try {
                sizes.add(Integer.parseInt(size.trim().replace("_", "")));
            } catch (NumberFormatException e) {
                throw new UsageException("memory-bench: --states takes sizes like 10000,1000000, got '" + size + "'");
            }
        }
        out.printf(Locale.ROOT, "memory punctuation: %d due per punctuation, %d punctuations timed per size%n", due,
                punctuations);
        // An untimed pass first, so the first size is not measured on a cold JIT.
        measure(Math.min(sizes.get(0), 10_000), due, Math.min(punctuations, 20), new PrintStream(
                java.io.OutputStream.nullOutputStream()));
        final List<Figures> all = new ArrayList<>();
        for (final int states : sizes) {
            final Figures figures = measure(states, due, punctuations, out);
            all.add(figures);
            out.printf(Locale.ROOT, "states=%d punctuation mean=%.2fms p50=%.2fms max=%.2fms crossings=%d"
                            + " (%.1fus per due memory) full-store-pass=%.0fms%n", figures.states(), figures.meanMs(),
                    figures.p50Ms(), figures.maxMs(), figures.crossings(), 1000 * figures.meanMs() / due,
                    figures.fullScanMs());
        }
        final Figures first = all.get(0);
        final Figures last = all.get(all.size() - 1);
        out.printf(Locale.ROOT, "p50 ratio=%.2f (states x%.0f)%n", last.p50Ms() / first.p50Ms(),
                (double) last.states() / first.states());
        out.printf(Locale.ROOT, "ratio=%.2f%n", last.meanMs() / first.meanMs());
        return 0;
    }

    private static Figures measure(int states, int due, int punctuations, PrintStream out) {
        final String scope = "memory-bench-" + UUID.randomUUID();
        final Path stateDir;
        try {
            stateDir = Files.createTempDirectory("learnstream-memory-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final Map<String, Object> serdes = EventSerdes.config("mock://" + scope, Map.of());
        final TopicNames names = TopicNames.defaults();
        final TopologySettings settings = TopologySettings.defaults(names, serdes);
        final Properties props = StreamsSettings.properties("learnstream-memory-bench", "unused:9092", settings,
                Map.of("state.dir", stateDir.toString()));
        try (TopologyTestDriver driver = new TopologyTestDriver(LearnStreamTopology.build(settings), props, START)) {
            // One event starts the effective clock at START (the punctuator waits for a first event).
            final Serializer<SpecificRecord> serializer = EventSerdes.values(serdes).serializer();
            final String loginTopic = names.name(EventTopic.USER_LOGIN);
            driver.createInputTopic(loginTopic, new StringSerializer(), new ByteArraySerializer())
                    .pipeInput("bench", serializer.serialize(loginTopic, UserLogin.newBuilder()
                            .setEventId(UUID.randomUUID()).setUserId("bench").setOccurredAt(START).build()), START);
            final long loadStart = System.nanoTime();
            load(driver, states, due);
            out.printf(Locale.ROOT, "states=%d loaded in %.1fs%n", states, (System.nanoTime() - loadStart) / 1e9);

            final TestOutputTopic<String, byte[]> recommendations = driver.createOutputTopic(
                    names.name(EventTopic.REVISION_RECOMMENDATIONS), new StringDeserializer(), new ByteArrayDeserializer());
            // A commit before timing: it flushes the loaded memories from the store caches to
            // RocksDB, a one-off cost of loading, not of punctuating. No punctuation is due yet.
            driver.advanceWallClockTime(Duration.ofMillis(1));
            // The first crossings are one scan interval after START.
            final double[] millis = new double[punctuations];
            long crossings = 0;
            for (int i = 0; i < punctuations; i++) {
                final long begin = System.nanoTime();
                driver.advanceWallClockTime(SCAN);
                millis[i] = (System.nanoTime() - begin) / 1e6;
                crossings += recommendations.readRecordsToList().size();
            }
            final KeyValueStore<String, MemoryScore> scores = driver.getKeyValueStore(StoreNames.MEMORY_SCORES);
            final long scanStart = System.nanoTime();
            long seen = 0;
            try (KeyValueIterator<String, MemoryScore> all = scores.all()) {
                while (all.hasNext()) {
                    all.next();
                    seen++;
                }
            }
            final double fullScanMs = (System.nanoTime() - scanStart) / 1e6;
            if (seen < states) {
                throw new IllegalStateException("the memory store holds " + seen + " memories, expected " + states);
            }
            final double[] sorted = millis.clone();
            Arrays.sort(sorted);
            return new Figures(states, Arrays.stream(millis).average().orElse(0), sorted[sorted.length / 2],
                    sorted[sorted.length - 1], crossings, fullScanMs);
        } finally {
            MockSchemaRegistry.drop(scope);
            Dirs.deleteQuietly(stateDir);
        }
    }

    /**
     * Fills the memory store and its due index: memory i crosses into medium urgency in scan
     * interval 1 + i / due, so each punctuation finds {@code due} crossings whatever the size.
     */
    private static void load(TopologyTestDriver driver, int states, int due) {
        final KeyValueStore<String, MemoryScore> scores = driver.getKeyValueStore(StoreNames.MEMORY_SCORES);
        final KeyValueStore<String, String> alerts = driver.getKeyValueStore(StoreNames.MEMORY_ALERTS);
        final long stabilityMillis = Math.round(Fsrs6.defaults().interval(STABILITY, 0.9) * 86_400_000.0);
        final int batch = 10_000;
        final List<KeyValue<String, MemoryScore>> rows = new ArrayList<>(batch);
        final List<KeyValue<String, String>> index = new ArrayList<>(batch);
        for (int i = 0; i < states; i++) {
            final long crossing = START.toEpochMilli() + SCAN.toMillis() * (1 + i / due) - 2;
            final String user = "learner-" + (i % 100_000);
            final String module = "module-" + (i / 100_000);
            final MemoryScore memory = MemoryScore.newBuilder().setUserId(user).setDomain("bench").setCourseId("")
                    .setModuleId(module).setStability(STABILITY).setDifficulty(5).setReps(1).setLapses(0)
                    .setLastScore(null).setLastReviewedAt(Instant.ofEpochMilli(crossing - stabilityMillis))
                    .setNextReviewAt(Instant.ofEpochMilli(crossing)).setRetrievability(1).setCurrentScore(100)
                    .setForgettingScore(0).setRevisionUrgency(MemoryUrgency.LOW).setDecayFactor(0.1542)
                    .setComputedAt(Instant.ofEpochMilli(crossing - stabilityMillis))
                    .setAlertedUrgency(MemoryUrgency.LOW).setOpenSignals(new ArrayList<>()).build();
            rows.add(new KeyValue<>(Keys.of(user, module), memory));
            index.add(new KeyValue<>(Keys.of(Keys.time(crossing), "M", user, module), ""));
            if (rows.size() == batch || i == states - 1) {
                scores.putAll(rows);
                alerts.putAll(index);
                rows.clear();
                index.clear();
            }
        }
    }
}
