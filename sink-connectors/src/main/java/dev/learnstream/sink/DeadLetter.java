package dev.learnstream.sink;

/**
 * A record the sink cannot write, and why.
 *
 * @param stage deserialize (not Avro of a known schema), map (the key or value does not fit the
 *              table) or write (PostgreSQL rejected the row)
 */
record DeadLetter(SinkRecord record, String stage, Throwable error) {
}
