package dev.learnstream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DecodedStore} in a one-processor topology under the test driver, which commits after
 * every input record: each input runs one action against the store; rows the store writes back
 * are forwarded ({@link FlushedRows}) to {@code rows}, and its changelog is read as a topic.
 */
class DecodedStoreTest {

    private static final String STORE = "decoded";
    private static final String CHANGELOG = "decoded-test-" + STORE + "-changelog";
    private static final Instant AT = Instant.parse("2025-03-10T12:00:00Z");

    private final AtomicReference<Consumer<KeyValueStore<String, String>>> action = new AtomicReference<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> commands;
    private TestOutputTopic<String, String> rows;
    private TestOutputTopic<String, String> changelog;

    private void start(int capacity, DecodedStore.Scans scans) {
        start(capacity, scans, Serdes.String());
    }

    private void start(int capacity, DecodedStore.Scans scans, Serde<String> values) {
        final StreamsBuilder builder = new StreamsBuilder();
        final StoreBuilder<KeyValueStore<String, String>> store = DecodedStore.persistent(STORE, values, scans);
        builder.stream("commands", Consumed.with(Serdes.String(), Serdes.String()))
                .process(new ProcessorSupplier<String, String, String, String>() {
                    @Override
                    public Set<StoreBuilder<?>> stores() {
                        return Set.of(store);
                    }

                    @Override
                    public Processor<String, String, String, String> get() {
                        return new Processor<>() {
                            private KeyValueStore<String, String> kept;

                            @Override
                            public void init(ProcessorContext<String, String> context) {
                                kept = context.getStateStore(STORE);
                                FlushedRows.forward(kept, context);
                            }

                            @Override
                            public void process(Record<String, String> record) {
                                action.get().accept(kept);
                            }
                        };
                    }
                })
                .to("rows", Produced.with(Serdes.String(), Serdes.String()));
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "decoded-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
        props.put(DecodedStore.ENTRIES_CONFIG, capacity);
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/learnstream-decoded-"
                + System.nanoTime());
        driver = new TopologyTestDriver(builder.build(), props, AT);
        commands = driver.createInputTopic("commands", new StringSerializer(), new StringSerializer());
        rows = driver.createOutputTopic("rows", new StringDeserializer(), new StringDeserializer());
        changelog = driver.createOutputTopic(CHANGELOG, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Runs {@code step} on the processor's thread, inside one record, then the driver commits. */
    private void run(Consumer<KeyValueStore<String, String>> step) {
        action.set(step);
        commands.pipeInput("k", "run", AT);
    }

    private static List<KeyValue<String, String>> list(KeyValueIterator<String, String> rows) {
        try (rows) {
            final List<KeyValue<String, String>> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            return all;
        }
    }

    private static List<KeyValue<String, String>> pairs(String... keysAndValues) {
        final List<KeyValue<String, String>> pairs = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            pairs.add(KeyValue.pair(keysAndValues[i], keysAndValues[i + 1]));
        }
        return pairs;
    }

    /**
     * A store of two entries whose decodes are counted, holding a, b and c: "a" was evicted (written
     * back), "b" and "c" were written at the commit and stay cached.
     */
    private AtomicInteger threeRowsOneOutOfTheCache() {
        final AtomicInteger decoded = new AtomicInteger();
        start(2, DecodedStore.Scans.OFTEN, Serdes.serdeFrom(new StringSerializer(), (topic, bytes) -> {
            decoded.incrementAndGet();
            return new String(bytes, StandardCharsets.UTF_8);
        }));
        run(store -> {
            store.put("a", "1");
            store.put("b", "2");
            store.put("c", "3");
        });
        changelog.readKeyValuesToList();
        return decoded;
    }

    /** A store of two entries, scanned often, holding a and b written at a commit: what its changelog got. */
    private List<KeyValue<String, String>> twoRowsWritten() {
        start(2, DecodedStore.Scans.OFTEN);
        run(store -> {
            store.put("a", "1");
            store.put("b", "2");
        });
        return changelog.readKeyValuesToList();
    }

