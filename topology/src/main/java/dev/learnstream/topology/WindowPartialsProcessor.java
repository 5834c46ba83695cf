package dev.learnstream.topology;

import dev.learnstream.results.WindowPartial;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Stage 1 of the windowed metrics, on the learner's own partition: one-minute partials per
 * dimension (all, domain, module), aggregated in memory between two commits and forwarded (keyed
 * {@code dimension␟value}, stamped with this task's {@link EffectiveClock} time) for the roll-up
 * at every commit, through a {@link CommitBuffer}. The partials need no store of their own: they
 * leave inside the same transaction as the input that made them, so a crash loses nothing and
 * counts nothing twice, and the roll-up sees in-progress minutes at every commit instead of
 * after each minute's grace. Each partial carries its own HLL (learners) and KLL (scores) sketches,
 * which merge across partitions and window sizes. An event whose minute has already closed on this
 * task's clock is forwarded as it is (for the late-events topic) and as a one-event partial
 * marked late.
 *
 * <p>After its partials, a commit forwards this task's <em>watermark</em> (its clock), which
 * the repartition sends to every roll-up partition ({@link #TO_ALL_PARTITIONS}). A roll-up task
 * closes a minute only once every learner partition's watermark has passed it: in a replay the
 * learner partitions run through event time at their own pace, and a roll-up that followed the
 * fastest one would close minutes before the others had sent their share of them.
 */
final class WindowPartialsProcessor implements ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> {

    static final String ALL = "all";
    static final String DOMAIN = "domain";
    static final String MODULE = "module";
    private static final WindowSizes MINUTE = WindowSizes.ONE_MINUTE;

    /** The dimension of a watermark record; its value is the learner partition's task. */
    static final String WATERMARK = "~watermark";
    /** Wall-clock time between two watermarks of a learner partition, at most one per commit. */
    static final Duration WATERMARK_EVERY = Duration.ofSeconds(1);

    /** Partials by their key's hash, as any record; watermarks to every partition. */
    static final StreamPartitioner<String, WindowPartial> TO_ALL_PARTITIONS = (topic, key, value, partitions) ->
            isWatermark(value)
                    ? Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()))
                    : Optional.empty();

    /** A watermark: learner partition {@code task} has seen (or waited) up to {@code time}. */
    static WindowPartial watermark(String task, long time) {
        return empty(time, new String[] {WATERMARK, task});
    }

    static boolean isWatermark(WindowPartial partial) {
        return WATERMARK.equals(partial.getDimension());
    }

    static String partialKey(long minuteStart, String dimension, String value) {
        return Keys.of(Keys.time(minuteStart), dimension, value);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(CommitBuffer.builder(StoreNames.WINDOW_PARTIALS));
    }

    /** A minute of one dimension since the last commit, its sketches kept as objects until it leaves. */
    private static final class Open {
        private final WindowPartial partial;
        private final WindowSketches.Learners learners = new WindowSketches.Learners();
        private final WindowSketches.Scores scores = new WindowSketches.Scores();

        Open(long minute, String[] dimension) {
            this.partial = empty(minute, dimension);
        }

        void count(Activity activity) {
            partial.setEvents(partial.getEvents() + 1);
            partial.getEventsByType().merge(activity.event().getSchema().getName(), 1L, Long::sum);
            learners.add(activity.userId());
            if (isScored(activity)) {
                partial.setQuizAttempts(partial.getQuizAttempts() + 1);
                partial.setFailures(partial.getFailures() + (activity.score() < 70 ? 1 : 0));
                partial.setScoreSum(partial.getScoreSum() + activity.score());
                scores.add(activity.score());
            }
        }

        /** The partial as it leaves the task, its sketches as bytes. */
        WindowPartial sealed() {
            partial.setLearners(ByteBuffer.wrap(learners.bytes()));
            partial.setScores(ByteBuffer.wrap(scores.bytes()));
            return partial;
        }
    }

    @Override
    public Processor<String, SpecificRecord, String, SpecificRecord> get() {
        return new Processor<>() {
            private ProcessorContext<String, SpecificRecord> context;
            private CourseCatalogTopology.Lookup catalog;
            private final EffectiveClock clock = new EffectiveClock();
            private final Map<String, Open> open = new HashMap<>();
            private long watermarkSent = Long.MIN_VALUE;
            private long watermarkSentAt = Long.MIN_VALUE / 2;
            /** Events seen since the last watermark went out. */
            private boolean unannounced;

            @Override
            public void init(ProcessorContext<String, SpecificRecord> context) {
                this.context = context;
                // A revived task processes its uncommitted input again: what was buffered is dropped.
                open.clear();
                watermarkSent = Long.MIN_VALUE;
                watermarkSentAt = Long.MIN_VALUE / 2;
                unannounced = false;
                this.catalog = new CourseCatalogTopology.Lookup(context.getStateStore(StoreNames.COURSE_CATALOG));
                CommitBuffer.onCommit(context.getStateStore(StoreNames.WINDOW_PARTIALS), context, () -> forward(false));
                // A watermark held back by the rate limit must still go out when the partition falls
                // quiet: in a replay its last second can stand for hours of history.
                context.schedule(WATERMARK_EVERY, PunctuationType.WALL_CLOCK_TIME, wall -> {
                    if (unannounced) {
                        forward(true);
                    }
                });
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
                unannounced = true;
                final long minute = MINUTE.start(record.timestamp());
                final boolean late = now != EffectiveClock.UNKNOWN && MINUTE.closesAt(minute) <= now;
                if (late) {
                    context.forward(record);
                }
                for (final String[] dimension : dimensions(activity)) {
                    if (late) {
                        final Open one = new Open(minute, dimension);
                        one.count(activity);
                        final WindowPartial partial = one.sealed();
                        partial.setLateEvents(1L);
                        context.forward(new Record<>(Keys.of(dimension[0], dimension[1]), partial, record.timestamp()));
                    } else {
                        open.computeIfAbsent(partialKey(minute, dimension[0], dimension[1]), key -> new Open(minute, dimension))
                                .count(activity);
                    }
                }
            }

            /**
             * At every commit, and from the punctuator: every partial since the last commit leaves,
             * stamped with this task's clock, then the watermark that says so: at most once per
             * {@link #WATERMARK_EVERY}, or at once when {@code announce}.
             */
            private void forward(boolean announce) {
                final long now = clock.now(context.currentSystemTimeMs());
                if (now == EffectiveClock.UNKNOWN) {
                    return; // No event yet: nothing buffered, nothing to vouch for.
                }
                for (final Open minute : open.values()) {
                    final WindowPartial partial = minute.sealed();
                    context.forward(new Record<>(Keys.of(partial.getDimension(), partial.getDimensionValue()), partial,
                            now));
                }
                open.clear();
                // Every learner partition's watermark goes to every roll-up partition: at most once
                // per WATERMARK_EVERY, not at every commit (100 ms under exactly-once by default),
                // and only when it has moved. The roll-up closes windows every few seconds anyway.
                final long wall = context.currentSystemTimeMs();
                if (now > watermarkSent && (announce || wall - watermarkSentAt >= WATERMARK_EVERY.toMillis())) {
                    final String task = context.taskId().toString();
                    context.forward(new Record<>(Keys.of(WATERMARK, task), watermark(task, now), now));
                    watermarkSent = now;
                    watermarkSentAt = wall;
                    unannounced = false;
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

    static WindowPartial empty(long start, String[] dimension) {
        return new WindowPartial(dimension[0], dimension[1], MINUTE.label, Instant.ofEpochMilli(start), 0L,
                new HashMap<>(), 0L, 0L, 0.0, WindowSketches.empty(), WindowSketches.empty(), 0L, false, false);
    }
}
