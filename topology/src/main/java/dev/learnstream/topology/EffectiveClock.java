package dev.learnstream.topology;

/**
 * "Now" for a task's wall-clock punctuators: the latest event time seen plus the wall-clock time
 * since it was seen. It follows event time during a replay (no mass expiry of old data) and keeps
 * moving when the partition goes quiet (windows close and drop-outs are found without new events).
 * Unknown until the task has seen an event since it started.
 */
final class EffectiveClock {

    static final long UNKNOWN = Long.MIN_VALUE;

    private long latestEventTime = UNKNOWN;
    private long wallAtLatest;

    void observe(long eventTime, long wallNow) {
        if (eventTime > latestEventTime) {
            latestEventTime = eventTime;
            wallAtLatest = wallNow;
        }
    }

    /** Effective now, or {@link #UNKNOWN} before the first event. */
    long now(long wallNow) {
        return latestEventTime == UNKNOWN ? UNKNOWN : latestEventTime + Math.max(0, wallNow - wallAtLatest);
    }
}
