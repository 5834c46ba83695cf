package dev.learnstream.topology;

import dev.learnstream.results.WindowPartial;
import dev.learnstream.results.WindowedMetric;
import dev.learnstream.topics.EventSerdes;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Windowed metrics, tumbling 1m / 5m / 1h / 1d with explicit grace (30 s, 1 min, 5 min, 1 h):
 * events per type, distinct active learners (HLL), quiz attempts, mean / p50 / p90 score (KLL) and
 * failure rate (score below 70), overall, per domain and per module. Stage 1 pre-aggregates minutes
 * on each learner partition between two commits ({@code window-partials}); stage 2 rolls them up
 * after a repartition by dimension ({@code window-partials-by-dimension}), at every commit of
 * stage 1; in-progress windows are readable from its store and
 * each window is emitted once, final, on close. Windows close on a wall-clock punctuator once the
 * watermarks of all learner partitions have passed them (each an {@link EffectiveClock}: event
 * time, moving on with the wall clock when a partition is quiet), so they close even when traffic
 * is sparse, and in a replay not before the slowest partition has sent its share; events later
 * than a minute's grace go to {@value ResultTopics#LATE_EVENTS} and are counted in the windows
 * they missed.
 *
 * <p>Topics written: {@value ResultTopics#WINDOWED_METRICS}, {@value ResultTopics#LATE_EVENTS}.
 */
public final class WindowedMetricsTopology {

    /** Windows close within this much wall-clock time of their close time. */
    static final Duration CLOSE_SCAN = Duration.ofSeconds(5);
    /**
     * On a first start (empty store) the roll-up closes nothing for this long, unless every learner
     * partition has reported before (see {@link WindowedMetricsProcessor}).
     */
    public static final Duration FIRST_CLOSES_AFTER = WindowedMetricsProcessor.SETTLE;
    /**
     * Kafka Streams setting: how many learner partitions there are (see
     * {@link TopologyTopics#learnerPartitions}); absent or 0 when unknown.
     */
    public static final String LEARNER_PARTITIONS_CONFIG = "learnstream.learner.partitions";

    private WindowedMetricsTopology() {
    }

    public static void build(TopologySettings settings, KStream<String, SpecificRecord> events) {
        final Map<String, ?> serdes = settings.serdeConfig();
        final Map<String, KStream<String, SpecificRecord>> stage1 = events
                .process(new WindowPartialsProcessor(), Named.as("window-partials"))
                .split(Named.as("windows-"))
                .branch((key, value) -> value instanceof WindowPartial, Branched.as("partials"))
                .defaultBranch(Branched.as("late"));
        stage1.get("windows-late")
                .to(ResultTopics.LATE_EVENTS, Produced.with(Serdes.String(), EventSerdes.values(serdes))
                        .withName("write-late-events"));
        stage1.get("windows-partials")
                .mapValues(value -> (WindowPartial) value, Named.as("as-window-partial"))
                .repartition(Repartitioned.with(Serdes.String(), AvroSerdes.avro(serdes, WindowPartial.class))
                        .withName("window-partials-by-dimension")
                        .withStreamPartitioner(WindowPartialsProcessor.TO_ALL_PARTITIONS))
                .process(new WindowedMetricsProcessor(serdes, CLOSE_SCAN), Named.as("windowed-metrics"))
                .to(ResultTopics.WINDOWED_METRICS, Produced.with(Serdes.String(), AvroSerdes.avro(serdes, WindowedMetric.class))
                        .withName("write-windowed-metrics"));
    }

    /**
     * A window as stored (in progress or closed, with its sketches) as the metric queries show:
     * final once its end plus grace is before {@code now}.
     */
    public static WindowedMetric readable(WindowPartial stored, long now) {
        final WindowSizes size = WindowSizes.of(stored.getWindowSize());
        return WindowedMetricsProcessor.metric(size, stored,
                size.closesAt(stored.getWindowStart().toEpochMilli()) <= now);
    }
}
