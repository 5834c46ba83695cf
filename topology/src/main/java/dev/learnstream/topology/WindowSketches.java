package dev.learnstream.topology;

import java.nio.ByteBuffer;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The two sketches of a window partial, as bytes: HLL for distinct learners (exact while small,
 * about 1.6 % error at lgK 12 beyond; HLL_8 registers, see {@link #unionLearners}) and KLL for score quantiles. Both merge, so per-task
 * minute partials roll up into 5m, 1h and 1d windows across partitions.
 */
final class WindowSketches {

    static final int LG_K = 12;
    private static final byte[] EMPTY = new byte[0];

    private WindowSketches() {
    }

    /** Distinct learners, as an object while it grows. */
    static final class Learners {
        private HllSketch sketch;

        void add(String userId) {
            if (sketch == null) {
                sketch = new HllSketch(LG_K, TgtHllType.HLL_8);
            }
            sketch.update(userId);
        }

        byte[] bytes() {
            return sketch == null ? EMPTY : sketch.toCompactByteArray();
        }
    }

    /** Scores, as an object while it grows. */
    static final class Scores {
        private KllDoublesSketch sketch;

        void add(double score) {
            if (sketch == null) {
                sketch = KllDoublesSketch.newHeapInstance();
            }
            sketch.update(score);
        }

        byte[] bytes() {
            return sketch == null ? EMPTY : sketch.toByteArray();
        }
    }

    static byte[] unionLearners(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        final Union union = new Union(LG_K);
        union.update(HllSketch.heapify(a));
        union.update(HllSketch.heapify(b));
        // HLL_8, the union's own type: a window with many learners is merged into again and again
        // as its minutes roll up, and converting 4,096 registers to HLL_4 and back each time cost
        // more than the merge. Sketches stored as HLL_4 by earlier versions read the same.
        return union.getResult(TgtHllType.HLL_8).toCompactByteArray();
    }

    static byte[] mergeScores(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        final KllDoublesSketch merged = KllDoublesSketch.heapify(Memory.wrap(a));
        merged.merge(KllDoublesSketch.heapify(Memory.wrap(b)));
        return merged.toByteArray();
    }

    static double learners(byte[] hll) {
        return hll.length == 0 ? 0.0 : Math.round(HllSketch.heapify(hll).getEstimate() * 10) / 10.0;
    }

    /** The scores' quantiles at {@code ranks}, or null when there are no scores. */
    static double[] quantiles(byte[] kll, double... ranks) {
        return kll.length == 0 ? null : KllDoublesSketch.heapify(Memory.wrap(kll)).getQuantiles(ranks);
    }

    static ByteBuffer empty() {
        return ByteBuffer.wrap(EMPTY);
    }

    static byte[] bytes(ByteBuffer buffer) {
        final ByteBuffer copy = buffer.duplicate();
        final byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
