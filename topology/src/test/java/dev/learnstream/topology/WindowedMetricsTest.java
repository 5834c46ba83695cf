package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.aLogin;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.results.WindowPartial;
import dev.learnstream.results.WindowedMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WindowedMetricsTest {

    private static final Instant MINUTE = Instant.parse("2025-03-10T09:00:00Z");
    private final TopologyFixture fixture = new TopologyFixture("WindowedMetricsTest");

    @AfterEach
    void close() {
        fixture.close();
    }

    private static String key(WindowSizes size, String dimension, String value, Instant start) {
        return WindowedMetricsProcessor.key(size, dimension, value, start.toEpochMilli());
    }

    @Test
    void minutesCloseOnTheWallClockRollUpAndEmitAFinalValueOnce() {
        fixture.send(aQuiz().setUserId("u1").setScore(80).setOccurredAt(MINUTE.plusSeconds(10)).build());
        fixture.send(aQuiz().setUserId("u2").setScore(60).setOccurredAt(MINUTE.plusSeconds(20)).build());
        fixture.send(aLogin().setUserId("u3").setOccurredAt(MINUTE.plusSeconds(30)).build());
        assertThat(fixture.rawOutput(ResultTopics.WINDOWED_METRICS).isEmpty()).as("the minute is still open").isTrue();
        // Readable in progress as of the last commit, before the minute closes.
        final WindowPartial open = fixture.driver.<String, WindowPartial>getKeyValueStore(StoreNames.WINDOWED_METRICS)
                .get(key(WindowSizes.ONE_MINUTE, "all", "", MINUTE));
        assertThat(open.getEvents()).isEqualTo(3);
        assertThat(WindowedMetricsProcessor.closed(fixture.driver.<String, WindowPartial>getKeyValueStore(StoreNames.WINDOWED_METRICS),
                key(WindowSizes.ONE_MINUTE, "all", "", MINUTE))).isFalse();
        assertThat(WindowedMetricsProcessor.metric(WindowSizes.ONE_MINUTE, open, false).getActiveLearners()).isEqualTo(3.0);

        // No more events: the wall clock alone closes the minute (sparse traffic).
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(10));
        final List<KeyValue<String, WindowedMetric>> out = fixture.<WindowedMetric>output(ResultTopics.WINDOWED_METRICS)
                .readKeyValuesToList();

        final String minuteAll = key(WindowSizes.ONE_MINUTE, "all", "", MINUTE);
        // Only closed windows are emitted, each once; the bigger windows are still open.
        assertThat(out).allSatisfy(kv -> {
            assertThat(kv.value.getFinal$()).isTrue();
            assertThat(kv.value.getWindowSize()).isEqualTo("1m");
        });
        assertThat(out).extracting(kv -> kv.key).containsExactlyInAnyOrder(minuteAll,
                key(WindowSizes.ONE_MINUTE, "domain", "dsa", MINUTE), key(WindowSizes.ONE_MINUTE, "module", "dsa-arrays", MINUTE));
        final WindowedMetric closed = out.stream().filter(kv -> kv.key.equals(minuteAll)).findFirst().orElseThrow().value;
        assertThat(closed.getEvents()).isEqualTo(3);
        assertThat(closed.getEventsByType()).containsEntry("ModuleQuizCompleted", 2L).containsEntry("UserLogin", 1L);
        assertThat(closed.getActiveLearners()).isEqualTo(3.0);
        assertThat(closed.getQuizAttempts()).isEqualTo(2);
        assertThat(closed.getAverageScore()).isEqualTo(70.0);
        assertThat(closed.getP50Score()).isIn(60.0, 80.0);
        assertThat(closed.getP90Score()).isEqualTo(80.0);
        assertThat(closed.getFailureRate()).isEqualTo(0.5);
        assertThat(closed.getWindowEnd()).isEqualTo(MINUTE.plusSeconds(60));

        // The closed minute is in its open 5m window; the hour and the day take in 5m windows
        // only, once those close.
        final KeyValueStore<String, WindowPartial> store = fixture.driver.getKeyValueStore(StoreNames.WINDOWED_METRICS);
        final WindowPartial moduleFive = store.get(key(WindowSizes.FIVE_MINUTES, "module", "dsa-arrays", MINUTE));
        assertThat(moduleFive.getQuizAttempts()).isEqualTo(2);
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.FIVE_MINUTES, "module", "dsa-arrays", MINUTE))).isFalse();
        final Instant day = Instant.parse("2025-03-10T00:00:00Z");
        assertThat(store.get(key(WindowSizes.ONE_DAY, "module", "dsa-arrays", day))).isNull();

        // The 5m window closes a minute after its end and goes into the hour and the day.
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(4));
        final List<KeyValue<String, WindowedMetric>> fives = fixture.<WindowedMetric>output(ResultTopics.WINDOWED_METRICS)
                .readKeyValuesToList();
        assertThat(fives).extracting(kv -> kv.key).containsExactlyInAnyOrder(key(WindowSizes.FIVE_MINUTES, "all", "", MINUTE),
                key(WindowSizes.FIVE_MINUTES, "domain", "dsa", MINUTE),
                key(WindowSizes.FIVE_MINUTES, "module", "dsa-arrays", MINUTE));
        assertThat(fives).allSatisfy(kv -> assertThat(kv.value.getEvents()).isEqualTo(kv.key.contains("all") ? 3 : 2));
        final WindowPartial moduleDay = store.get(key(WindowSizes.ONE_DAY, "module", "dsa-arrays", day));
        final WindowedMetric inProgress = WindowedMetricsProcessor.metric(WindowSizes.ONE_DAY, moduleDay, false);
        assertThat(inProgress.getQuizAttempts()).isEqualTo(2);
        assertThat(inProgress.getActiveLearners()).isEqualTo(2.0);
        assertThat(inProgress.getP90Score()).isEqualTo(80.0);
        final WindowPartial domainHour = store.get(key(WindowSizes.ONE_HOUR, "domain", "dsa", MINUTE));
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_HOUR, "domain", "dsa", MINUTE))).isFalse();
        assertThat(domainHour.getEvents()).isEqualTo(2);

        // Later scans do not emit the closed minute again.
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertThat(fixture.<WindowedMetric>output(ResultTopics.WINDOWED_METRICS).readKeyValuesToList())
                .noneMatch(kv -> kv.key.equals(minuteAll));
    }

    @Test
    void anEventLateForItsMinuteGoesToTheLateTopicAndStillCountsInOpenBiggerWindows() {
        fixture.send(aQuiz().setUserId("u1").setOccurredAt(MINUTE.plusSeconds(10)).build());
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(10));
        fixture.rawOutput(ResultTopics.WINDOWED_METRICS).readRecordsToList();

        fixture.send(aQuiz().setUserId("u9").setOccurredAt(MINUTE.plusSeconds(40)).build());

        assertThat(fixture.rawOutput(ResultTopics.LATE_EVENTS).readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("u9");
        assertThat(fixture.rawOutput(ResultTopics.WINDOWED_METRICS).isEmpty()).as("a closed window is not re-emitted").isTrue();
        final KeyValueStore<String, WindowPartial> store = fixture.driver.getKeyValueStore(StoreNames.WINDOWED_METRICS);
        final WindowPartial fiveMinutes = store.get(key(WindowSizes.FIVE_MINUTES, "all", "", MINUTE));
        assertThat(fiveMinutes.getEvents()).isEqualTo(2);
        assertThat(WindowSketches.learners(WindowSketches.bytes(fiveMinutes.getLearners()))).isEqualTo(2.0);
        assertThat(fiveMinutes.getLateEvents()).isZero();
        final WindowPartial minute = store.get(key(WindowSizes.ONE_MINUTE, "all", "", MINUTE));
        assertThat(WindowedMetricsProcessor.closed(store, key(WindowSizes.ONE_MINUTE, "all", "", MINUTE))).isTrue();
        assertThat(minute.getEvents()).isEqualTo(1);
        assertThat(minute.getLateEvents()).isEqualTo(1);
    }

    @Test
    void anEventLateForItsMinuteAndItsFiveMinutesCountsLateInBothAndStillInItsOpenHourAndDay() {
        fixture.send(aQuiz().setUserId("u1").setOccurredAt(MINUTE.plusSeconds(10)).build());
        // Past the 5m window's close (its end plus a minute); the hour closes 5 minutes after its end.
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(fixture.<WindowedMetric>output(ResultTopics.WINDOWED_METRICS).readKeyValuesToList())
                .extracting(kv -> kv.value.getWindowSize()).containsOnly("1m", "5m").contains("5m");

        fixture.send(aQuiz().setUserId("u9").setOccurredAt(MINUTE.plusSeconds(40)).build());

        assertThat(fixture.rawOutput(ResultTopics.LATE_EVENTS).readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("u9");
        assertThat(fixture.rawOutput(ResultTopics.WINDOWED_METRICS).isEmpty()).as("closed windows are not re-emitted").isTrue();
        final KeyValueStore<String, WindowPartial> store = fixture.driver.getKeyValueStore(StoreNames.WINDOWED_METRICS);
        for (final WindowSizes closed : List.of(WindowSizes.ONE_MINUTE, WindowSizes.FIVE_MINUTES)) {
            final WindowPartial window = store.get(key(closed, "all", "", MINUTE));
            assertThat(WindowedMetricsProcessor.closed(store, key(closed, "all", "", MINUTE))).as(closed.label).isTrue();
            assertThat(window.getEvents()).as(closed.label).isEqualTo(1);
            assertThat(window.getLateEvents()).as(closed.label).isEqualTo(1);
        }
        final WindowPartial hour = store.get(key(WindowSizes.ONE_HOUR, "all", "", MINUTE));
        final WindowPartial day = store.get(key(WindowSizes.ONE_DAY, "all", "", Instant.parse("2025-03-10T00:00:00Z")));
        assertThat(WindowedMetricsProcessor.closed(hour, WindowedMetricsProcessor.closedThrough(store))).isFalse();
        assertThat(WindowedMetricsProcessor.closed(day, WindowedMetricsProcessor.closedThrough(store))).isFalse();
        for (final WindowPartial open : List.of(hour, day)) {
            assertThat(open.getEvents()).isEqualTo(2);
            assertThat(open.getLateEvents()).as("late for its minute, not for the hour or the day").isZero();
            assertThat(WindowSketches.learners(WindowSketches.bytes(open.getLearners()))).isEqualTo(2.0);
        }
    }

    @Test
    void anEventStampedAheadOfTheWallClockDoesNotCloseTheOpenMinutesEarly() {
        final Instant lastMinute = TopologyFixture.WALL_START.minusSeconds(60);
        fixture.send(aQuiz().setUserId("u1").setOccurredAt(lastMinute.plusSeconds(40)).build());
        // Valid (the rules allow a day ahead), counted in its own future minute; but "now" for the
        // partition stays the wall clock, so the minute before it is still open for u2.
        fixture.send(aQuiz().setUserId("u-ahead").setOccurredAt(TopologyFixture.WALL_START.plus(Duration.ofHours(12))).build());
        fixture.send(aQuiz().setUserId("u2").setOccurredAt(lastMinute.plusSeconds(50)).build());

        assertThat(fixture.rawOutput(ResultTopics.LATE_EVENTS).readKeyValuesToList()).as("nothing is late").isEmpty();
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        final List<KeyValue<String, WindowedMetric>> out = fixture.<WindowedMetric>output(ResultTopics.WINDOWED_METRICS)
                .readKeyValuesToList();
        final String minuteAll = key(WindowSizes.ONE_MINUTE, "all", "", lastMinute);
        assertThat(out).extracting(kv -> kv.key).contains(minuteAll)
                .doesNotContain(key(WindowSizes.ONE_MINUTE, "all", "", TopologyFixture.WALL_START.plus(Duration.ofHours(12))));
        final WindowedMetric closed = out.stream().filter(kv -> kv.key.equals(minuteAll)).findFirst().orElseThrow().value;
        assertThat(closed.getEvents()).isEqualTo(2);
        assertThat(closed.getLateEvents()).isZero();
        final WindowPartial ahead = fixture.driver.<String, WindowPartial>getKeyValueStore(StoreNames.WINDOWED_METRICS)
                .get(key(WindowSizes.ONE_MINUTE, "all", "", TopologyFixture.WALL_START.plus(Duration.ofHours(12))));
        assertThat(ahead.getEvents()).isEqualTo(1);
        assertThat(WindowedMetricsProcessor.closed(ahead, WindowedMetricsProcessor.closedThrough(
                fixture.driver.<String, WindowPartial>getKeyValueStore(StoreNames.WINDOWED_METRICS)))).isFalse();
    }
}
