package dev.learnstream.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.filters.bloomfilter.BloomFilter;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;

/**
 * The event ids a dedup task has recorded, by generation of event time ({@code time / generation}),
 * as Bloom filters (DataSketches'): "not seen" is certain, "maybe seen" is a question for the
 * store. Nearly every event is new, so the store's range lookup (an iterator on each of its
 * segments) is left for the few that a filter cannot rule out.
 *
 * <p>A generation's filter grows in blocks, each twice the capacity of the last, so it needs no
 * estimate of the traffic: at 16 bits and 7 hashes per id, a full block answers "maybe" wrongly
 * for about 0.07% of new ids. A generation stops growing at {@value #MAX_BITS} bits (16 MiB,
 * about 8 million ids): past that it answers "maybe" for every id, and the store answers, as it
 * would without filters. Generations older than {@code keep} before the newest are dropped.
 */
final class SeenIds {

    private static final int FIRST_CAPACITY = 1 << 14;
    private static final int BITS_PER_ID = 16;
    private static final int HASHES = 7;
    /** Fixed, so that a filter answers the same for the same ids from run to run. */
    private static final long SEED = 0x5eed1d5L;
    static final long MAX_BITS = 1L << 27;

    private final long generation;
    private final int keep;
    private final Map<Long, Generation> generations = new HashMap<>();
    private long newest = Long.MIN_VALUE;

    /**
     * @param generationMs event time each generation covers
     * @param keep         generations kept before the newest one
     */
    SeenIds(long generationMs, int keep) {
        if (generationMs <= 0 || keep < 0) {
            throw new IllegalArgumentException("generation must be positive and keep not negative, got "
                    + generationMs + " and " + keep);
        }
        this.generation = generationMs;
        this.keep = keep;
    }

    void add(String id, long time) {
        final long g = Math.floorDiv(time, generation);
        if (newest != Long.MIN_VALUE && g < newest - keep) {
            return; // Older than every generation kept: nothing answers for it any more.
        }
        generations.computeIfAbsent(g, k -> new Generation()).add(id);
        if (g > newest) {
            newest = g;
            generations.keySet().removeIf(old -> old < newest - keep);
        }
    }

    /** Whether {@code id} may have been added at a time within [from, to]. */
    boolean mightContain(String id, long from, long to) {
        final long last = Math.floorDiv(to, generation);
        for (long g = Math.floorDiv(from, generation); g <= last; g++) {
            final Generation ids = generations.get(g);
            if (ids != null && ids.mightContain(id)) {
                return true;
            }
        }
        return false;
    }

    int generations() {
        return generations.size();
    }

    private static final class Generation {
        private final List<BloomFilter> blocks = new ArrayList<>(4);
        /** Ids the last block can take before the next one is made. */
        private long room;
        private long lastCapacity;
        private long bits;
        private boolean full;

        void add(String id) {
            if (full) {
                return;
            }
            if (room == 0) {
                final long capacity = lastCapacity == 0 ? FIRST_CAPACITY : 2 * lastCapacity;
                if (bits + BITS_PER_ID * capacity > MAX_BITS) {
                    full = true;
                    return;
                }
                blocks.add(BloomFilterBuilder.createBySize(BITS_PER_ID * capacity, HASHES, SEED));
                bits += BITS_PER_ID * capacity;
                lastCapacity = capacity;
                room = capacity;
            }
            blocks.get(blocks.size() - 1).update(id);
            room--;
        }

        boolean mightContain(String id) {
            if (full) {
                return true;
            }
            for (final BloomFilter block : blocks) {
                if (block.query(id)) {
                    return true;
                }
            }
            return false;
        }
    }
}
