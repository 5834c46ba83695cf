package dev.learnstream.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event ids a dedup task has recorded, by generation of event time ({@code time / generation}),
 * as Bloom filters: "not seen" is certain, "maybe seen" is a question for the store. Nearly every
 * event is new, so the store's range lookup (an iterator on each of its segments) is left for the
 * few that a filter cannot rule out.
 *
 * <p>A generation's filter grows in blocks, each twice the size of the last, so it needs no
 * estimate of the traffic: at 16 bits and 7 probes per id, a full block answers "maybe" wrongly
 * for about 0.07% of new ids. A generation stops growing at
 * {@value #MAX_BITS} bits (16 MiB, about 8 million ids): past that it answers "maybe" for every
 * id, and the store answers, as it would without filters. Generations older than {@code keep}
 * before the newest are dropped.
 */
final class SeenIds {

    private static final int FIRST_CAPACITY = 1 << 14;
    /** Rounded up to a power of two per block: 16 for every block size used. */
    private static final int BITS_PER_ID = 10;
    private static final int PROBES = 7;
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

    /** A 64-bit hash of an id; its two halves drive the probes. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        // FNV-1a spreads single characters poorly into the high bits; mix them through.
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    void add(long hash, long time) {
        final long g = Math.floorDiv(time, generation);
        if (newest != Long.MIN_VALUE && g < newest - keep) {
            return; // Older than every generation kept: nothing answers for it any more.
        }
        generations.computeIfAbsent(g, k -> new Generation()).add(hash);
        if (g > newest) {
            newest = g;
            generations.keySet().removeIf(old -> old < newest - keep);
        }
    }

    /** Whether an id with this hash may have been added at a time within [from, to]. */
    boolean mightContain(long hash, long from, long to) {
        final long last = Math.floorDiv(to, generation);
        for (long g = Math.floorDiv(from, generation); g <= last; g++) {
            final Generation ids = generations.get(g);
            if (ids != null && ids.mightContain(hash)) {
                return true;
            }
        }
        return false;
    }

    int generations() {
        return generations.size();
    }

    private static final class Generation {
        private final List<Block> blocks = new ArrayList<>(4);
        private long bits;
        private boolean full;

        void add(long hash) {
            if (full) {
                return;
            }
            Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
            if (last == null || last.count >= last.capacity) {
                final Block next = new Block(last == null ? FIRST_CAPACITY : last.capacity * 2);
                if (bits + next.size() > MAX_BITS) {
                    full = true;
                    return;
                }
                bits += next.size();
                blocks.add(next);
                last = next;
            }
            last.add(hash);
        }

        boolean mightContain(long hash) {
            if (full) {
                return true;
            }
            for (final Block block : blocks) {
                if (block.mightContain(hash)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Block {
        private final long[] bits;
        private final int mask;
        private final int capacity;
        private int count;

        Block(int capacity) {
            this.capacity = capacity;
            final int size = Integer.highestOneBit(capacity * BITS_PER_ID - 1) << 1;
            this.bits = new long[size >>> 6];
            this.mask = size - 1;
        }

        long size() {
            return (long) bits.length << 6;
        }

        void add(long hash) {
            int probe = (int) hash;
            final int step = (int) (hash >>> 32) | 1;
            for (int i = 0; i < PROBES; i++, probe += step) {
                final int bit = probe & mask;
                bits[bit >>> 6] |= 1L << bit;
            }
            count++;
        }

        boolean mightContain(long hash) {
            int probe = (int) hash;
            final int step = (int) (hash >>> 32) | 1;
            for (int i = 0; i < PROBES; i++, probe += step) {
                final int bit = probe & mask;
                if ((bits[bit >>> 6] & (1L << bit)) == 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
