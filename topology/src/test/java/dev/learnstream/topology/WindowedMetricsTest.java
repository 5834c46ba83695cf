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

        // No more events: the wall clock alone closes the minute (sparse traffic).
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(10));
        final List<KeyValue<String, WindowedMetric>> out = fixture.<WindowedMetric>output(ResultTopics.WINDOWED_METRICS)
                .readKeyValuesToList();

        final String minuteAll = key(WindowSizes.ONE_MINUTE, "all", "", MINUTE);
        final List<WindowedMetric> minuteUpdates = out.stream().filter(kv -> kv.key.equals(minuteAll)).map(kv -> kv.value).toList();
        assertThat(minuteUpdates).extracting(WindowedMetric::getFinal$).containsExactly(false, true);
        final WindowedMetric closed = minuteUpdates.get(1);
        assertThat(closed.getEvents()).isEqualTo(3);
        assertThat(closed.getEventsByType()).containsEntry("ModuleQuizCompleted", 2L).containsEntry("UserLogin", 1L);
        assertThat(closed.getActiveLearners()).isEqualTo(3.0);
        assertThat(closed.getQuizAttempts()).isEqualTo(2);
        assertThat(closed.getAverageScore()).isEqualTo(70.0);
        assertThat(closed.getP50Score()).isIn(60.0, 80.0);
        assertThat(closed.getP90Score()).isEqualTo(80.0);
        assertThat(closed.getFailureRate()).isEqualTo(0.5);
        assertThat(closed.getWindowEnd()).isEqualTo(MINUTE.plusSeconds(60));

        final String moduleDay = key(WindowSizes.ONE_DAY, "module", "dsa-arrays", Instant.parse("2025-03-10T00:00:00Z"));
        assertThat(out).filteredOn(kv -> kv.key.equals(moduleDay)).singleElement().satisfies(kv -> {
            assertThat(kv.value.getFinal$()).isFalse();
            assertThat(kv.value.getQuizAttempts()).isEqualTo(2);
            assertThat(kv.value.getActiveLearners()).isEqualTo(2.0);
        });
        assertThat(out).extracting(kv -> kv.key).contains(key(WindowSizes.ONE_HOUR, "domain", "dsa", MINUTE));

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
        final List<KeyValue<String, WindowedMetric>> out = fixture.<WindowedMetric>output(ResultTopics.WINDOWED_METRICS)
                .readKeyValuesToList();
        assertThat(out).noneMatch(kv -> kv.key.equals(key(WindowSizes.ONE_MINUTE, "all", "", MINUTE)));
        assertThat(out).filteredOn(kv -> kv.key.equals(key(WindowSizes.FIVE_MINUTES, "all", "", MINUTE)))
                .singleElement().satisfies(kv -> {
                    assertThat(kv.value.getEvents()).isEqualTo(2);
                    assertThat(kv.value.getActiveLearners()).isEqualTo(2.0);
                    assertThat(kv.value.getLateEvents()).isZero();
                });
        final KeyValueStore<String, WindowPartial> store = fixture.driver.getKeyValueStore(StoreNames.WINDOWED_METRICS);
        final WindowPartial minute = store.get(key(WindowSizes.ONE_MINUTE, "all", "", MINUTE));
        assertThat(minute.getClosed()).isTrue();
        assertThat(minute.getEvents()).isEqualTo(1);
        assertThat(minute.getLateEvents()).isEqualTo(1);
    }
}
