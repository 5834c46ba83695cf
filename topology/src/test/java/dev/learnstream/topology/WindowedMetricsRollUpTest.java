package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.results.WindowedMetric;
import dev.learnstream.simulator.EventGenerator;
import dev.learnstream.simulator.SimEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Simulated history replayed faster than real time, with the wall clock moving in steps as in a
 * replay: every event is counted once in each window size. Minutes reach the roll-up at every
 * commit of stage 1 and the bigger windows when a minute closes, so a minute lost or rolled up
 * twice shows as a difference between the sizes.
 */
class WindowedMetricsRollUpTest {

    private final TopologyFixture fixture = new TopologyFixture("WindowedMetricsRollUpTest");

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void everyEventCountsOnceInEverySizeOfEveryDimension() {
        final EventGenerator generator = new EventGenerator(11, 60, TopologyFixture.WALL_START.minus(Duration.ofDays(3)));
        final TestOutputTopic<String, WindowedMetric> out = fixture.output(ResultTopics.WINDOWED_METRICS);
        final Map<String, long[]> totals = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            final SimEvent event = generator.next();
            fixture.send(event.topic(), event.key(), fixture.bytes(event.value()), event.time());
            if (i % 100 == 0) {
                fixture.driver.advanceWallClockTime(Duration.ofSeconds(6));
                add(out, totals);
            }
        }
        for (int i = 0; i < 4; i++) {
            fixture.driver.advanceWallClockTime(Duration.ofDays(1));
            add(out, totals);
        }

        for (final String dimension : new String[] {"all", "domain", "module"}) {
            final long[] minute = totals.get("1m/" + dimension);
            assertThat(minute[0]).as("events per minute of %s", dimension).isPositive();
            for (final String size : new String[] {"5m", "1h", "1d"}) {
                assertThat(totals.get(size + "/" + dimension)).as("events, quiz attempts, late events of %s/%s", size,
                        dimension).containsExactly(minute);
            }
        }
        assertThat(totals.get("1m/all")[1]).as("quiz attempts").isPositive();
    }

    private static void add(TestOutputTopic<String, WindowedMetric> out, Map<String, long[]> totals) {
        for (final KeyValue<String, WindowedMetric> record : out.readKeyValuesToList()) {
            assertThat(record.value.getFinal$()).isTrue();
            final long[] sum = totals.computeIfAbsent(record.value.getWindowSize() + "/" + record.value.getDimension(),
                    key -> new long[3]);
            sum[0] += record.value.getEvents();
            sum[1] += record.value.getQuizAttempts();
            sum[2] += record.value.getLateEvents();
        }
    }
}