    @Test
    void aScanTakesTheRowsTheCacheHoldsFromItAndDecodesOnlyTheOthers() {
        final AtomicInteger decoded = threeRowsOneOutOfTheCache();
        run(store -> {
            decoded.set(0);
            assertEquals(pairs("a", "1", "b", "2", "c", "3"), list(store.all()));
            assertEquals(1, decoded.get(), "only the row the cache lacks is decoded");
            decoded.set(0);
            assertEquals(pairs("b", "2", "c", "3"), list(store.range("b", "c")));
            assertEquals(pairs("c", "3"), list(store.prefixScan("c", new StringSerializer())));
            assertEquals(0, decoded.get());
            // A pending change still wins over the stored row.
            store.put("b", "changed");
            assertEquals(pairs("a", "1", "b", "changed"), list(store.range("a", "b")));
        });
    }

    @Test
    void deletingARowTheCacheDoesNotHoldWritesItsTombstoneAtOnceAndKeepsTheCachedRows() {
        final AtomicInteger decoded = threeRowsOneOutOfTheCache();
        run(store -> {
            assertEquals("1", store.delete("a"));
            assertNull(store.delete("never"), "nothing stored, nothing written");
            decoded.set(0);
            assertEquals(pairs("b", "2", "c", "3"), list(store.all()));
            assertEquals(0, decoded.get(), "b and c are still cached");
            assertNull(store.get("a"));
        });
        assertEquals(List.of(new KeyValue<String, String>("a", null)), changelog.readKeyValuesToList());
    }

    @Test
    void puttingNullDeletesWithoutReadingTheRowItDrops() {
        final AtomicInteger decoded = threeRowsOneOutOfTheCache();
        rows.readKeyValuesToList();
        run(store -> {
            decoded.set(0);
            store.put("a", null); // out of the cache: its tombstone goes now
            store.put("never", null); // not read either, so its tombstone goes too
            store.put("b", null); // cached: deleted at the commit
            assertEquals(0, decoded.get(), "no row decoded to be dropped");
            assertNull(store.get("a"));
            assertNull(store.get("b"));
        });
        assertEquals(pairs("a", null, "never", null, "b", null), changelog.readKeyValuesToList());
        run(store -> assertEquals(pairs("c", "3"), list(store.all())));
        assertTrue(rows.isEmpty(), "deleted rows are not forwarded");
    }

    @Test
    void aRowChangedManyTimesBetweenCommitsIsWrittenAndForwardedOnceWithItsLastValue() {
        start(DecodedStore.DEFAULT_ENTRIES, DecodedStore.Scans.NONE);
        run(store -> {
            store.put("u1", "1");
            store.put("u1", "2");
            store.put("u2", "x");
            store.put("u1", "3");
            store.delete("u2");
            assertEquals("3", store.get("u1"));
            assertNull(store.get("u2"));
        });
        // u2 was made and deleted between two commits: the store never held it, so no tombstone.
        assertEquals(List.of(KeyValue.pair("u1", "3")), rows.readKeyValuesToList());
        assertEquals(pairs("u1", "3"), changelog.readKeyValuesToList());

        run(store -> assertEquals("3", store.get("u1")));
        assertTrue(rows.isEmpty(), "a read changes nothing");
        assertTrue(changelog.isEmpty());
    }

    @Test
    void aDeletionWritesATombstoneOnlyForARowTheStoreHolds() {
        assertEquals(pairs("a", "1", "b", "2"), twoRowsWritten());
        rows.readKeyValuesToList();
        run(store -> {
            store.delete("b"); // b is known to be stored
            store.put("d", "1"); // a (clean) leaves the cache
            store.delete("d"); // d was never stored
            store.put("a", "9"); // a, not read back: unknown; b's deletion is evicted and written
            store.delete("a");
        });
        assertEquals(pairs("b", null, "a", null), changelog.readKeyValuesToList());
        run(store -> {
            assertNull(store.get("e")); // e is known to be absent
            store.put("e", "1");
            store.delete("e");
            assertEquals(List.of(), list(store.all()));
        });
        assertTrue(changelog.isEmpty(), "nothing the store held was deleted");
        assertTrue(rows.isEmpty(), "deleted rows are not forwarded");
    }

