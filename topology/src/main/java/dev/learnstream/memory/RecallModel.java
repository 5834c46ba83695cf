package dev.learnstream.memory;

/**
 * A model that predicts recall of remembered items from their past reviews. Stateful: it is told
 * every review in time order, and only ever predicts from what it has been told (never the future).
 */
public interface RecallModel {

    String name();

    /** Probability that {@code review} is a recall (grade above Again), from the reviews before it; NaN for a first review. */
    double predict(Review review);

    /** Learns from {@code review}, which has just been predicted. */
    void observe(Review review);
}
