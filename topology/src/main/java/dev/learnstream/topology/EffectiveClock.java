package dev.learnstream.topology;

/**
 * "Now" for a task's wall-clock punctuators: the latest event time seen plus the wall-clock time
 * since it was seen. It follows event time during a replay (no mass expiry of old data) and keeps
 * moving when the partition goes quiet (windows close and drop-outs are found without new events).
 * Unknown until the task has seen an event since it started. An event stamped ahead of the wall
 * clock (the rules accept up to a day ahead) moves it only as far as the wall clock: one
 * skewed producer must not close every window and expire every memory of its partition early.
 */
final class EffectiveClock {

    static final long UNKNOWN = Long.MIN_VALUE;

    private long latestEventTime = UNKNOWN;
    private long wallAtLatest;

    void observe(long eventTime, long wallNow) {
        final long bounded = Math.min(eventTime, wallNow);
        if (bounded > latestEventTime) {
            latestEventTime = bounded;
            wallAtLatest = wallNow;
        }
    }

    /** Effective now, or {@link #UNKNOWN} before the first event. */
    long now(long wallNow) {
        return latestEventTime == UNKNOWN ? UNKNOWN : latestEventTime + Math.max(0, wallNow - wallAtLatest);
    }
}
