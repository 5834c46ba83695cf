package dev.learnstream.simulator;

/** The kinds of bad event the simulator injects, and the header that tells tests which one it was. */
public enum Fault {
    /** Bytes that are not the Confluent wire format at all. */
    GARBAGE_BYTES,
    /** A valid header naming a schema id the registry does not know. */
    UNKNOWN_SCHEMA_ID,
    /** A quiz or assessment score of 150. */
    SCORE_OUT_OF_RANGE,
    /** A negative duration. */
    NEGATIVE_TIME,
    /** An empty userId. */
    MISSING_USER_ID,
    /** occurredAt in 1970. */
    TIMESTAMP_1970,
    /** occurredAt a year ahead. */
    TIMESTAMP_NEXT_YEAR;

    /** Record header carrying the fault's name on injected records (ground truth for tests). */
    public static final String HEADER = "learnstream.sim.fault";
}
