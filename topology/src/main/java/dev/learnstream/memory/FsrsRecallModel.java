package dev.learnstream.memory;

import java.util.HashMap;
import java.util.Map;

/** FSRS-6 with fixed weights: each item's state is replayed review by review. */
public final class FsrsRecallModel implements RecallModel {

    private final String name;
    private final Fsrs6 fsrs;
    private final Map<String, Card> cards = new HashMap<>();

    public FsrsRecallModel(String name, Fsrs6 fsrs) {
        this.name = name;
        this.fsrs = fsrs;
    }

    private record Card(MemoryState state, long lastAt) {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double predict(Review review) {
        final Card card = cards.get(review.key());
        return card == null ? Double.NaN
                : fsrs.retrievability(Days.between(card.lastAt(), review.at()), card.state().stability());
    }

    @Override
    public void observe(Review review) {
        final Card card = cards.get(review.key());
        final MemoryState next = card == null
                ? review.baseline() == null ? fsrs.first(review.grade()) : fsrs.first(review.grade(), review.baseline())
                : fsrs.next(card.state(), Days.between(card.lastAt(), review.at()), review.grade());
        cards.put(review.key(), new Card(next, review.at()));
    }
}
