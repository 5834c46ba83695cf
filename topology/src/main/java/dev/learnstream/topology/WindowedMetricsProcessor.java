package dev.learnstream.topology;

import dev.learnstream.results.WindowPartial;
import dev.learnstream.results.WindowedMetric;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Stage 2 of the windowed metrics, keyed by dimension: rolls the one-minute partials of every
 * partition up into 1m, 5m, 1h and 1d windows (sketch unions) in store
 * {@value StoreNames#WINDOWED_METRICS}, keyed {@code size␟dimension␟value␟start}. Partials go into
 * their minute, readable in progress as of stage 1's last commit; a minute goes into its 5m window
 * when it closes, a 5m window into its 1h and 1d windows when it closes (so an hour or a day in
 * progress shows its closed five-minute windows, up to about six minutes behind). When a window's
 * end plus grace passes it is emitted once, with {@code final=true}. Partials arriving after that
 * count as late events of the window (and go on into the bigger windows it rolls into). Closed
 * windows leave the store after a retention per size.
 *
 * <p>Which windows have closed is kept as one mark per task ({@link #CLOSED_THROUGH}): every window
 * closing before it has closed. Windows close in time order, so a scan moves the mark past what it
 * closed and writes it once, where a flag in each window would rewrite (and log) every window once
 * more. The one window the mark cannot speak for is one made after the mark passed its close time
 * (a learner partition's late share of a window nobody else had opened): it is marked
 * {@code madeLate} and closes by its own {@code closed} flag.
 *
 * <p>What is due when (open windows by close time, closed ones by expiry) is an index in memory,
 * scanned by a wall-clock punctuator, beside the set of window keys in the store (a partial for a
 * window not there opens it without reading the store). Neither is a store of its own: both are
 * fully derived from {@value StoreNames#WINDOWED_METRICS}. {@code init} rebuilds them from the
 * store, which Kafka Streams has restored by then, and runs again whenever the task is revived
 * after a failure. A logged index would write two more changelog records per window and per expiry
 * for nothing.
 *
 * <p>"Now" is the slowest learner partition's watermark (see {@link WindowPartialsProcessor}),
 * each moved on by the wall-clock time since it arrived once it is {@link #QUIET_AFTER} old, so a
 * quiet partition does not hold the windows open. The watermarks are kept in the store too ({@code ~watermark␟task}), so a
 * restarted task knows at once which partitions it waits for. Partitions it has not heard from
 * yet cannot be waited for: on a first start (no watermark in the store, as in a replay from
 * scratch) nothing closes for {@link #SETTLE} of wall-clock time, long enough for every busy
 * learner partition to commit once, or until as many learner partitions as
 * {@link WindowedMetricsTopology#LEARNER_PARTITIONS_CONFIG} says there are have reported.
 *
 * <p>Windows close as soon as a watermark makes them due, and at a wall-clock scan for the
 * partitions gone quiet. A window closed while still in the decoded cache is not read back from
 * RocksDB: in a replay, waiting for the next scan (or half a minute on a first start) left tens of
 * thousands of windows open per task, more than the cache holds. (The windows open at once are
 * still about a second of the fastest learner partition's minutes, which it can run a day of event
 * time ahead of the slowest; a cache four times larger for them halved the reads again but cost
 * more in garbage collection than it saved.)
 */
final class WindowedMetricsProcessor implements ProcessorSupplier<String, WindowPartial, String, WindowedMetric> {

    /** The task name the mark's row gives, as a watermark would (no learner partition is named so). */
    private static final String CLOSED_TASK = "~closed";
    /**
     * Key of the closed-through mark in the store. Its row is shaped as a learner partition's
     * watermark (task {@value #CLOSED_TASK}, the mark as its time), so that an earlier version
     * taking over the task during a rolling upgrade reads it as one more partition to wait for,
     * not as a window to emit.
     */
    static final String CLOSED_THROUGH = Keys.of(WindowPartialsProcessor.WATERMARK, CLOSED_TASK);
    private static final String CLOSE = "close";
    private static final String EXPIRE = "expire";
    /** Wall-clock time after a first {@code init} before anything closes (see the class comment). */
    static final Duration SETTLE = Duration.ofSeconds(30);
    /**
     * A learner partition's watermark moves on with the wall clock only once it has been silent
     * this long. A busy partition holds minutes it has counted since its last watermark until its
     * next commit; moving its watermark on at once would close those minutes before they arrive.
     * Commit intervals up to this long (a minute's grace) are safe.
     */
    static final Duration QUIET_AFTER = Duration.ofMillis(WindowSizes.ONE_MINUTE.graceMs);
    /** How often a learner partition's latest watermark is written to the store. */
    static final Duration KEEP_WATERMARK_EVERY = Duration.ofMinutes(1);

    /**
     * Wall-clock time one scan may spend closing windows; what is left goes on
     * {@link #CATCH_UP_AFTER} later, after a commit.
     * Under exactly-once a scan's output is one transaction, which the broker aborts after 10 s
     * (the producer's transaction timeout): a replay from scratch can make hundreds of thousands
     * of windows due at once, and one scan closing them all was seen to take longer than that,
     * fencing the task and starting its work over.
     */
    static final Duration CLOSE_BUDGET = Duration.ofSeconds(2);
    /** How soon a scan that ran out of time goes on (after a commit), instead of at the next scan. */
    static final Duration CATCH_UP_AFTER = Duration.ofMillis(250);

    private final Map<String, ?> serdeConfig;
    private final Duration scanEvery;
    private final Duration closeBudget;

    WindowedMetricsProcessor(Map<String, ?> serdeConfig, Duration scanEvery) {
        this(serdeConfig, scanEvery, CLOSE_BUDGET);
    }

    /** {@code closeBudget}: see {@link #CLOSE_BUDGET}; at least one window closes per scan whatever it is. */
    WindowedMetricsProcessor(Map<String, ?> serdeConfig, Duration scanEvery, Duration closeBudget) {
        this.serdeConfig = serdeConfig;
        this.scanEvery = scanEvery;
        this.closeBudget = closeBudget;
    }

    static String key(WindowSizes size, String dimension, String value, long start) {
        return Keys.of(size.label, dimension, value, Keys.time(start));
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(
                DecodedStore.persistent(StoreNames.WINDOWED_METRICS, AvroSerdes.avro(serdeConfig, WindowPartial.class), DecodedStore.Scans.NONE));
    }

    @Override
    public Processor<String, WindowPartial, String, WindowedMetric> get() {
        return new Processor<>() {
            private ProcessorContext<String, WindowedMetric> context;
            private KeyValueStore<String, WindowPartial> windows;
            /**
             * Time → the keys of the windows due then, each to CLOSE or EXPIRE, in the order they were
             * scheduled; derived from the store (see the class comment). Many windows share a close
             * time (every dimension's minute), so this orders times, not window keys.
             */
            private final NavigableMap<Long, Map<String, String>> due = new TreeMap<>();
            /**
             * The keys of the windows in the store, derived alike: most partials of a replay open a
             * window, and one not among these needs no read of the store to know it is new.
             */
            private final Set<String> stored = new HashSet<>();
            /** Learner partition task → its watermark, moved on by the wall clock since it came. */
            private final Map<String, EffectiveClock> upstream = new HashMap<>();
            /** Learner partition task → when its watermark was last written to the store (wall clock). */
            private final Map<String, Long> keptAt = new HashMap<>();
            /** Every window closing before this has closed, unless made late (see the class comment). */
            private long closedThrough;
            private long settledAt;
            /** How many learner partitions there are, 0 if unknown (see the class comment). */
            private int learnerPartitions;
            /** The last scan ran out of time with windows still due. */
            private boolean behind;

            @Override
            public void init(ProcessorContext<String, WindowedMetric> context) {
                this.context = context;
                this.windows = context.getStateStore(StoreNames.WINDOWED_METRICS);
                due.clear();
                stored.clear();
                upstream.clear();
                keptAt.clear();
                final long wall = context.currentSystemTimeMs();
                closedThrough = closedThrough(windows);
                try (KeyValueIterator<String, WindowPartial> all = windows.all()) {
                    all.forEachRemaining(entry -> {
                        if (CLOSED_THROUGH.equals(entry.key)) {
                            return;
                        }
                        if (WindowPartialsProcessor.isWatermark(entry.value)) {
                            watermark(entry.value, wall);
                            keptAt.put(entry.value.getDimensionValue(), wall);
                        } else {
                            schedule(entry.key, entry.value, closed(entry.value, closedThrough));
                        }
                    });
                }
                // A first start knows no learner partition yet: give them time to report.
                settledAt = upstream.isEmpty() ? wall + SETTLE.toMillis() : Long.MIN_VALUE;
                learnerPartitions = learnerPartitions(context.appConfigs());
                behind = false;
                context.schedule(scanEvery, PunctuationType.WALL_CLOCK_TIME, this::close);
                // Each punctuation is followed by a chance to commit: a backlog closes in short transactions.
                context.schedule(CATCH_UP_AFTER, PunctuationType.WALL_CLOCK_TIME, at -> {
                    if (behind) {
                        close(at);
                    }
                });
            }

            private void watermark(WindowPartial mark, long wall) {
                upstream.computeIfAbsent(mark.getDimensionValue(), task -> new EffectiveClock())
                        .observe(mark.getWindowStart().toEpochMilli(), wall);
            }

            /** The slowest learner partition's time, or unknown while settling or before any is known. */
            private long now(long wall) {
                final boolean allReported = learnerPartitions > 0 && upstream.size() >= learnerPartitions;
                if (upstream.isEmpty() || wall < settledAt && !allReported) {
                    return EffectiveClock.UNKNOWN;
                }
                long slowest = Long.MAX_VALUE;
                for (final EffectiveClock partition : upstream.values()) {
                    slowest = Math.min(slowest, partition.now(wall - QUIET_AFTER.toMillis()));
                }
                return slowest;
            }

            /** Indexes a window at its close time while open, at its expiry once closed. */
            private void schedule(String key, WindowPartial window, boolean closed) {
                final WindowSizes size = WindowSizes.of(window.getWindowSize());
                final long closesAt = size.closesAt(window.getWindowStart().toEpochMilli());
                stored.add(key);
                if (closed) {
                    due.computeIfAbsent(closesAt + size.retentionMs, at -> new LinkedHashMap<>()).put(key, EXPIRE);
                } else {
                    due.computeIfAbsent(closesAt, at -> new LinkedHashMap<>()).put(key, CLOSE);
                }
            }

            @Override
            public void process(Record<String, WindowPartial> record) {
                final WindowPartial partial = record.value();
                if (WindowPartialsProcessor.isWatermark(partial)) {
                    final long wall = context.currentSystemTimeMs();
                    watermark(partial, wall);
                    // Kept for a restart, which only needs to know the partition and a time it has
                    // passed: a copy a minute old will do, and spares the changelog a record per watermark.
                    final Long kept = keptAt.get(partial.getDimensionValue());
                    if (kept == null || wall - kept >= KEEP_WATERMARK_EVERY.toMillis()) {
                        windows.put(record.key(), partial);
                        keptAt.put(partial.getDimensionValue(), wall);
                    }
                    // What this watermark makes due closes now, not at the next scan (see the class
                    // comment); unless a backlog is being closed, which goes on after a commit, so
                    // that no transaction holds more than one close budget of it.
                    if (!behind) {
                        close(wall);
                    }
                    return;
                }
                final boolean lateMinute = partial.getLateEvents() > 0;
                deliver(WindowSizes.ONE_MINUTE, partial, lateMinute, false, now(context.currentSystemTimeMs()));
            }

            /**
             * Adds a partial into its window of {@code size}; where that window does not take it in
             * (closed: counted late there; or expired), on into the windows that one rolls into.
             * A window that takes it in passes it on itself, when it closes (see roll). {@code rolled}:
             * the partial is a closed window's content (see add).
             */
            private void deliver(WindowSizes size, WindowPartial partial, boolean lateMinute, boolean rolled, long now) {
                final long start = size.start(partial.getWindowStart().toEpochMilli());
                final String key = key(size, partial.getDimension(), partial.getDimensionValue(), start);
                final WindowPartial window = stored.contains(key) ? windows.get(key) : null;
                if (!add(size, start, key, window, partial, lateMinute, rolled, now)) {
                    for (final WindowSizes bigger : size.rollsInto()) {
                        deliver(bigger, partial, lateMinute, rolled, now);
                    }
                }
            }

            /**
             * Adds a partial into its {@code window} of {@code size} (as read under {@code key}, null if
             * none): merged while open, counted late once closed. {@code now} is the roll-up's time.
             * Whether the window took the partial in (open, or made for it).
             *
             * <p>A partial from stage 1 for a window that is gone and past its retention is not
             * counted: the window was emitted and has expired, and made anew it would be emitted
             * again over its final value. A closed window's content ({@code rolled}) always makes its
             * bigger window: that one cannot have expired yet, since it closes after every window
             * inside it that existed by then, and one made later was made within its own (shorter)
             * retention. So a replay whose clock jumps weeks ahead at its first close (see
             * {@link #SETTLE}) still emits the 5m and 1h windows of its early history, once.
             */
            private boolean add(WindowSizes size, long start, String key, WindowPartial window, WindowPartial partial,
                                boolean lateMinute, boolean rolled, long now) {
                final long closesAt = size.closesAt(start);
                if (window != null && closed(window, closesAt, closedThrough)) {
                    window.setLateEvents(window.getLateEvents() + partial.getEvents());
                    windows.put(key, window);
                    return false;
                }
                if (window == null && !rolled && past(lateMinute ? closesAt : closesAt + size.retentionMs, now)) {
                    return false;
                }
                final WindowPartial merged = window != null ? merge(window, partial, lateMinute)
                        : fresh(size, start, partial, lateMinute);
                if (window == null) {
                    // Behind the mark, which would otherwise say it has closed (rolled content never is:
                    // its bigger window closes after the window being closed, at or past the mark).
                    merged.setMadeLate(closesAt < closedThrough);
                    schedule(key, merged, false);
                }
                windows.put(key, merged);
                return true;
            }

            private void close(long wallNow) {
                final long now = now(wallNow);
                if (now == EffectiveClock.UNKNOWN) {
                    return;
                }
                // In time order, including windows that a closing window creates already due; within
                // the budget, the rest in the next punctuation (still in time order, so a window is
                // always rolled into the bigger ones before they close). A scan stops only between
                // two times, so the mark can say "everything before this time". Closing adds only
                // later times (a bigger window closes after its parts; a closed one expires later).
                final long stopAt = System.nanoTime() + closeBudget.toNanos();
                behind = false;
                long through = now + 1;
                boolean closedAny = false;
                boolean first = true;
                for (Map.Entry<Long, Map<String, String>> group = due.firstEntry(); group != null && group.getKey() <= now;
                     group = due.firstEntry()) {
                    if (!first && System.nanoTime() - stopAt >= 0) {
                        behind = true;
                        through = group.getKey();
                        break;
                    }
                    first = false;
                    final Map<String, String> dueThen = group.getValue();
                    while (!dueThen.isEmpty()) {
                        final Iterator<Map.Entry<String, String>> next = dueThen.entrySet().iterator();
                        final Map.Entry<String, String> entry = next.next();
                        next.remove();
                        closedAny |= closeOrExpire(entry.getKey(), EXPIRE.equals(entry.getValue()), now);
                    }
                    due.remove(group.getKey());
                }
                if (closedAny && through > closedThrough) {
                    closedThrough = through;
                    windows.put(CLOSED_THROUGH, WindowPartialsProcessor.watermark(CLOSED_TASK, through));
                }
            }

            /**
             * Expires or closes one window; whether it closed by the mark (not by its own flag), so
             * that the mark must move past it.
             */
            private boolean closeOrExpire(String key, boolean expire, long now) {
                if (expire) {
                    windows.put(key, null); // A delete that writes its tombstone without reading the row.
                    stored.remove(key);
                    return false;
                }
                final WindowPartial window = windows.get(key);
                if (window == null) {
                    return false;
                }
                final boolean byMark = !window.getMadeLate();
                if (!byMark) {
                    window.setClosed(true);
                    windows.put(key, window);
                }
                schedule(key, window, true);
                final WindowSizes size = WindowSizes.of(window.getWindowSize());
                context.forward(new Record<>(key, metric(size, window, true),
                        size.closesAt(window.getWindowStart().toEpochMilli())));
                roll(size, window, now);
                return byMark;
            }

            /**
             * A closed window goes into the windows it rolls into: a minute into its 5m window, a 5m
             * window into its 1h and 1d windows. Stage 1 sends a minute's partials at every commit;
             * rolling them up once per closed window keeps the big windows, whose sketches are the
             * largest, from being rewritten (and logged) at every commit, and a day takes in 288
             * five-minute windows rather than 1,440 minutes. Time order makes this exact: a window's
             * last part closes before it (a minute's grace is shorter than its 5m window's, a 5m
             * window's than its hour's and day's).
             */
            private void roll(WindowSizes size, WindowPartial closed, long now) {
                if (size.rollsInto().isEmpty()) {
                    return;
                }
                final WindowPartial content = WindowPartial.newBuilder(closed).setLateEvents(0L).setClosed(false).build();
                for (final WindowSizes bigger : size.rollsInto()) {
                    deliver(bigger, content, false, true, now);
                }
            }
        };
    }

    /**
     * {@value WindowedMetricsTopology#LEARNER_PARTITIONS_CONFIG} among Kafka Streams' configs, 0 when
     * absent (unknown); fails naming the setting.
     */
    static int learnerPartitions(Map<String, Object> configs) {
        final long partitions = StreamsSettings.number(configs, WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, 0,
                "partitions");
        if (partitions < 0 || partitions > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG
                    + " must be a partition count (0 for unknown), got " + partitions);
        }
        return (int) partitions;
    }

    /** The closed-through mark kept in {@code store}, or {@link Long#MIN_VALUE} before any window closed. */
    static long closedThrough(ReadOnlyKeyValueStore<String, WindowPartial> store) {
        final WindowPartial mark = store.get(CLOSED_THROUGH);
        return mark == null ? Long.MIN_VALUE : mark.getWindowStart().toEpochMilli();
    }

    /** Whether a stored window has closed: by its own flag, or by the mark unless made after it. */
    static boolean closed(WindowPartial window, long closedThrough) {
        return closed(window, WindowSizes.of(window.getWindowSize()).closesAt(window.getWindowStart().toEpochMilli()),
                closedThrough);
    }

    /** The same, for a window whose close time the caller already has. */
    private static boolean closed(WindowPartial window, long closesAt, long closedThrough) {
        return window.getClosed() || !window.getMadeLate() && closesAt < closedThrough;
    }

    /** Whether a stored window has closed, as a store of this roll-up says. */
    static boolean closed(ReadOnlyKeyValueStore<String, WindowPartial> store, String key) {
        final WindowPartial window = store.get(key);
        return window != null && closed(window, closedThrough(store));
    }

    /** Whether {@code at} has passed by {@code now} (never while the roll-up's time is unknown). */
    private static boolean past(long at, long now) {
        return now != EffectiveClock.UNKNOWN && at <= now;
    }

    private static WindowPartial fresh(WindowSizes size, long start, WindowPartial partial, boolean lateMinute) {
        final WindowPartial window = WindowPartialsProcessor.empty(start,
                new String[] {partial.getDimension(), partial.getDimensionValue()});
        window.setWindowSize(size.label);
        return merge(window, partial, lateMinute);
    }

    /** Adds a partial into a window; a late minute's own late mark does not make the bigger window late. */
    private static WindowPartial merge(WindowPartial window, WindowPartial partial, boolean lateMinute) {
        window.setEvents(window.getEvents() + partial.getEvents());
        final Map<String, Long> byType = new HashMap<>(window.getEventsByType());
        partial.getEventsByType().forEach((type, count) -> byType.merge(type, count, Long::sum));
        window.setEventsByType(byType);
        window.setQuizAttempts(window.getQuizAttempts() + partial.getQuizAttempts());
        window.setFailures(window.getFailures() + partial.getFailures());
        window.setScoreSum(window.getScoreSum() + partial.getScoreSum());
        window.setLearners(ByteBuffer.wrap(WindowSketches.unionLearners(WindowSketches.bytes(window.getLearners()),
                WindowSketches.bytes(partial.getLearners()))));
        window.setScores(ByteBuffer.wrap(WindowSketches.mergeScores(WindowSketches.bytes(window.getScores()),
                WindowSketches.bytes(partial.getScores()))));
        if (!lateMinute) {
            window.setLateEvents(window.getLateEvents() + partial.getLateEvents());
        }
        return window;
    }

    static WindowedMetric metric(WindowSizes size, WindowPartial window, boolean closing) {
        final long attempts = window.getQuizAttempts();
        final byte[] scores = WindowSketches.bytes(window.getScores());
        final long start = window.getWindowStart().toEpochMilli();
        final double[] quantiles = WindowSketches.quantiles(scores, 0.5, 0.9);
        return new WindowedMetric(window.getDimension(), window.getDimensionValue(), size.label,
                window.getWindowStart(), Instant.ofEpochMilli(start + size.sizeMs), window.getEvents(),
                new HashMap<>(window.getEventsByType()), WindowSketches.learners(WindowSketches.bytes(window.getLearners())),
                attempts, attempts == 0 ? null : window.getScoreSum() / attempts,
                quantiles == null ? null : quantiles[0], quantiles == null ? null : quantiles[1],
                attempts == 0 ? null : (double) window.getFailures() / attempts, window.getLateEvents(), closing);
    }
}
