package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dedup over the RocksDB window store Kafka Streams builds for it: the filters in memory may only
 * spare lookups of ids the store cannot hold, including after a restart, when the store holds ids
 * the new filters never saw.
 */
class DedupTest {

    private static final Duration HORIZON = Duration.ofHours(24);
    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2025-03-10T00:00:00Z").toEpochMilli();

    @TempDir
    File stateDir;
    private WindowStore<String, Long> store;

    @BeforeEach
    void open() {
        final Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedup-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0),
                stateDir);
        store = Dedup.store(HORIZON).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void anIdIsNewOnceWithinTheHorizonEitherSideAndNewAgainBeyondIt() {
        final Dedup.Seen seen = new Dedup.Seen(store, HORIZON);
        assertThat(seen.firstSighting("e1", T0)).isTrue();
        assertThat(seen.firstSighting("e1", T0)).as("a retry").isFalse();
        assertThat(seen.firstSighting("e1", T0 + HORIZON.toMillis())).as("a horizon later").isFalse();
        assertThat(seen.firstSighting("e1", T0 - HORIZON.toMillis())).as("a horizon earlier").isFalse();
        assertThat(seen.firstSighting("e2", T0)).isTrue();
        assertThat(seen.firstSighting("e3", T0 + 2 * HORIZON.toMillis() + 1)).isTrue();
        assertThat(seen.firstSighting("e1", T0 + 2 * HORIZON.toMillis() + 1))
                .as("beyond the horizon of every earlier sighting of e1").isTrue();
    }

    @Test
    void afterARestartTheStoreStillAnswersForIdsTheNewFiltersNeverSaw() {
        final Dedup.Seen before = new Dedup.Seen(store, HORIZON);
        for (int i = 0; i < 500; i++) {
            assertThat(before.firstSighting("before-" + i, T0 + i * 60_000L)).isTrue();
        }
        final Dedup.Seen after = new Dedup.Seen(store, HORIZON);
        for (int i = 0; i < 500; i++) {
            assertThat(after.firstSighting("before-" + i, T0 + i * 60_000L + HOUR)).as("id %d", i).isFalse();
        }
        assertThat(after.firstSighting("after-0", T0 + HOUR)).isTrue();
        assertThat(after.firstSighting("after-0", T0 + HOUR)).isFalse();
    }

    @Test
    void theStoreListsItsNewestSegmentFirstBackwardsSoTheRestoredBoundCoversEveryId() {
        // Keys sort against time: the oldest id has the largest key, the newest the smallest, and
        // they are three segments apart. The bound after a restart rests on this order.
        store.put("z-oldest", T0, T0);
        store.put("m-middle", T0 + 30 * HOUR, T0 + 30 * HOUR);
        store.put("a-newest", T0 + 60 * HOUR, T0 + 60 * HOUR);
        long newest = Long.MIN_VALUE;
        try (KeyValueIterator<Windowed<String>, Long> all = store.all()) {
            while (all.hasNext()) {
                newest = Math.max(newest, all.next().key.window().start());
            }
        }
        try (KeyValueIterator<Windowed<String>, Long> backwards = store.backwardAll()) {
            final KeyValue<Windowed<String>, Long> first = backwards.next();
            assertThat(first.key.window().start()).isEqualTo(newest);
        }
        assertThat(Dedup.Seen.latestStored(store, 2 * HORIZON.toMillis())).isGreaterThanOrEqualTo(newest);
    }

    @Test
    void anEmptyStoreLeavesEveryLookupToTheFilters() {
        assertThat(Dedup.Seen.latestStored(store, 2 * HORIZON.toMillis())).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void theFiltersNeverForgetAnIdOfAKeptGenerationAndRarelyImagineOne() {
        final SeenIds ids = new SeenIds(HORIZON.toMillis(), 4);
        final int n = 100_000;
        for (int i = 0; i < n; i++) {
            ids.add(UUID.nameUUIDFromBytes(("seen" + i).getBytes()).toString(), T0 + i * 1_000L);
        }
        for (int i = 0; i < n; i++) {
            final long time = T0 + i * 1_000L;
            assertThat(ids.mightContain(UUID.nameUUIDFromBytes(("seen" + i).getBytes()).toString(),
                    time, time)).as("id %d", i).isTrue();
        }
        int imagined = 0;
        for (int i = 0; i < n; i++) {
            if (ids.mightContain(UUID.nameUUIDFromBytes(("new" + i).getBytes()).toString(), T0,
                    T0 + n * 1_000L)) {
                imagined++;
            }
        }
        // 100,000 ids over two generations (blocks of 16k, 32k and 64k ids in the first), all probed.
        assertThat(imagined).as("false positives among %d new ids", n).isLessThan(n / 100);
    }

    @Test
    void generationsOlderThanTheKeptOnesAreDropped() {
        final SeenIds ids = new SeenIds(HORIZON.toMillis(), 3);
        final String old = "old";
        ids.add(old, T0);
        for (int day = 1; day <= 3; day++) {
            ids.add("day" + day, T0 + day * HORIZON.toMillis());
        }
        assertThat(ids.generations()).isEqualTo(4);
        assertThat(ids.mightContain(old, T0, T0)).isTrue();
        ids.add("day4", T0 + 4 * HORIZON.toMillis());
        assertThat(ids.generations()).isEqualTo(4);
        assertThat(ids.mightContain(old, T0, T0)).isFalse();
        ids.add(old, T0);
        assertThat(ids.mightContain(old, T0, T0)).as("too old to be kept").isFalse();
    }

    @Test
    void aGenerationPastItsSizeAnswersMaybeForEveryIdSoTheStoreDecides() {
        final SeenIds ids = new SeenIds(HORIZON.toMillis(), 3);
        // Blocks of 16k ids and up, doubling, until the next would pass MAX_BITS.
        long capacity = 0;
        long bits = 0;
        for (long block = 1 << 14; bits + 16 * block <= SeenIds.MAX_BITS; block *= 2) {
            capacity += block;
            bits += 16 * block;
        }
        for (long i = 0; i < capacity; i++) {
            ids.add("id" + i, T0);
        }
        assertThat(ids.mightContain("never added", T0, T0)).as("not full yet").isFalse();
        ids.add("one too many", T0);
        assertThat(ids.mightContain("never added", T0, T0)).as("full").isTrue();
        assertThat(ids.mightContain("never added", T0 + HORIZON.toMillis(), T0 + HORIZON.toMillis()))
                .as("another generation").isFalse();
    }
}
