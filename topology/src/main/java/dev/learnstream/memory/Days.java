package dev.learnstream.memory;

/**
 * Elapsed time as FSRS counts it: whole calendar days (UTC) between two reviews, so two reviews
 * on the same day are a same-day review (the short-term formula) whatever the hours between them.
 */
public final class Days {

    private static final long DAY = 86_400_000L;

    private Days() {
    }

    public static long epochDay(long epochMillis) {
        return Math.floorDiv(epochMillis, DAY);
    }

    public static long between(long earlierMillis, long laterMillis) {
        return epochDay(laterMillis) - epochDay(earlierMillis);
    }

    /** Fractional days, for the current retrievability of a memory between reviews. */
    public static double fractional(long earlierMillis, long laterMillis) {
        return Math.max(0, laterMillis - earlierMillis) / (double) DAY;
    }
}
