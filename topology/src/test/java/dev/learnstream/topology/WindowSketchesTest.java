package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

/**
 * Distinct-learner unions as the roll-up merges windows: in each of the sketch's modes (a short
 * list, a hash set, the full register array), between modes, and from the HLL_4 images earlier
 * versions stored. (Reading the sides in place instead of heap copies was tried: the union's
 * bytes then differ, so it was left as it is.)
 */
class WindowSketchesTest {

    /** A sketch of learners {@code from} (inclusive) to {@code to} (exclusive), as stage 1 makes it. */
    private static byte[] learners(int from, int to) {
        final WindowSketches.Learners learners = new WindowSketches.Learners();
        for (int i = from; i < to; i++) {
            learners.add("learner-" + i);
        }
        return learners.bytes();
    }

    @Test
    void unionsInEveryModeCountEachLearnerOnce() {
        // Sizes that put each side in list mode (a few), set mode (a few hundred) and HLL mode (thousands).
        final int[][] sides = {{0, 3, 2, 5}, {0, 300, 150, 450}, {0, 5_000, 2_500, 9_000}, {0, 3, 0, 6_000}};
        for (final int[] side : sides) {
            final byte[] a = learners(side[0], side[1]);
            final byte[] b = learners(side[2], side[3]);
            final byte[] union = WindowSketches.unionLearners(a, b);
            final int distinct = Math.max(side[1], side[3]) - Math.min(side[0], side[2]);
            assertThat(WindowSketches.learners(union)).as("%d..%d with %d..%d", side[0], side[1], side[2], side[3])
                    .isCloseTo(distinct, within(distinct * 0.03 + 0.01));
            assertThat(HllSketch.heapify(union).getTgtHllType()).isEqualTo(TgtHllType.HLL_8);
        }
        assertThat(WindowSketches.learners(WindowSketches.unionLearners(learners(0, 3), learners(2, 5))))
                .as("small counts are exact").isEqualTo(5.0);
    }

    @Test
    void aWindowStoredAsHll4ByAnEarlierVersionStillMerges() {
        final HllSketch old = new HllSketch(WindowSketches.LG_K, TgtHllType.HLL_4);
        for (int i = 0; i < 5_000; i++) {
            old.update("learner-" + i);
        }
        final byte[] stored = old.toCompactByteArray();
        final byte[] union = WindowSketches.unionLearners(stored, learners(4_000, 8_000));
        assertThat(WindowSketches.learners(union)).isCloseTo(8_000, within(240.0));
    }

    @Test
    void anEmptySideLeavesTheOtherAsItIs() {
        final byte[] some = learners(0, 10);
        assertThat(WindowSketches.unionLearners(new byte[0], some)).isSameAs(some);
        assertThat(WindowSketches.unionLearners(some, new byte[0])).isSameAs(some);
    }
}
