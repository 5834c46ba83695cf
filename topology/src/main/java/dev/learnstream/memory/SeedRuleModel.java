package dev.learnstream.memory;

import java.util.HashMap;
import java.util.Map;

/**
 * The seed's rule, as a baseline: confidence = score / 70, next review after
 * 2 × confidence × the previous interval (one day at first, back to one day after a failure), and
 * an Ebbinghaus exponential curve that reaches 90% recall at the next review: R = 0.9^(t / interval).
 * A grade stands for the middle of its default score band (Again 50, Hard 75, Good 87, Easy 97).
 */
public final class SeedRuleModel implements RecallModel {

    private static final double[] SCORE_OF_GRADE = {50, 75, 87, 97};
    private final Map<String, Card> cards = new HashMap<>();

    private record Card(double intervalDays, long lastAt) {
    }

    @Override
    public String name() {
        return "seed-rule";
    }

    @Override
    public double predict(Review review) {
        final Card card = cards.get(review.key());
        if (card == null) {
            return Double.NaN;
        }
        return Math.pow(0.9, Days.between(card.lastAt(), review.at()) / card.intervalDays());
    }

    @Override
    public void observe(Review review) {
        final Card card = cards.get(review.key());
        final double confidence = SCORE_OF_GRADE[review.grade().value() - 1] / 70.0;
        final double previous = card == null || !review.grade().recalled() ? 1.0 : card.intervalDays();
        final double interval = review.grade().recalled() ? Math.min(36500, 2 * confidence * previous) : 1.0;
        cards.put(review.key(), new Card(interval, review.at()));
    }
}