    @Test
    void evictionWritesBackTheLeastRecentlyUsedChangeAtOnce() {
        start(2, DecodedStore.Scans.NONE);
        run(store -> {
            store.put("a", "1");
            store.put("b", "2");
            store.get("a");
            store.put("c", "3"); // b is the least recently used: written back and forwarded now
            assertEquals("2", store.get("b")); // read back from the store underneath; a goes out
        });
        // b and a left before the commit, in that order; the commit wrote c, the one change left.
        assertEquals(pairs("b", "2", "a", "1", "c", "3"), changelog.readKeyValuesToList());
        assertEquals(pairs("b", "2", "a", "1", "c", "3"), rows.readKeyValuesToList());
    }

    @Test
    void aRowPutRightAfterItWasReadStaysTheRowReadsSeeThoughAScanAndAnEvictionCameBetween() {
        twoRowsWritten();
        run(store -> {
            assertEquals("1", store.get("a"));
            // The scan makes b more recently used than a, so the next new entry pushes a out.
            assertEquals(pairs("a", "1", "b", "2"), list(store.all()));
            store.put("a", "changed");
            assertNull(store.get("c"));
            assertEquals("changed", store.get("a"));
            store.put("a", "again");
            assertEquals("again", store.get("a"));
            assertEquals(pairs("a", "again", "b", "2"), list(store.all()));
        });
        // Whether a's first change left early with an eviction or not, its last one is what stays.
        assertEquals(java.util.Map.of("a", "again"), changelog.readKeyValuesToMap());
    }

    @ParameterizedTest
    @EnumSource(value = DecodedStore.Scans.class, names = {"OFTEN", "RARELY"})
    void scansMergeTheChangesNotYetWrittenInTheStoresByteOrder(DecodedStore.Scans scans) {
        start(DecodedStore.DEFAULT_ENTRIES, scans);
        final String emoji = "u\uD83D\uDE00"; // above the basic plane: after "u\uFFFD" in UTF-8
        final String replacement = "u\uFFFD";
        run(store -> {
            store.put("u1", "stored");
            store.put("u3", "stored");
            store.put(emoji, "stored");
            store.put("v", "stored");
        });
        changelog.readKeyValuesToList();
        rows.readKeyValuesToList();
        run(store -> {
            store.put("u2", "new");
            store.put(replacement, "new");
            store.delete("u3");
            store.put("u1", "changed");
            assertEquals(pairs("u1", "changed", "u2", "new", replacement, "new", emoji, "stored"),
                    list(store.prefixScan("u", new StringSerializer())));
            assertEquals(pairs("u2", "new", replacement, "new"), list(store.range("u2", replacement)));
            assertEquals(pairs("u1", "changed", "u2", "new", replacement, "new", emoji, "stored", "v", "stored"),
                    list(store.all()));
        });
        // What the scans saw is what the store holds once written back.
        run(store -> assertEquals(pairs("u1", "changed", "u2", "new", replacement, "new", emoji, "stored", "v",
                "stored"), list(store.all())));
    }

    @ParameterizedTest
    @EnumSource(value = DecodedStore.Scans.class, names = {"OFTEN", "RARELY"})
    void aScanByALearnersPrefixSeesExactlyThatLearnersPendingChangesInOrder(DecodedStore.Scans scans) {
        start(3, scans);
        final String a1 = Keys.of("a", "m1");
        final String a2 = Keys.of("a", "m2");
        final String a9 = Keys.of("a", "m9");
        final String ab = Keys.of("ab", "m1");
        final String b1 = Keys.of("b", "m1");
        run(store -> store.put(a9, "stored"));
        changelog.readKeyValuesToList();
        run(store -> {
            store.put(a2, "new");
            store.put(b1, "new");
            store.put(ab, "new");
            // Three entries fit: a2, the least recently used change, is written back to make room.
            store.put(a1, "new");
            assertEquals(pairs(a1, "new", a2, "new", a9, "stored"),
                    list(store.prefixScan(Keys.prefix("a"), new StringSerializer())));
            assertEquals(pairs(ab, "new"), list(store.prefixScan(Keys.prefix("ab"), new StringSerializer())));
            // A prefix that ends inside the first part finds the changes of every learner it starts.
            assertEquals(pairs(a1, "new", a2, "new", a9, "stored", ab, "new"),
                    list(store.prefixScan("a", new StringSerializer())));
            store.delete(a9);
            store.put(a2, "changed");
            assertEquals(pairs(a1, "new", a2, "changed"),
                    list(store.prefixScan(Keys.prefix("a"), new StringSerializer())));
        });
        run(store -> {
            // After the commit nothing is pending: the scans read what was written back.
            assertEquals(pairs(a1, "new", a2, "changed"),
                    list(store.prefixScan(Keys.prefix("a"), new StringSerializer())));
            assertEquals(pairs(b1, "new"), list(store.prefixScan(Keys.prefix("b"), new StringSerializer())));
        });
    }

