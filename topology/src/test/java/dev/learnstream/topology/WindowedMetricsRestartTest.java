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
 * holds windows, restored from the changelog.
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

    /** A fresh processor and context over the same store: a new process after the store's restore. */
    private void start(long wallMs) {
        context = new MockProcessorContext<>();
        if (!store.isOpen()) {
            store.init(context.getStateStoreContext(), store);
        }
        context.addStateStore(store);
        context.setCurrentSystemTimeMs(wallMs);
        processor = supplier.get();
        processor.init(context);
    }

    /**
     * A minute from stage 1 with one quiz of {@code score} by {@code user}, stamped as stage 1
     * stamps it: with its task's clock, here two minutes on, past the minute's close.
     */
    private void minute(Instant start, String user, double score) {
        final WindowPartial partial = WindowPartialsProcessor.empty(start.toEpochMilli(), new String[] {"all", ""});
        partial.setEvents(1L);
        partial.setQuizAttempts(1L);
        partial.setScoreSum(score);
        final WindowSketches.Learners learners = new WindowSketches.Learners();
        learners.add(user);
        final WindowSketches.Scores scores = new WindowSketches.Scores();
        scores.add(score);
        partial.setLearners(java.nio.ByteBuffer.wrap(learners.bytes()));
        partial.setScores(java.nio.ByteBuffer.wrap(scores.bytes()));
        processor.process(new Record<>("all", partial, start.plus(Duration.ofMinutes(2)).toEpochMilli()));
    }

    private List<WindowedMetric> punctuate() {
        context.resetForwards();
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(context.currentSystemTimeMs()));
        return context.forwarded().stream().map(f -> f.record().value()).map(WindowedMetric.class::cast).toList();
    }

    private static String key(WindowSizes size, Instant start) {
        return WindowedMetricsProcessor.key(size, "all", "", start.toEpochMilli());
    }

    @Test
    void windowsOpenAtARestartCloseOnceAndClosedOnesAreNotEmittedAgain() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        assertThat(punctuate()).extracting(m -> m.getWindowSize() + "@" + m.getWindowStart())
                .containsExactly("1m@" + MINUTE);

        start(wall + 60_000);
        assertThat(punctuate()).as("nothing is due before the clock is known again").isEmpty();
        final Instant later = MINUTE.plus(Duration.ofMinutes(10));
        minute(later, "u2", 60);
        final List<WindowedMetric> out = punctuate();
        assertThat(out).extracting(m -> m.getWindowSize() + "@" + m.getWindowStart())
                .containsExactlyInAnyOrder("5m@" + MINUTE, "1m@" + later);
        final WindowedMetric fiveMinutes = out.stream().filter(m -> m.getWindowSize().equals("5m")).findFirst()
                .orElseThrow();
        assertThat(fiveMinutes.getFinal$()).isTrue();
        assertThat(fiveMinutes.getEvents()).isEqualTo(1);
        assertThat(fiveMinutes.getAverageScore()).isEqualTo(80.0);
        assertThat(punctuate()).as("each window is final once").isEmpty();
    }

    @Test
    void closedWindowsStillExpireAfterARestart() {
        final long wall = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli();
        start(wall);
        minute(MINUTE, "u1", 80);
        punctuate();
        assertThat(store.get(key(WindowSizes.ONE_MINUTE, MINUTE)).getClosed()).isTrue();

        // Restarted a day later: a task's clock never runs ahead of the wall clock.
        final Instant nextDay = MINUTE.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(2));
        start(nextDay.plus(Duration.ofMinutes(3)).toEpochMilli());
        minute(nextDay, "u2", 90);
        punctuate();
        assertThat(store.get(key(WindowSizes.ONE_MINUTE, MINUTE))).as("past the minute's one-day retention").isNull();
        assertThat(store.get(key(WindowSizes.FIVE_MINUTES, MINUTE))).as("five minutes are kept three days")
                .isNotNull();
        assertThat(store.get(key(WindowSizes.ONE_HOUR, MINUTE)).getClosed()).isTrue();
    }
}
