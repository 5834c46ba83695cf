package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.avro.MockSchemaRegistry;
import dev.learnstream.results.WindowPartial;
import dev.learnstream.results.WindowedMetric;
import dev.learnstream.topics.EventSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The roll-up keeps what is due when (open windows by close time, closed ones by expiry) in memory
 * only, rebuilt by {@code init} from its store. These tests run the processor the way Kafka
 * Streams does around a restart or a revived task: a new {@code init} over a store that already
 * holds windows, restored from the changelog. The roll-up's clock is its learner partitions'
 * watermarks, so these tests send them as stage 1 does, after the partials of a commit.
 */
class WindowedMetricsRestartTest {

    private static final String SCOPE = "WindowedMetricsRestartTest";
    private static final Instant MINUTE = Instant.parse("2025-03-10T09:00:00Z");
    private final Map<String, Object> serdes = EventSerdes.config("mock://" + SCOPE, Map.of());
    private final WindowedMetricsProcessor supplier = new WindowedMetricsProcessor(serdes, Duration.ofSeconds(5));
    private final KeyValueStore<String, WindowPartial> store = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(StoreNames.WINDOWED_METRICS), Serdes.String(),
                    AvroSerdes.avro(serdes, WindowPartial.class))
            .withLoggingDisabled().build();
    private MockProcessorContext<String, WindowedMetric> context;
    private Processor<String, WindowPartial, String, WindowedMetric> processor;

    @AfterEach
    void close() {
        store.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    /**
     * A fresh processor and context over the same store: a new process after the store's restore,
     * started {@link WindowedMetricsProcessor#SETTLE} (and a second) before {@code wallMs}, so it
     * may close windows at {@code wallMs}.
     */
    private void start(long wallMs) {
        start(wallMs, supplier);
    }

    private void start(long wallMs, WindowedMetricsProcessor with) {
        open(new MockProcessorContext<>(), wallMs - WindowedMetricsProcessor.SETTLE.toMillis() - 1_000, wallMs, with);
    }

    /** A first start at {@code wallMs} (nothing in the store), with {@code learnerPartitions} as the application counted them. */
    private void firstStart(long wallMs, Integer learnerPartitions) {
        final java.util.Properties config = new java.util.Properties();
        config.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, SCOPE);
        config.put(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        if (learnerPartitions != null) {
            config.put(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, learnerPartitions);
        }
        open(new MockProcessorContext<>(config), wallMs, wallMs, supplier);
    }

    /** A processor from {@code with} in {@code fresh} over the store, initialised at {@code initMs}, the clock then at {@code wallMs}. */
    private void open(MockProcessorContext<String, WindowedMetric> fresh, long initMs, long wallMs,
                      WindowedMetricsProcessor with) {
        context = fresh;
        if (!store.isOpen()) {
            store.init(context.getStateStoreContext(), store);
        }
        context.addStateStore(store);
        context.setCurrentSystemTimeMs(initMs);
        processor = with.get();
        processor.init(context);
        context.setCurrentSystemTimeMs(wallMs);
    }

    /** Learner partition {@code task}'s watermark at {@code time}, as stage 1 sends it after its partials. */
    private void watermark(String task, Instant time) {
        processor.process(new Record<>(Keys.of(WindowPartialsProcessor.WATERMARK, task),
                WindowPartialsProcessor.watermark(task, time.toEpochMilli()), time.toEpochMilli()));
    }

    /**
     * A minute from stage 1 with one quiz of {@code score} by {@code user}, then the watermark of
     * its learner partition, as stage 1 sends them at a commit: two minutes on, past the minute's close.
     */
    private void minute(Instant start, String user, double score) {
        partial(start, user, score);
        watermark("0_0", start.plus(Duration.ofMinutes(2)));
    }

    private void partial(Instant start, String user, double score) {
        partial(start, new String[] {"all", ""}, user, score);
    }

    private void partial(Instant start, String[] dimension, String user, double score) {
        final WindowPartial partial = WindowPartialsProcessor.empty(start.toEpochMilli(), dimension);
        partial.setEvents(1L);
        partial.setQuizAttempts(1L);
        partial.setScoreSum(score);
        final WindowSketches.Learners learners = new WindowSketches.Learners();
        learners.add(user);
        final WindowSketches.Scores scores = new WindowSketches.Scores();
        scores.add(score);
        partial.setLearners(java.nio.ByteBuffer.wrap(learners.bytes()));
        partial.setScores(java.nio.ByteBuffer.wrap(scores.bytes()));
        processor.process(new Record<>(dimension[0], partial, start.plus(Duration.ofMinutes(2)).toEpochMilli()));
    }

    /**
     * The windows emitted since the last call: as a watermark makes them due, or by the scans,
     * which run now.
     */
    private List<WindowedMetric> punctuate() {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(context.currentSystemTimeMs()));
        return emitted();
    }

    /** The windows emitted since the last call, without a scan. */
    private List<WindowedMetric> emitted() {
        final List<WindowedMetric> emitted = context.forwarded().stream().map(f -> f.record().value())
                .map(WindowedMetric.class::cast).toList();
        context.resetForwards();
        return emitted;
    }

    /** A window as the assertions name it: size@start. */
    private static String window(WindowedMetric metric) {
        return metric.getWindowSize() + "@" + metric.getWindowStart();
    }

    /** The windows of {@code metrics}, checked to be {@code count}. */
    private static List<String> windows(List<WindowedMetric> metrics, int count) {
        assertThat(metrics).hasSize(count);
        return metrics.stream().map(WindowedMetricsRestartTest::window).toList();
    }

    private static String key(WindowSizes size, Instant start) {
        return WindowedMetricsProcessor.key(size, "all", "", start.toEpochMilli());
    }

    @Test
    void windowsOpenAtARestartCloseOnceAndClosedOnesAreNotEmittedAgain() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        assertThat(punctuate()).extracting(WindowedMetricsRestartTest::window)
                .containsExactly("1m@" + MINUTE);

        start(wall + 60_000);
        assertThat(punctuate()).as("nothing more is due at the restart").isEmpty();
        final Instant later = MINUTE.plus(Duration.ofMinutes(10));
        minute(later, "u2", 60);
        final List<WindowedMetric> out = punctuate();
        assertThat(out).extracting(WindowedMetricsRestartTest::window)
                .containsExactlyInAnyOrder("5m@" + MINUTE, "1m@" + later);
        final WindowedMetric fiveMinutes = out.stream().filter(m -> m.getWindowSize().equals("5m")).findFirst()
                .orElseThrow();
        assertThat(fiveMinutes.getFinal$()).isTrue();
        assertThat(fiveMinutes.getEvents()).isEqualTo(1);
        assertThat(fiveMinutes.getAverageScore()).isEqualTo(80.0);
        assertThat(punctuate()).as("each window is final once").isEmpty();
    }

    @Test
    void aLateShareOfAMinuteNobodyOpenedClosesOnceThoughTheMarkHasPassedIt() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        watermark("0_0", MINUTE.plus(Duration.ofMinutes(10)));
        assertThat(punctuate()).extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + MINUTE, "5m@" + MINUTE);
        final Instant third = MINUTE.plus(Duration.ofMinutes(3));
        assertThat(WindowedMetricsProcessor.closedThrough(store)).as("the mark is past the third minute's close")
                .isGreaterThan(WindowSizes.ONE_MINUTE.closesAt(third.toEpochMilli()));

        // A partition not heard from before sends its share of a minute nobody else had: a window
        // made behind the mark, which must not count as closed before it has been emitted.
        partial(third, "u2", 60);
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_MINUTE, third))).isFalse();
        start(wall + 1_000);
        watermark("0_1", MINUTE.plus(Duration.ofMinutes(10)));
        watermark("0_0", MINUTE.plus(Duration.ofMinutes(10)));
        final List<WindowedMetric> out = punctuate();
        assertThat(out).extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + third);
        assertThat(out.get(0).getEvents()).isEqualTo(1);
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_MINUTE, third))).isTrue();
        assertThat(store.get(key(WindowSizes.FIVE_MINUTES, MINUTE)).getLateEvents())
                .as("rolled into its five minutes, closed by then: late there").isEqualTo(1);

        start(wall + 2_000);
        assertThat(punctuate()).as("emitted once").isEmpty();
    }

    @Test
    void closingAWindowWritesTheMarkNotTheWindow() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        final WindowPartial before = store.get(key(WindowSizes.ONE_MINUTE, MINUTE));
        assertThat(punctuate()).extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + MINUTE);
        final WindowPartial after = store.get(key(WindowSizes.ONE_MINUTE, MINUTE));
        assertThat(after).as("the stored minute is as it was").isEqualTo(before);
        assertThat(after.getClosed()).isFalse();
        assertThat(WindowedMetricsProcessor.closedThrough(store)).isEqualTo(MINUTE.plus(Duration.ofMinutes(2)).toEpochMilli() + 1);
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_MINUTE, MINUTE))).isTrue();
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.FIVE_MINUTES, MINUTE))).isFalse();
        // Shaped as a watermark, which the roll-up's earlier versions skip over as windows.
        assertThat(WindowPartialsProcessor.isWatermark(store.get(WindowedMetricsProcessor.CLOSED_THROUGH))).isTrue();
    }

    @Test
    void aPartialForAWindowOpenedBeforeARestartAddsToIt() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        partial(MINUTE, "u1", 80);
        start(wall + 1_000);
        partial(MINUTE, "u2", 60);
        watermark("0_0", MINUTE.plus(Duration.ofMinutes(2)));
        final List<WindowedMetric> out = punctuate();
        assertThat(out).extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + MINUTE);
        assertThat(out.get(0).getEvents()).as("both partials, the first read back from the store").isEqualTo(2);
        assertThat(out.get(0).getActiveLearners()).isEqualTo(2.0);
    }

    @Test
    void aFirstStartClosesAsSoonAsEveryLearnerPartitionHasReported() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        firstStart(wall, 2);
        minute(MINUTE, "u1", 80);
        assertThat(punctuate()).as("one learner partition of two has reported").isEmpty();
        partial(MINUTE, "u2", 60);
        watermark("0_1", MINUTE.plus(Duration.ofMinutes(2)));
        final List<WindowedMetric> out = punctuate();
        assertThat(out).extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + MINUTE);
        assertThat(out.get(0).getEvents()).as("both partitions' shares").isEqualTo(2);
    }

    @Test
    void aFirstStartNotToldHowManyLearnerPartitionsThereAreWaitsItsSettleTime() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        firstStart(wall, null);
        minute(MINUTE, "u1", 80);
        partial(MINUTE, "u2", 60);
        watermark("0_1", MINUTE.plus(Duration.ofMinutes(2)));
        context.setCurrentSystemTimeMs(wall + WindowedMetricsProcessor.SETTLE.toMillis() - 1);
        assertThat(punctuate()).as("a third partition may not have committed yet").isEmpty();
        context.setCurrentSystemTimeMs(wall + WindowedMetricsProcessor.SETTLE.toMillis());
        assertThat(punctuate()).extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + MINUTE);
    }

    @Test
    void aScanOutOfTimeLeavesTheRestToTheNextInTimeOrder() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        // No time at all: each punctuation closes the one window it must close to make progress.
        start(wall, new WindowedMetricsProcessor(serdes, Duration.ofSeconds(5), Duration.ZERO));
        partial(MINUTE, "u1", 80);
        partial(MINUTE.plus(Duration.ofMinutes(1)), "u2", 60);
        final List<String> closed = new java.util.ArrayList<>();
        // A watermark closes what it makes due, here one window for want of time.
        minute(MINUTE.plus(Duration.ofMinutes(2)), "u3", 70);
        closed.addAll(windows(emitted(), 1));
        // The rest is a backlog, which goes on after a commit, not at the next watermark.
        watermark("0_0", MINUTE.plus(Duration.ofMinutes(10)));
        assertThat(emitted()).isEmpty();
        // The scan and the catch-up punctuation after it: one window each, then the last one.
        closed.addAll(windows(punctuate(), 2));
        closed.addAll(windows(punctuate(), 1));
        assertThat(closed).containsExactly("1m@" + MINUTE, "1m@" + MINUTE.plus(Duration.ofMinutes(1)),
                "1m@" + MINUTE.plus(Duration.ofMinutes(2)), "5m@" + MINUTE);
        assertThat(punctuate()).as("nothing left").isEmpty();
        assertThat(store.get(key(WindowSizes.FIVE_MINUTES, MINUTE)).getEvents()).as("every minute rolled up")
                .isEqualTo(3);
    }

    @Test
    void aScanOutOfTimeStopsOnlyBetweenTwoCloseTimesSoTheMarkCoversWhatItClosed() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall, new WindowedMetricsProcessor(serdes, Duration.ofSeconds(5), Duration.ZERO));
        partial(MINUTE, new String[] {"domain", "dsa"}, "u1", 80);
        partial(MINUTE, new String[] {"module", "dsa-arrays"}, "u1", 80);
        // Its watermark makes both minutes due; with no time, the two closing at the same time close together.
        minute(MINUTE.plus(Duration.ofMinutes(1)), "u2", 60);
        assertThat(emitted()).extracting(WindowedMetricsRestartTest::window)
                .containsExactly("1m@" + MINUTE, "1m@" + MINUTE);

        start(wall + 1_000, new WindowedMetricsProcessor(serdes, Duration.ofSeconds(5), Duration.ZERO));
        watermark("0_0", MINUTE.plus(Duration.ofMinutes(3)));
        assertThat(punctuate()).extracting(WindowedMetricsRestartTest::window)
                .as("after a restart only the minute left, not the two again")
                .containsExactly("1m@" + MINUTE.plus(Duration.ofMinutes(1)));
    }

    @Test
    void closedWindowsStillExpireAfterARestart() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        punctuate();
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_MINUTE, MINUTE))).isTrue();

        // Restarted a day later: a task's clock never runs ahead of the wall clock.
        final Instant nextDay = MINUTE.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(2));
        start(nextDay.plus(Duration.ofMinutes(3)).toEpochMilli());
        minute(nextDay, "u2", 90);
        punctuate();
        assertThat(store.get(key(WindowSizes.ONE_MINUTE, MINUTE))).as("past the minute's one-day retention").isNull();
        assertThat(store.get(key(WindowSizes.FIVE_MINUTES, MINUTE))).as("five minutes are kept three days")
                .isNotNull();
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_HOUR, MINUTE))).isTrue();
    }

    @Test
    void aMinuteWaitsForTheSlowestLearnerPartition() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        watermark("0_1", MINUTE.minusSeconds(30));
        // A replay: partition 0 is a day ahead of partition 1 in event time.
        partial(MINUTE, "u1", 80);
        watermark("0_0", MINUTE.plus(Duration.ofDays(1)));
        assertThat(punctuate()).as("partition 1 has not passed the minute yet").isEmpty();

        partitionOneCatchesUpAndTheMinuteCloses();
    }

    /** Partition 1 sends its share of the minute and passes it: the minute closes once, with both shares. */
    private void partitionOneCatchesUpAndTheMinuteCloses() {
        partial(MINUTE, "u2", 60);
        watermark("0_1", MINUTE.plus(Duration.ofMinutes(2)));
        final List<WindowedMetric> out = punctuate();
        assertThat(out).extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + MINUTE);
        assertThat(out.get(0).getEvents()).as("both partitions' share").isEqualTo(2);
        assertThat(out.get(0).getLateEvents()).isZero();
        assertThat(out.get(0).getActiveLearners()).isEqualTo(2.0);
    }

    @Test
    void aReplayWhoseClockJumpsPastTheRetentionOfItsEarlyWindowsStillEmitsEachOfThemOnce() {
        // A replay from scratch: nothing closes until the learner partitions have reported, and
        // by then the roll-up's clock is weeks past the first minutes, beyond the 3 days a 5m
        // window and the 14 days an hour stay in the store.
        final long wall = MINUTE.plus(Duration.ofDays(30)).toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        partial(MINUTE.plus(Duration.ofMinutes(7)), "u2", 60);
        watermark("0_0", MINUTE.plus(Duration.ofDays(20)));
        final List<WindowedMetric> out = punctuate();
        final Instant day = Instant.parse("2025-03-10T00:00:00Z");
        assertThat(out).extracting(WindowedMetricsRestartTest::window).containsExactlyInAnyOrder(
                "1m@" + MINUTE, "1m@" + MINUTE.plus(Duration.ofMinutes(7)), "5m@" + MINUTE,
                "5m@" + MINUTE.plus(Duration.ofMinutes(5)), "1h@" + MINUTE, "1d@" + day);
        assertThat(out).filteredOn(m -> m.getWindowSize().equals("1h") || m.getWindowSize().equals("1d"))
                .allSatisfy(m -> {
                    assertThat(m.getEvents()).isEqualTo(2);
                    assertThat(m.getActiveLearners()).isEqualTo(2.0);
                    assertThat(m.getAverageScore()).isEqualTo(70.0);
                });
        assertThat(punctuate()).as("each once").isEmpty();
        // Then they expire as usual, the day (kept two years) excepted.
        for (final WindowSizes size : List.of(WindowSizes.ONE_MINUTE, WindowSizes.FIVE_MINUTES, WindowSizes.ONE_HOUR)) {
            assertThat(store.get(key(size, MINUTE))).as(size.label).isNull();
        }
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_DAY, day))).isTrue();
    }

    @Test
    void aPartialForAWindowAlreadyExpiredIsNotEmittedAgainOverItsFinalValue() {
        // A replay of history: the wall clock is days past the events.
        final long wall = MINUTE.plus(Duration.ofDays(3)).toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        assertThat(punctuate()).extracting(WindowedMetricsRestartTest::window)
                .containsExactly("1m@" + MINUTE);
        watermark("0_0", MINUTE.plus(Duration.ofDays(2)));
        punctuate();
        assertThat(store.get(key(WindowSizes.ONE_MINUTE, MINUTE))).as("expired").isNull();

        // A partition that was never heard from sends its share of that minute two days late.
        partial(MINUTE, "u2", 60);
        watermark("0_1", MINUTE.plus(Duration.ofDays(2)));
        assertThat(punctuate()).extracting(WindowedMetricsRestartTest::window)
                .doesNotContain("1m@" + MINUTE);
        assertThat(store.get(key(WindowSizes.ONE_MINUTE, MINUTE))).isNull();
    }

    @Test
    void aBusyPartitionsWatermarkWaitsForItsNextCommitButAQuietOnesMovesOnWithTheWallClock() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        partial(MINUTE, "u1", 80);
        // Just before the minute closes (end plus 30 s grace): the partition may hold more of it.
        watermark("0_0", MINUTE.plusSeconds(85));
        context.setCurrentSystemTimeMs(wall + 20_000);
        assertThat(punctuate()).as("20 s after its watermark the partition still counts as busy").isEmpty();

        partial(MINUTE, "u2", 60); // its next commit
        watermark("0_0", MINUTE.plusSeconds(86));
        context.setCurrentSystemTimeMs(wall + 20_000 + WindowedMetricsProcessor.QUIET_AFTER.toMillis() + 5_000);
        final List<WindowedMetric> out = punctuate();
        assertThat(out).as("quiet since: its clock moves on with the wall clock").extracting(WindowedMetricsRestartTest::window).containsExactly("1m@" + MINUTE);
        assertThat(out.get(0).getEvents()).isEqualTo(2);
    }

    @Test
    void aRestartedRollUpStillWaitsForTheLearnerPartitionsItKnew() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        watermark("0_0", MINUTE.minusSeconds(30));
        watermark("0_1", MINUTE.minusSeconds(30));

        start(wall + 1_000);
        partial(MINUTE, "u1", 80);
        watermark("0_0", MINUTE.plus(Duration.ofDays(1)));
        assertThat(punctuate()).as("partition 1, known from the store, has not passed the minute").isEmpty();

        partitionOneCatchesUpAndTheMinuteCloses();
    }
}