    @Test
    void theKeyOrderIsTheOrderOfUtf8Bytes() {
        final Random random = new Random(7);
        final int[] alphabet = {'a', 'z', 0x7F, 0xE9, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600,
                0x10FFFF};
        for (int i = 0; i < 20_000; i++) {
            final String a = randomString(random, alphabet);
            final String b = randomString(random, alphabet);
            final int bytes = Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
            assertEquals(Integer.signum(bytes), Integer.signum(DecodedStore.compareUtf8(a, b)), a + " against " + b);
        }
    }

    private static String randomString(Random random, int[] alphabet) {
        final StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(4); n >= 0; n--) {
            text.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
        }
        return text.toString();
    }

    @Test
    void queriesFromAnotherThreadSeeWhatTheLastCommitWrote() {
        start(DecodedStore.DEFAULT_ENTRIES, DecodedStore.Scans.OFTEN);
        run(store -> store.put("u1", "committed"));
        run(store -> {
            store.put("u1", "pending");
            store.put("u2", "pending");
            final AtomicReference<List<Object>> seen = new AtomicReference<>();
            final Thread query = new Thread(() -> seen.set(List.of(String.valueOf(store.get("u1")),
                    String.valueOf(store.get("u2")), list(store.all()))));
            query.start();
            try {
                query.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertEquals(List.of("committed", "null", pairs("u1", "committed")), seen.get());
            assertEquals("pending", store.get("u1"));
        });
        final KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);
        assertEquals("pending", store.get("u2"));
    }

    @Test
    void aStoreBuiltForNoScansRefusesToScanOverPendingChanges() {
        start(DecodedStore.DEFAULT_ENTRIES, DecodedStore.Scans.NONE);
        run(store -> assertEquals(List.of(), list(store.all()))); // nothing pending: the store underneath answers
        final StreamsException failed = assertThrows(StreamsException.class, () -> run(store -> {
            store.put("u1", "pending");
            list(store.all());
        }));
        Throwable cause = failed;
        while (cause.getCause() != null && !(cause instanceof IllegalStateException)) {
            cause = cause.getCause();
        }
        assertEquals("Store decoded holds changes and is not built for scans", cause.getMessage());
    }

    @Test
    void theNumberOfEntriesIsASettingCheckedByName() {
        assertEquals(DecodedStore.DEFAULT_ENTRIES, DecodedStore.entries(java.util.Map.of()));
        assertEquals(200, DecodedStore.entries(java.util.Map.of(DecodedStore.ENTRIES_CONFIG, " 200")));
        for (final Object bad : List.of("0", "-3", "lots", 3_000_000_000L)) {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> DecodedStore.entries(java.util.Map.of(DecodedStore.ENTRIES_CONFIG, bad)));
            assertTrue(refused.getMessage().startsWith(DecodedStore.ENTRIES_CONFIG + " must be"), refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> StreamsSettings.properties("app", "dummy:1234",
                TopologySettings.defaults(dev.learnstream.topics.TopicNames.defaults(), java.util.Map.of()),
                java.util.Map.of(DecodedStore.ENTRIES_CONFIG, 0)));
    }

    @Test
    void aCommitWritesEveryChangeWithTheTimestampOfTheRecordThatMadeIt() {
        start(DecodedStore.DEFAULT_ENTRIES, DecodedStore.Scans.NONE);
        action.set(store -> store.put("u1", "first"));
        commands.pipeInput("k", "run", AT.plusSeconds(5));
        final TestRecord<String, String> row = rows.readRecord();
        assertEquals(AT.plusSeconds(5), row.getRecordTime());
        final TestRecord<String, String> logged = changelog.readRecord();
        assertEquals(AT.plusSeconds(5), logged.getRecordTime());
    }
}
