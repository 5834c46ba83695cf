package dev.learnstream.topology;

import dev.learnstream.results.WindowPartial;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 1 of the windowed metrics, on the learner's own partition: one-minute partials per
 * dimension (all, domain, module) in store {@value StoreNames#WINDOW_PARTIALS}, keyed by
 * zero-padded minute start so closing is a range scan. Each partial carries its own HLL (learners)
 * and KLL (scores) sketches: a minute on one partition holds few learners, so the sketches stay
 * small, and the record cache writes a partial to the changelog at most once per commit however
 * many events it counts. A wall-clock punctuator closes minutes once the {@link EffectiveClock}
 * passes their end plus grace, even on a quiet partition, and forwards them (keyed
 * {@code dimension␟value}) for the roll-up. An event whose minute has already closed is forwarded
 * as it is (for the late-events topic) and as a one-event partial marked late.
 */
final class WindowPartialsProcessor implements ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> {

    static final String ALL = "all";
    static final String DOMAIN = "domain";
    static final String MODULE = "module";
    private static final WindowSizes MINUTE = WindowSizes.ONE_MINUTE;

    private final Map<String, ?> serdeConfig;
    private final Duration scanEvery;

    WindowPartialsProcessor(Map<String, ?> serdeConfig, Duration scanEvery) {
        this.serdeConfig = serdeConfig;
        this.scanEvery = scanEvery;
    }

    static String partialKey(long minuteStart, String dimension, String value) {
        return Keys.of(Keys.time(minuteStart), dimension, value);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.WINDOW_PARTIALS),
                        Serdes.String(), AvroSerdes.avro(serdeConfig, WindowPartial.class)).withCachingEnabled());
    }

    @Override
    public Processor<String, SpecificRecord, String, SpecificRecord> get() {
        return new Processor<>() {
            private ProcessorContext<String, SpecificRecord> context;
            private KeyValueStore<String, WindowPartial> partials;
            private CourseCatalogTopology.Lookup catalog;
            private final EffectiveClock clock = new EffectiveClock();

            @Override
            public void init(ProcessorContext<String, SpecificRecord> context) {
                this.context = context;
                this.partials = context.getStateStore(StoreNames.WINDOW_PARTIALS);
                this.catalog = new CourseCatalogTopology.Lookup(context.getStateStore(StoreNames.COURSE_CATALOG));
                context.schedule(scanEvery, PunctuationType.WALL_CLOCK_TIME, this::closeMinutes);
            }

            @Override
            public void process(Record<String, SpecificRecord> record) {
                final Activity activity = Activity.of(record.value(), catalog);
                if (activity == null) {
                    return;
                }
                final long wall = context.currentSystemTimeMs();
                final long now = clock.now(wall);
                clock.observe(record.timestamp(), wall);
                final long minute = MINUTE.start(record.timestamp());
                final boolean late = now != EffectiveClock.UNKNOWN && MINUTE.closesAt(minute) <= now;
                if (late) {
                    context.forward(record);
                }
                for (final String[] dimension : dimensions(activity)) {
                    final String key = partialKey(minute, dimension[0], dimension[1]);
                    final WindowPartial partial = late ? empty(minute, dimension) : orEmpty(partials.get(key), minute, dimension);
                    count(partial, activity);
                    if (late) {
                        partial.setLateEvents(1L);
                        context.forward(new Record<>(Keys.of(dimension[0], dimension[1]), partial, record.timestamp()));
                    } else {
                        partials.put(key, partial);
                    }
                }
            }

            private void closeMinutes(long wallNow) {
                final long now = clock.now(wallNow);
                if (now == EffectiveClock.UNKNOWN) {
                    return;
                }
                // Minutes whose close time has passed: start <= now - size - grace.
                final String upTo = partialKey(now - MINUTE.sizeMs - MINUTE.graceMs + 1, "", "");
                for (final KeyValue<String, WindowPartial> entry : StoreScans.list(partials.range("", upTo))) {
                    partials.delete(entry.key);
                    final WindowPartial partial = entry.value;
                    context.forward(new Record<>(Keys.of(partial.getDimension(), partial.getDimensionValue()), partial,
                            partial.getWindowStart().toEpochMilli()));
                }
            }
        };
    }

    private static boolean isScored(Activity activity) {
        return activity.kind().isQuiz() && activity.score() != null;
    }

    static List<String[]> dimensions(Activity activity) {
        final List<String[]> dimensions = new ArrayList<>(3);
        dimensions.add(new String[] {ALL, ""});
        if (activity.domain() != null) {
            dimensions.add(new String[] {DOMAIN, activity.domain()});
        }
        if (activity.moduleId() != null) {
            dimensions.add(new String[] {MODULE, activity.moduleId()});
        }
        return dimensions;
    }

    private static WindowPartial orEmpty(WindowPartial partial, long minute, String[] dimension) {
        return partial != null ? partial : empty(minute, dimension);
    }

    static WindowPartial empty(long start, String[] dimension) {
        return new WindowPartial(dimension[0], dimension[1], MINUTE.label, Instant.ofEpochMilli(start), 0L,
                new HashMap<>(), 0L, 0L, 0.0, WindowSketches.empty(), WindowSketches.empty(), 0L, false);
    }


    private static void count(WindowPartial partial, Activity activity) {
        partial.setEvents(partial.getEvents() + 1);
        partial.getEventsByType().merge(activity.event().getSchema().getName(), 1L, Long::sum);
        partial.setLearners(ByteBuffer.wrap(WindowSketches.addLearner(WindowSketches.bytes(partial.getLearners()),
                activity.userId())));
        if (isScored(activity)) {
            partial.setQuizAttempts(partial.getQuizAttempts() + 1);
            partial.setFailures(partial.getFailures() + (activity.score() < 70 ? 1 : 0));
            partial.setScoreSum(partial.getScoreSum() + activity.score());
            partial.setScores(ByteBuffer.wrap(WindowSketches.addScore(WindowSketches.bytes(partial.getScores()),
                    activity.score())));
        }
    }
}
